import type { K8sObject } from '../../src/plan/render.ts';
import { podSpecOf } from '../../src/placement/read-back.ts';

/** A node as a plant's platform team would set it up. */
export interface Node {
  name: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  /** Extended resources the node advertises, e.g. nvidia.com/gpu: 1. */
  capacity: Record<string, number>;
  runtimeClasses: string[];
}

interface Expression {
  key: string;
  operator: string;
  values?: string[];
}

/**
 * The parts of kube-scheduler's filtering that placement depends on: required node
 * affinity (terms ORed, expressions ANDed), NoSchedule/NoExecute taints that must be
 * tolerated, extended resources and the RuntimeClass. Written from the Kubernetes docs,
 * independently of the chart's templates.
 */
export function whyNot(workload: K8sObject, node: Node): string | null {
  const pod = podSpecOf(workload) as ReturnType<typeof podSpecOf> & { nodeSelector?: Record<string, string> };
  const terms = pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms) {
    const matches = (e: Expression) => {
      const v = node.labels[e.key];
      switch (e.operator) {
        case 'In':
          return v !== undefined && (e.values ?? []).includes(v);
        case 'NotIn':
          return v === undefined || !(e.values ?? []).includes(v);
        case 'Exists':
          return v !== undefined;
        case 'DoesNotExist':
          return v === undefined;
        default:
          throw new Error(`operator ${e.operator} not modelled`);
      }
    };
    if (!terms.some((t) => (t.matchExpressions ?? []).every(matches))) return 'node affinity';
  }
  for (const [k, v] of Object.entries(pod.nodeSelector ?? {})) if (node.labels[k] !== v) return `nodeSelector ${k}`;
  for (const taint of node.taints) {
    if (taint.effect === 'PreferNoSchedule') continue;
    const tolerated = (pod.tolerations ?? []).some(
      (t) =>
        (t.key === undefined || t.key === taint.key) &&
        (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')) &&
        (t.effect === undefined || t.effect === taint.effect),
    );
    if (!tolerated) return `taint ${taint.key}`;
  }
  for (const c of pod.containers) {
    for (const [res, qty] of Object.entries(c.resources?.limits ?? {})) {
      if (res === 'cpu' || res === 'memory') continue;
      if ((node.capacity[res] ?? 0) < Number(qty)) return `resource ${res}`;
    }
  }
  if (pod.runtimeClassName && !node.runtimeClasses.includes(pod.runtimeClassName)) return `runtimeClass ${pod.runtimeClassName}`;
  return null;
}

export const schedulableOn = (workload: K8sObject, nodes: Node[]): string[] =>
  nodes.filter((n) => whyNot(workload, n) === null).map((n) => n.name);
