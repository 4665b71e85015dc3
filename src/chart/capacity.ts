import { WORKLOADS } from '../params/kubevision.ts';

/** Millicores from a CPU quantity ("250m", "1.5"). */
export function millicores(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Mebibytes from a memory quantity ("256Mi", "2Gi", "500M"). */
export function mebibytes(q: string): number {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q);
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  if (unit in BINARY) return n * BINARY[unit]!;
  if (unit in DECIMAL) return (n * DECIMAL[unit]!) / 2 ** 20;
  return n / 2 ** 20;
}

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
    memory += replicas * mebibytes(w.resources.requests.memory);
  }
  return { cpu: `${cpu}m`, memory: `${Math.ceil(memory)}Mi` };
}
