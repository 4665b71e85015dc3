import { WORKLOADS, type KubeVisionValues } from '../params/kubevision.ts';
import { bytes, millicores } from '../params/quantity.ts';

/** What the plant's defaults request in all: Rancher warns when a cluster lacks it. */
export function requestedCapacity(values: KubeVisionValues): { cpu: string; memory: string } {
  let cpu = 0;
  let memory = 0;
  for (const name of WORKLOADS) {
    const w = values[name];
    if (!('mode' in w ? w.mode === 'bundled' : w.enabled)) continue;
    // MongoDB runs one replica; the others scale.
    const replicas = 'autoscaling' in w ? (w.autoscaling.enabled ? w.autoscaling.minReplicas : w.replicaCount) : 1;
    cpu += replicas * millicores(w.resources.requests.cpu);
    memory += (replicas * bytes(w.resources.requests.memory)) / 2 ** 20;
  }
  return { cpu: `${cpu}m`, memory: `${Math.ceil(memory)}Mi` };
}
