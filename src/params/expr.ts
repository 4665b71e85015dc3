/**
 * A tiny condition language over value paths. One condition is written once and
 * compiled to every place that needs it: the build's own checks (TypeScript), the
 * chart's templates (Go template), Rancher's form (`show_if`) and the JSON schema (`if`).
 */
import { bytes, millicores } from './quantity.ts';

export type Scalar = string | number | boolean;
/** How `greater` compares: whole numbers, CPU quantities or memory quantities. */
export type Unit = 'int' | 'cpu' | 'memory';

export type Expr =
  | { op: 'eq'; path: string; value: Scalar }
  | { op: 'ne'; path: string; value: Scalar }
  | { op: 'and'; of: Expr[] }
  | { op: 'or'; of: Expr[] }
  | { op: 'not'; of: Expr }
  /** The values at two paths are equal. */
  | { op: 'same'; a: string; b: string }
  /** The value at `a` is greater than the value at `b`. */
  | { op: 'greater'; a: string; b: string; unit: Unit }
  /** A string map whose keys and values add up to more than `limit` bytes. */
  | { op: 'sizeOver'; path: string; limit: number };

export const eq = (path: string, value: Scalar): Expr => ({ op: 'eq', path, value });
export const ne = (path: string, value: Scalar): Expr => ({ op: 'ne', path, value });
export const isTrue = (path: string): Expr => eq(path, true);
export const isFalse = (path: string): Expr => eq(path, false);
export const and = (...of: Expr[]): Expr => ({ op: 'and', of });
export const or = (...of: Expr[]): Expr => ({ op: 'or', of });
export const not = (of: Expr): Expr => ({ op: 'not', of });
export const same = (a: string, b: string): Expr => ({ op: 'same', a, b });
export const greater = (a: string, b: string, unit: Unit): Expr => ({ op: 'greater', a, b, unit });
export const sizeOver = (path: string, limit: number): Expr => ({ op: 'sizeOver', path, limit });

export function getPath(values: unknown, path: string): unknown {
  let cur: unknown = values;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Sets a value at a path whose parent mappings exist (values with every default in them). */
export function setPath(values: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = values;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[keys.at(-1)!] = value;
}

const measure: Record<Unit, (v: unknown) => number> = {
  int: (v) => Number(v),
  cpu: (v) => millicores(String(v)),
  memory: (v) => bytes(String(v)),
};

/** What Kubernetes counts for an object's annotations (ValidateAnnotationsSize: len(k)+len(v)). */
export function mapBytes(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  return Object.entries(v).reduce((n, [k, x]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(x)), 0);
}

export function evaluate(e: Expr, values: unknown): boolean {
  switch (e.op) {
    case 'eq':
      return getPath(values, e.path) === e.value;
    case 'ne':
      return getPath(values, e.path) !== e.value;
    case 'and':
      return e.of.every((x) => evaluate(x, values));
    case 'or':
      return e.of.some((x) => evaluate(x, values));
    case 'not':
      return !evaluate(e.of, values);
    case 'same':
      return getPath(values, e.a) === getPath(values, e.b);
    case 'greater':
      return measure[e.unit](getPath(values, e.a)) > measure[e.unit](getPath(values, e.b));
    case 'sizeOver':
      return mapBytes(getPath(values, e.path)) > e.limit;
  }
}

const goLiteral = (v: Scalar) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const goPath = (path: string) => `.Values.${path}`;
/** Named templates of src/chart/_helpers.tpl that turn a value into a number. */
const goMeasure: Record<Unit, (path: string) => string> = {
  int: (p) => `(int ${goPath(p)})`,
  cpu: (p) => `(include "kubevision.millicores" ${goPath(p)} | int64)`,
  memory: (p) => `(include "kubevision.bytes" ${goPath(p)} | int64)`,
};

/** A Go template pipeline that is true exactly when `evaluate` is. */
export function toGoTemplate(e: Expr): string {
  switch (e.op) {
    case 'eq':
      return `(eq ${goPath(e.path)} ${goLiteral(e.value)})`;
    case 'ne':
      return `(ne ${goPath(e.path)} ${goLiteral(e.value)})`;
    case 'and':
      return `(and ${e.of.map(toGoTemplate).join(' ')})`;
    case 'or':
      return `(or ${e.of.map(toGoTemplate).join(' ')})`;
    case 'not':
      return `(not ${toGoTemplate(e.of)})`;
    case 'same':
      return `(eq ${goPath(e.a)} ${goPath(e.b)})`;
    case 'greater':
      return `(gt ${goMeasure[e.unit](e.a)} ${goMeasure[e.unit](e.b)})`;
    case 'sizeOver':
      return `(gt (include "kubevision.mapBytes" ${goPath(e.path)} | int) ${e.limit})`;
  }
}

/**
 * Rancher's show_if, in the one form every dashboard reads alike: `a=b` conditions joined
 * by `&&`. Rancher's dashboard before 2026-08 rewrote `a!=b` into `a! == "b"`, an
 * expression that does not compile and so always shows the question (rancher/dashboard
 * v2.14.4 shell/components/Questions/index.vue migrate, greedy `(.*)(!?=)(.*)`); `||` and
 * parentheses are read differently by different versions.
 */
export function toShowIf(e: Expr): string {
  const atom = (x: Expr): string => {
    if (x.op === 'eq') return `${x.path}=${x.value}`;
    throw new Error(`show_if: only path=value conditions joined by && are safe in Rancher's form (got ${describe(x)})`);
  };
  return e.op === 'and' ? e.of.map(atom).join('&&') : atom(e);
}

/** The paths a condition reads: the form and the docs name them. */
export function pathsOf(e: Expr): string[] {
  switch (e.op) {
    case 'and':
    case 'or':
      return e.of.flatMap(pathsOf);
    case 'not':
      return pathsOf(e.of);
    case 'same':
    case 'greater':
      return [e.a, e.b];
    default:
      return [e.path];
  }
}

export function describe(e: Expr): string {
  switch (e.op) {
    case 'eq':
      return `${e.path} is ${JSON.stringify(e.value)}`;
    case 'ne':
      return `${e.path} is not ${JSON.stringify(e.value)}`;
    case 'and':
      return e.of.map(describe).join(' and ');
    case 'or':
      return e.of.map(describe).join(' or ');
    case 'not':
      return `not (${describe(e.of)})`;
    case 'same':
      return `${e.a} equals ${e.b}`;
    case 'greater':
      return `${e.a} is greater than ${e.b}`;
    case 'sizeOver':
      return `${e.path} holds more than ${e.limit} bytes`;
  }
}

type JsonSchema = Record<string, unknown>;

/** A JSON schema fragment (for `if`) that matches exactly when `evaluate` is true. */
export function toJsonSchema(e: Expr): JsonSchema {
  switch (e.op) {
    case 'eq':
      return nest(e.path, { const: e.value });
    case 'ne':
      return nest(e.path, { not: { const: e.value } });
    case 'and':
      return { allOf: e.of.map(toJsonSchema) };
    case 'or':
      return { anyOf: e.of.map(toJsonSchema) };
    case 'not':
      return { not: toJsonSchema(e.of) };
    default:
      throw new Error(`JSON schema cannot express "${describe(e)}": declare it as a rule (src/params/rules.ts)`);
  }
}

export function nest(path: string, leaf: JsonSchema): JsonSchema {
  return path
    .split('.')
    .reverse()
    .reduce<JsonSchema>((inner, key) => ({ type: 'object', properties: { [key]: inner }, required: [key] }), leaf);
}
