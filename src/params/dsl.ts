import type { Expr } from './expr.ts';
import type { Format } from './patterns.ts';

/**
 * A chart value declared once: its type, default, description and constraints feed
 * values.yaml, values.schema.json, questions.yaml, the README table and the build's checks.
 */
export type Param = StringParam | IntParam | BoolParam | EnumParam | ListParam | MapParam | Group;

export interface Question {
  label: string;
  group: string;
  /** Rancher input types beyond the value's own: hostname, password, secret, storageclass. */
  type?: 'hostname' | 'password' | 'secret' | 'storageclass' | 'multiline';
  showIf?: Expr;
  /** Shown as a subquestion of this boolean question, when it is true. */
  under?: string;
}

interface Base {
  description: string;
  question?: Question;
  /**
   * Set by the chart's consumers, not by a plant: Rancher's dashboard (global.cattle.*) or
   * Fleet. The schema accepts and types them; plant files may not set them.
   */
  injected?: 'rancher' | 'fleet';
}

export interface StringParam extends Base {
  kind: 'string';
  default: string;
  format?: Format;
  minLength?: number;
  /** The value must be non-empty when this holds (form: required; schema: if/then). */
  requiredWhen?: Expr;
}
export interface IntParam extends Base {
  kind: 'int';
  default: number;
  min?: number;
  max?: number;
}
export interface BoolParam extends Base {
  kind: 'boolean';
  default: boolean;
}
export interface EnumParam extends Base {
  kind: 'enum';
  default: string;
  options: readonly string[];
}
export interface ListParam extends Base {
  kind: 'list';
  default: string[];
  items?: Format;
}
export interface MapParam extends Base {
  kind: 'map';
  default: Record<string, string>;
  keys?: Format;
}
export interface Group {
  kind: 'group';
  description: string;
  children: Record<string, Param>;
  /**
   * Why the chart's schema takes keys beyond the declared ones here (`global`: a parent chart
   * passes its globals to every subchart, and a closed schema would refuse them). Plant files
   * still set declared keys only.
   */
  open?: string;
}

type Opts<P> = Omit<P, 'kind' | 'default' | 'description'>;

export const str = (def: string, description: string, o: Opts<StringParam> = {}): StringParam => ({
  kind: 'string',
  default: def,
  description,
  ...o,
});
export const int = (def: number, description: string, o: Opts<IntParam> = {}): IntParam => ({
  kind: 'int',
  default: def,
  description,
  ...o,
});
export const bool = (def: boolean, description: string, o: Opts<BoolParam> = {}): BoolParam => ({
  kind: 'boolean',
  default: def,
  description,
  ...o,
});
export const oneOf = <T extends string>(
  options: readonly T[],
  def: T,
  description: string,
  o: Omit<Opts<EnumParam>, 'options'> = {},
): EnumParam => ({ kind: 'enum', options, default: def, description, ...o });
export const list = (def: string[], description: string, o: Opts<ListParam> = {}): ListParam => ({
  kind: 'list',
  default: def,
  description,
  ...o,
});
export const map = (def: Record<string, string>, description: string, o: Opts<MapParam> = {}): MapParam => ({
  kind: 'map',
  default: def,
  description,
  ...o,
});
export const group = (description: string, children: Record<string, Param>, o: Pick<Group, 'open'> = {}): Group => ({
  kind: 'group',
  description,
  children,
  ...o,
});

export type Leaf = Exclude<Param, Group>;

/** Every leaf with its dotted path, in declaration order. */
export function* leaves(node: Group, prefix = ''): Generator<[string, Leaf]> {
  for (const [key, child] of Object.entries(node.children)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child.kind === 'group') yield* leaves(child, path);
    else yield [path, child];
  }
}

export function defaultsOf(node: Group): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.children)) {
    out[key] = child.kind === 'group' ? defaultsOf(child) : structuredClone(child.default);
  }
  return out;
}

export function findParam(root: Group, path: string): Param | undefined {
  let cur: Param = root;
  for (const key of path.split('.')) {
    if (cur.kind !== 'group') return undefined;
    const next: Param | undefined = cur.children[key];
    if (!next) return undefined;
    cur = next;
  }
  return cur;
}
