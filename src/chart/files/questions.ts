import type { Group, Leaf } from '../../params/dsl.ts';
import { leaves } from '../../params/dsl.ts';
import { getPath, toShowIf } from '../../params/expr.ts';

/** One entry of Rancher's questions.yaml, with only documented fields. */
export interface RancherQuestion {
  variable: string;
  label: string;
  description: string;
  type: string;
  default: unknown;
  group: string;
  required?: boolean;
  options?: string[];
  min?: number;
  max?: number;
  min_length?: number;
  max_length?: number;
  show_if?: string;
  show_subquestion_if?: boolean;
  subquestions?: RancherQuestion[];
}

const typeOf = (p: Leaf): string => {
  switch (p.kind) {
    case 'string':
      return p.question?.type ?? 'string';
    case 'int':
      return 'int';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return 'enum';
    default:
      throw new Error(`a ${p.kind} value cannot be a question: Rancher's form has no input for it`);
  }
};

/**
 * The Rancher form. Defaults are the chart's own values (Rancher shows values.yaml
 * anyway, so they must agree); a plant's form drops what cannot apply to that plant.
 */
export function renderQuestions(root: Group, defaults: Record<string, unknown>, forPlant: boolean): RancherQuestion[] {
  const top: RancherQuestion[] = [];
  const byPath = new Map<string, RancherQuestion>();
  for (const [path, p] of leaves(root)) {
    const q = p.question;
    if (!q) continue;
    if (forPlant && q.tailor?.hidden?.(defaults)) continue;
    const def = getPath(defaults, path);
    const out: RancherQuestion = {
      variable: path,
      label: q.label,
      description: p.description,
      type: typeOf(p),
      default: def,
      group: q.group,
    };
    if (p.kind === 'string' && p.requiredWhen) out.required = true;
    if (p.kind === 'enum') {
      const allowed = forPlant && q.tailor?.options ? q.tailor.options(defaults) : [...p.options];
      // The plant's own default always stays selectable.
      out.options = p.options.filter((o) => allowed.includes(o) || o === def);
    }
    if (p.kind === 'int') {
      if (p.min !== undefined) out.min = p.min;
      if (p.max !== undefined) out.max = p.max;
    }
    if (p.kind === 'string') {
      if (p.minLength !== undefined) out.min_length = p.minLength;
      if (p.maxLength !== undefined) out.max_length = p.maxLength;
    }
    if (q.showIf) out.show_if = toShowIf(q.showIf);
    byPath.set(path, out);
    if (q.under) {
      const parent = byPath.get(q.under);
      if (!parent) throw new Error(`question ${path}: its parent ${q.under} must be a question declared before it`);
      if (parent.type !== 'boolean') throw new Error(`question ${path}: parent ${q.under} is not a boolean`);
      parent.show_subquestion_if = true;
      (parent.subquestions ??= []).push(out);
    } else {
      top.push(out);
    }
  }
  return top;
}
