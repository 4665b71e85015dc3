import { json, list, map, str } from '../params/dsl.ts';
import type { Expr } from '../params/expr.ts';

/** The form's group for them, shown last. */
export const ADVANCED = 'Advanced scheduling';
import { formatSchema, formats, optional } from '../params/patterns.ts';

/**
 * A plant's own scheduling beside placement: global ones for every workload and each
 * service's own, merged with what placement generates (src/placement/_placement.tpl
 * kubevision.scheduling). Precedence: nodeSelector, service over global on the same key;
 * tolerations, placement's then global then the service's (objects, then the form's
 * tolerateTaints), all kept; affinity, the service's part over the global one
 * (nodeAffinity.preferred..., podAffinity, podAntiAffinity each whole), then one more
 * preferred term for the form's preferNodeLabels (global and the service's merged, the
 * service's wins on a key); priorityClassName, the service's or else the global one.
 * Required node affinity stays placement's own: Kubernetes ORs its terms, so a plant term
 * would widen placement instead of narrowing it; nodeSelector is the way to require more
 * labels (it is ANDed with the affinity).
 *
 * The form asks for what its inputs can hold typed: node labels (key-value editor: an
 * object), taints as kubectl writes them and preferred node labels (list and key-value
 * editors), the PriorityClass. Toleration objects and affinity are values only: Rancher's
 * yaml question stores its text as a string (shell/components/Questions/Yaml.vue passes no
 * as-object to YamlEditor, which then emits text), which these typed values refuse.
 */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}
export type Affinity = Record<string, unknown>;

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

// Kubernetes' ValidateTolerations: Exists takes no value; tolerationSeconds only with NoExecute.
const tolerationSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      key: { type: 'string', ...formatSchema(optional(formats.taintKey)) },
      operator: { type: 'string', enum: ['Exists', 'Equal'] },
      value: { type: 'string', ...formatSchema(formats.labelValue) },
      effect: { type: 'string', enum: EFFECTS },
      tolerationSeconds: { type: 'integer' },
    },
    allOf: [
      {
        if: { type: 'object', required: ['operator'], properties: { operator: { type: 'string', const: 'Exists' } } },
        then: { type: 'object', properties: { value: { type: 'string', maxLength: 0 } } },
      },
      {
        if: { type: 'object', required: ['tolerationSeconds'] },
        then: { type: 'object', required: ['effect'], properties: { effect: { type: 'string', const: 'NoExecute' } } },
      },
    ],
  },
};

const affinitySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    nodeAffinity: {
      type: 'object',
      additionalProperties: false,
      properties: { preferredDuringSchedulingIgnoredDuringExecution: { type: 'array', items: { type: 'object' } } },
    },
    podAffinity: { type: 'object' },
    podAntiAffinity: { type: 'object' },
  },
};

/** The values, for `global` or one workload; the form asks for four of them in its last group. */
export function schedulingExtras(o: { whose: string; label: string; showIf?: Expr }) {
  const { whose } = o;
  const question = (label: string) => ({ label: `${o.label}: ${label}`, group: ADVANCED, ...(o.showIf ? { showIf: o.showIf } : {}) });
  return {
    priorityClassName: str('', `PriorityClass of ${whose} pods (the plant's own, which must exist), so they keep their place when a node restarts short of room; empty: the global one, else the cluster default`, {
      format: optional(formats.resourceName),
      question: question('PriorityClass'),
    }),
    nodeSelector: map({}, `Node labels ${whose} pods also require, beside placement's (ANDed with it)`, { keys: formats.labelKey, values: formats.labelValue, question: question('node labels required') }),
    tolerations: json<Toleration[]>([], `Tolerations ${whose} pods also carry, beside placement's`, 'list', tolerationSchema),
    tolerateTaints: list([], `Taints ${whose} pods also tolerate, written as kubectl taint writes them: key[=value][:effect]. With a value only that value, without an effect every effect; empty entries are ignored`, {
      items: formats.taintToleration,
      question: question('taints tolerated'),
    }),
    preferNodeLabels: map({}, `Node labels ${whose} pods prefer, beside placement's (one preferred node affinity term of weight 100: nodes with all of them score higher; pods still run elsewhere)`, {
      keys: formats.labelKey,
      values: formats.labelValue,
      question: question('node labels preferred'),
    }),
    affinity: json<Affinity>(
      {},
      `Affinity ${whose} pods also have: preferred node affinity, pod affinity and anti-affinity (required node affinity is placement's; use nodeSelector to require more labels)`,
      'object',
      affinitySchema,
    ),
  };
}
