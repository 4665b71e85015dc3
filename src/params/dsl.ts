import type { Expr } from './expr.ts';
import type { Format } from './patterns.ts';

/**
 * A chart value declared once: its type, default, description and constraints feed
 * values.yaml, values.schema.json, questions.yaml, the README table and the build's checks.
 */
export type Param = StringParam | IntParam | BoolParam | EnumParam | ListParam | MapParam | JsonParam | Group;

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
export interface EnumParam<T extends string = string> extends Base {
  kind: 'enum';
  default: T;
  options: readonly T[];
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
  values?: Format;
}
/**
 * A value with structure of its own (a list of tolerations, an affinity): its JSON schema is
 * given whole, since Kubernetes defines the shape. `T` is its TypeScript type.
 */
export interface JsonParam<T = unknown> extends Base {
  kind: 'json';
  default: T;
  /** What the README calls its type: list, object. */
  typeName: string;
  schema: Record<string, unknown>;
}
export interface Group<C extends Record<string, Param> = Record<string, Param>> {
  kind: 'group';
  description: string;
  children: C;
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
export const oneOf = <const T extends string>(
  options: readonly T[],
  def: T,
  description: string,
  o: Omit<Opts<EnumParam>, 'options'> = {},
): EnumParam<T> => ({ kind: 'enum', options, default: def, description, ...o });
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
export const json = <T>(def: T, description: string, typeName: string, schema: Record<string, unknown>): JsonParam<T> => ({
  kind: 'json',
  default: def,
  description,
  typeName,
  schema,
});
export const group = <C extends Record<string, Param>>(description: string, children: C, o: Pick<Group, 'open'> = {}): Group<C> => ({
  kind: 'group',
  description,
  children,
  ...o,
});

export type Leaf = Exclude<Param, Group>;

/**
 * The values a declaration describes, as TypeScript sees them: a chart's values are
 * `ValuesOf<typeof values>`, so code that reads them is checked against the declarations
 * (a renamed or misspelt value fails to compile) and no interface re-describes them.
 */
export type ValuesOf<P> =
  P extends Group<infer C>
    ? { [K in keyof C]: ValuesOf<C[K]> }
    : P extends EnumParam<infer T>
      ? T
      : P extends StringParam
        ? string
        : P extends IntParam
          ? number
          : P extends BoolParam
            ? boolean
            : P extends ListParam
              ? string[]
              : P extends MapParam
                ? Record<string, string>
                : P extends JsonParam<infer T>
                  ? T
                  : never;

/**
 * Every dotted path into values of type V, groups and leaves alike ("face", "face.gpu",
 * "face.gpu.count"); a map's own entries are not paths of the declarations.
 */
export type ValuePath<V> = {
  [K in keyof V & string]: V[K] extends readonly unknown[] ? K : V[K] extends object ? (string extends keyof V[K] ? K : K | `${K}.${ValuePath<V[K]>}`) : K;
}[keyof V & string];

/** Every leaf with its dotted path, in declaration order. */
export function* leaves(node: Group, prefix = ''): Generator<[string, Leaf]> {
  for (const [key, child] of Object.entries(node.children)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child.kind === 'group') yield* leaves(child, path);
    else yield [path, child];
  }
}

export function defaultsOf<G extends Group>(node: G): ValuesOf<G> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.children)) {
    out[key] = child.kind === 'group' ? defaultsOf(child) : structuredClone(child.default);
  }
  // Built key by key from the same declarations the type is computed from.
  return out as ValuesOf<G>;
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
