/**
 * A tiny condition language over value paths. One condition is written once and
 * compiled to every place that needs it: the build's own checks (TypeScript), the
 * chart's templates (Go template), Rancher's form (`show_if`) and the JSON schema (`if`).
 */
export type Scalar = string | number | boolean;

export type Expr =
  | { op: 'eq'; path: string; value: Scalar }
  | { op: 'ne'; path: string; value: Scalar }
  | { op: 'and'; of: Expr[] }
  | { op: 'or'; of: Expr[] };

export const eq = (path: string, value: Scalar): Expr => ({ op: 'eq', path, value });
export const ne = (path: string, value: Scalar): Expr => ({ op: 'ne', path, value });
export const isTrue = (path: string): Expr => eq(path, true);
export const isFalse = (path: string): Expr => eq(path, false);
export const and = (...of: Expr[]): Expr => ({ op: 'and', of });
export const or = (...of: Expr[]): Expr => ({ op: 'or', of });

export function getPath(values: unknown, path: string): unknown {
  let cur: unknown = values;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
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
  }
}

const goLiteral = (v: Scalar) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const goPath = (path: string) => `.Values.${path}`;

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
  }
}

/**
 * Rancher's show_if: `a=b` / `a!=b` joined by `&&` or `||`, with no parentheses, so
 * only one flat level of and/or can be expressed.
 */
export function toShowIf(e: Expr): string {
  const atom = (x: Expr): string => {
    if (x.op === 'eq') return `${x.path}=${x.value}`;
    if (x.op === 'ne') return `${x.path}!=${x.value}`;
    throw new Error(`show_if cannot nest ${x.op} inside and/or`);
  };
  if (e.op === 'and') return e.of.map(atom).join('&&');
  if (e.op === 'or') return e.of.map(atom).join('||');
  return atom(e);
}

/** The paths a condition reads: the form and the docs name them. */
export function pathsOf(e: Expr): string[] {
  return e.op === 'and' || e.op === 'or' ? e.of.flatMap(pathsOf) : [e.path];
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
  }
}

export function nest(path: string, leaf: JsonSchema): JsonSchema {
  return path
    .split('.')
    .reverse()
    .reduce<JsonSchema>((inner, key) => ({ type: 'object', properties: { [key]: inner }, required: [key] }), leaf);
}
