import { WORKLOADS } from '../params/kubevision.ts';
import { bytes, millicores } from '../params/quantity.ts';

interface Workload {
  enabled?: boolean;
  mode?: string;
  replicaCount?: number;
  autoscaling?: { enabled: boolean; minReplicas: number };
  resources: { requests: { cpu: string; memory: string } };
}

/** What the plant's defaults request in all: Rancher warns when a cluster lacks it. */
export function requestedCapacity(values: Record<string, unknown>): { cpu: string; memory: string } {
  let cpu = 0;
  let memory = 0;
  for (const name of WORKLOADS) {
    const w = values[name] as Workload;
    const on = name === 'mongodb' ? w.mode === 'bundled' : w.enabled;
    if (!on) continue;
    const replicas = w.autoscaling?.enabled ? w.autoscaling.minReplicas : (w.replicaCount ?? 1);
    cpu += replicas * millicores(w.resources.requests.cpu);
    memory += (replicas * bytes(w.resources.requests.memory)) / 2 ** 20;
  }
  return { cpu: `${cpu}m`, memory: `${Math.ceil(memory)}Mi` };
}
