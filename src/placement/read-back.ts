import { SITES, type Site } from '../placement/sites.ts';
import type { K8sObject } from '../plan/render.ts';
import type { KubeVisionValues } from '../params/kubevision.ts';

interface MatchExpression {
  key: string;
  operator: string;
  values?: string[];
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}
interface PodSpec {
  affinity?: {
    nodeAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions?: MatchExpression[] }[] };
      preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: { matchExpressions?: MatchExpression[] } }[];
    };
  };
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  runtimeClassName?: string;
  containers: { resources?: { limits?: Record<string, string | number> } }[];
}

/** Where one workload can be scheduled, read back from the rendered objects. */
export interface WorkloadPlacement {
  component: string;
  kind: string;
  /** Each alternative node must carry all labels of one entry (ORed terms). */
  nodeTerms: Record<string, string>[];
  /** The sites whose node labels satisfy a term. */
  sites: Site[];
  tolerations: Toleration[];
  /** Labels every node must carry on top of a term (the plant's own nodeSelector). */
  nodeSelector: Record<string, string>;
  /** The preferred node affinity terms (the plant's own), as the scheduler scores them. */
  preferred: { weight: number; labels: string }[];
  gpus: { resource: string; count: number } | null;
  runtimeClassName: string | null;
  replicas: string;
}

export function podSpecOf(obj: K8sObject): PodSpec {
  return (obj.spec as { template: { spec: PodSpec } }).template.spec;
}

/** A node selector expression as kubectl's label selectors write it. */
function formatExpression(e: MatchExpression): string {
  const values = e.values ?? [];
  switch (e.operator) {
    case 'In':
      return values.length === 1 ? `${e.key}=${values[0]}` : `${e.key} in (${values.join(', ')})`;
    case 'NotIn':
      return `${e.key} notin (${values.join(', ')})`;
    case 'Exists':
      return e.key;
    case 'DoesNotExist':
      return `!${e.key}`;
    default:
      return `${e.key} ${e.operator === 'Gt' ? '>' : '<'} ${values[0] ?? ''}`;
  }
}

/** Node labels of a term: only In with one value is generated; anything else is flagged. */
function termLabels(term: { matchExpressions?: MatchExpression[] }): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const e of term.matchExpressions ?? []) {
    if (e.operator !== 'In' || e.values?.length !== 1) throw new Error(`unexpected node selector ${JSON.stringify(e)}`);
    labels[e.key] = e.values[0]!;
  }
  return labels;
}

export function placementsOf(objects: K8sObject[], values: KubeVisionValues): WorkloadPlacement[] {
  const sites = values.sites;
  const hpas = new Map(
    objects
      .filter((o) => o.kind === 'HorizontalPodAutoscaler')
      .map((o) => [String((o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name), o.spec as { minReplicas: number; maxReplicas: number }]),
  );
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .map((o) => {
      const pod = podSpecOf(o);
      const terms = pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
      // A nodeSelector (the plant's own, src/placement/extras.ts) holds on top of every term.
      const nodeTerms = terms.map((t) => ({ ...termLabels(t), ...(pod.nodeSelector ?? {}) }));
      const siteList = SITES.filter((s) => nodeTerms.some((t) => t[sites[s].nodeLabel.key] === sites[s].nodeLabel.value));
      const limits = pod.containers[0]?.resources?.limits ?? {};
      const gpuKey = Object.keys(limits).find((k) => k !== 'cpu' && k !== 'memory');
      const hpa = hpas.get(o.metadata.name);
      return {
        component: o.metadata.labels?.['app.kubernetes.io/component'] ?? o.metadata.name,
        kind: o.kind,
        nodeTerms,
        sites: siteList,
        tolerations: pod.tolerations ?? [],
        nodeSelector: pod.nodeSelector ?? {},
        preferred: (pod.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => ({
          weight: t.weight,
          labels: (t.preference.matchExpressions ?? []).map(formatExpression).join(', '),
        })),
        gpus: gpuKey ? { resource: gpuKey, count: Number(limits[gpuKey]) } : null,
        runtimeClassName: pod.runtimeClassName ?? null,
        replicas: hpa ? `${hpa.minReplicas}-${hpa.maxReplicas} (autoscaled)` : String((o.spec as { replicas?: number }).replicas ?? 1),
      };
    });
}
