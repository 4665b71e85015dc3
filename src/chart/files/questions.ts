import type { Group, Leaf } from '../../params/dsl.ts';
import { leaves } from '../../params/dsl.ts';
import { evaluate, getPath, pathsOf, setPath, toShowIf, type Expr, type Scalar } from '../../params/expr.ts';
import type { Rule } from '../../params/rules.ts';
import { ADVANCED } from '../../placement/extras.ts';

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
  valid_chars?: string;
  show_if?: string;
  show_subquestion_if?: boolean;
  subquestions?: RancherQuestion[];
}

/** The form's tabs in this order: where each service runs comes first. */
export const GROUP_ORDER = ['Placement', 'Scaling', 'Database', 'Ingress', 'Security', 'Images', 'Sites', ADVANCED];

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
    case 'list':
      // Rancher's list input (shell/components/Questions/Array.vue, form/ArrayList.vue): it
      // emits an array of the rows' strings, trimmed, empty rows included.
      return 'array[string]';
    case 'map':
      // Rancher's key-value editor (shell/components/Questions/QuestionMap.vue): it emits an object.
      return 'map[string]';
    default:
      throw new Error(`a ${p.kind} value cannot be a question: Rancher's form has no input for it`);
  }
};

type Choice = { path: string; order: number; options: Scalar[]; preset: Scalar };

/**
 * The options the form may offer for each enum and boolean question, such that every
 * combination of answers keeps every rule of the chart (the rules are the one source:
 * src/params/rules.ts). Rancher's form cannot make one answer's options depend on another
 * (options are static; answers of hidden questions persist), so any two offered answers
 * must work together. Questions that share no rule are independent and checked apart;
 * within a group that does, options are removed one at a time, the one taking part in the
 * most broken combinations first, never a preset (the chart's own defaults are valid).
 */
export function offeredOptions(choices: Choice[], defaults: Record<string, unknown>, rules: Rule[]): Map<string, Scalar[]> {
  const offered = new Map(choices.map((c) => [c.path, [...c.options]]));
  const byPath = new Map(choices.map((c) => [c.path, c]));
  const touching = rules.map((r) => pathsOf(r.broken).filter((p) => byPath.has(p)));
  // Questions linked through a rule are decided together.
  const parent = new Map(choices.map((c) => [c.path, c.path]));
  const find = (p: string): string => (parent.get(p) === p ? p : find(parent.get(p)!));
  for (const paths of touching) for (const p of paths.slice(1)) parent.set(find(p), find(paths[0]!));
  const groups = new Map<string, string[]>();
  for (const c of choices) groups.set(find(c.path), [...(groups.get(find(c.path)) ?? []), c.path]);

  for (const members of groups.values()) {
    const relevant = rules.filter((_, i) => touching[i]!.some((p) => members.includes(p)));
    if (!relevant.length) continue;
    // Every combination sets every member, so one copy of the defaults serves them all.
    const values = structuredClone(defaults);
    for (;;) {
      const broken = combinations(members.map((m) => offered.get(m)!)).filter((combo) => {
        combo.forEach((v, i) => setPath(values, members[i]!, v));
        return relevant.some((r) => evaluate(r.broken, values));
      });
      if (!broken.length) break;
      const counts = new Map<string, { at: number; value: Scalar; n: number }>();
      for (const combo of broken) {
        combo.forEach((value, at) => {
          if (value === byPath.get(members[at]!)!.preset) return;
          const key = `${at}\u0000${String(value)}`;
          counts.set(key, { at, value, n: (counts.get(key)?.n ?? 0) + 1 });
        });
      }
      const worst = [...counts.values()].sort((a, b) => b.n - a.n || byPath.get(members[b.at]!)!.order - byPath.get(members[a.at]!)!.order)[0];
      if (!worst) throw new Error(`the chart's defaults break a rule: ${members.map((m) => `${m}=${String(getPath(defaults, m))}`).join(', ')}`);
      const path = members[worst.at]!;
      offered.set(path, offered.get(path)!.filter((v) => v !== worst.value));
    }
  }
  return offered;
}

function combinations(lists: Scalar[][]): Scalar[][] {
  return lists.reduce<Scalar[][]>((acc, list) => acc.flatMap((combo) => list.map((v) => [...combo, v])), [[]]);
}

type Atom = Extract<Expr, { op: 'eq' }>;
const atomsOf = (e: Expr | undefined): Atom[] => {
  if (!e) return [];
  if (e.op === 'eq') return [e];
  if (e.op === 'and') return e.of.flatMap(atomsOf);
  throw new Error(`a form condition must be path=value atoms joined by and (got ${e.op})`);
};
const andOf = (atoms: Atom[]): Expr | undefined => (atoms.length === 0 ? undefined : atoms.length === 1 ? atoms[0] : { op: 'and', of: atoms });
const sameAtom = (a: Atom, b: Atom) => a.path === b.path && a.value === b.value;

/**
 * The Rancher form of a chart, from the value declarations and the chart's defaults (which
 * Rancher shows anyway, so they must agree). Only the answers that install are offered
 * (offeredOptions); a question with nothing left to choose is left out.
 */
export function renderQuestions(root: Group, defaults: Record<string, unknown>, rules: Rule[]): RancherQuestion[] {
  const asked = [...leaves(root)].filter(([, p]) => p.question && !p.injected);
  const choices: Choice[] = asked.flatMap(([path, p], order) =>
    p.kind === 'enum' || p.kind === 'boolean'
      ? [{ path, order, options: p.kind === 'enum' ? [...p.options] : [true, false], preset: getPath(defaults, path) as Scalar }]
      : [],
  );
  const offered = offeredOptions(choices, defaults, rules);

  const top: RancherQuestion[] = [];
  const byPath = new Map<string, RancherQuestion>();
  for (const [path, p] of asked) {
    const q = p.question!;
    const options = offered.get(path);
    if (options && options.length < 2) continue;
    const out: RancherQuestion = {
      variable: path,
      label: q.label,
      description: p.description,
      type: typeOf(p),
      default: getPath(defaults, path),
      group: q.group,
    };
    if (p.kind === 'enum') out.options = options as string[];
    if (p.kind === 'int') {
      if (p.min !== undefined) out.min = p.min;
      if (p.max !== undefined) out.max = p.max;
    }
    if (p.kind === 'string') {
      if (p.minLength !== undefined) out.min_length = p.minLength;
      if (p.format?.maxLength !== undefined) out.max_length = p.format.maxLength;
      if (p.format?.chars) out.valid_chars = p.format.chars;
    }
    const variants = requiredVariants(out, p, q.showIf);
    for (const v of variants) byPath.set(path, v);
    if (q.under) {
      const parentQ = byPath.get(q.under);
      if (!parentQ) throw new Error(`question ${path}: its parent ${q.under} must be a question declared before it`);
      if (parentQ.type !== 'boolean') throw new Error(`question ${path}: parent ${q.under} is not a boolean`);
      parentQ.show_subquestion_if = true;
      (parentQ.subquestions ??= []).push(...variants);
    } else {
      top.push(...variants);
    }
  }
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return top.map((q, i) => ({ q, i })).sort((a, b) => rank(a.q.group) - rank(b.q.group) || a.i - b.i).map(({ q }) => q);
}

/**
 * A value required only in part of the states its question shows in (the host: always
 * shown with the Ingress, required with HTTPS) becomes two questions on the same value,
 * one marked required, so the form says it exactly when the schema demands it.
 */
function requiredVariants(out: RancherQuestion, p: Leaf, showIf: Expr | undefined): RancherQuestion[] {
  const shown = atomsOf(showIf);
  const requiredWhen = p.kind === 'string' ? p.requiredWhen : undefined;
  if (!requiredWhen) return [withShowIf(out, andOf(shown))];
  const extra = atomsOf(requiredWhen).filter((a) => !shown.some((s) => sameAtom(s, a)));
  if (!extra.length) return [withShowIf({ ...out, required: true }, andOf(shown))];
  const [flag] = extra;
  if (extra.length > 1 || typeof flag!.value !== 'boolean') {
    throw new Error(`question ${out.variable}: required when ${JSON.stringify(requiredWhen)} cannot be said in Rancher's form`);
  }
  return [
    withShowIf({ ...out, required: true }, andOf([...shown, flag!])),
    withShowIf(out, andOf([...shown, { ...flag!, value: !flag!.value }])),
  ];
}

function withShowIf(q: RancherQuestion, e: Expr | undefined): RancherQuestion {
  return e ? { ...q, show_if: toShowIf(e) } : { ...q };
}
