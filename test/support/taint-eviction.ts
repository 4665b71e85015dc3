import type { K8sObject } from '../../src/plan/render.ts';
import { podSpecOf } from '../../src/placement/read-back.ts';
import type { Node } from './scheduler.ts';

/**
 * What Kubernetes does to a pod whose node stops reporting, from its source:
 * - the node lifecycle controller taints the node node.kubernetes.io/unreachable:NoExecute
 *   (not-ready when the kubelet reports NotReady);
 * - the DefaultTolerationSeconds admission plugin gave the pod, at creation, 300 s
 *   tolerations for both taints unless it already tolerated them (NoExecute or empty effect,
 *   that key or an empty key): kubernetes plugin/pkg/admission/defaulttolerationseconds/admission.go;
 * - the taint eviction controller evicts at once a pod that does not tolerate every NoExecute
 *   taint, else after the smallest tolerationSeconds of the tolerations it used (the first
 *   that tolerates each taint), never when none of them has one:
 *   kubernetes pkg/controller/tainteviction/taint_eviction.go (processPodOnNode,
 *   getMinTolerationTime) and v1helper.GetMatchingTolerations.
 */
export const UNREACHABLE = 'node.kubernetes.io/unreachable';
export const NOT_READY = 'node.kubernetes.io/not-ready';
const DEFAULT_SECONDS = 300;

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
type Taint = Node['taints'][number];

// k8s.io/api core/v1 toleration.go ToleratesTaint.
const tolerates = (t: Toleration, taint: Taint) =>
  (!t.effect || t.effect === taint.effect) &&
  (!t.key || t.key === taint.key) &&
  (t.operator === 'Exists' ? true : (t.operator ?? 'Equal') === 'Equal' && (t.value ?? '') === (taint.value ?? ''));

function admitted(tolerations: Toleration[]): Toleration[] {
  const covers = (key: string) => tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const added = [NOT_READY, UNREACHABLE]
    .filter((key) => !covers(key))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_SECONDS }));
  return [...tolerations, ...added];
}

/** Seconds until the pod is evicted from the node once the node is unreachable; Infinity: never. */
export function evictionAfter(workload: K8sObject, node: Node, condition: string = UNREACHABLE): number {
  const tolerations = admitted((podSpecOf(workload).tolerations ?? []) as Toleration[]);
  const noExecute = [...node.taints, { key: condition, effect: 'NoExecute' as const }].filter((t) => t.effect === 'NoExecute');
  const used: Toleration[] = [];
  for (const taint of noExecute) {
    const t = tolerations.find((x) => tolerates(x, taint));
    if (!t) return 0;
    used.push(t);
  }
  const seconds = used.map((t) => t.tolerationSeconds).filter((s): s is number => s !== undefined);
  if (seconds.some((s) => s <= 0)) return 0;
  return seconds.length ? Math.min(...seconds) : Infinity;
}
