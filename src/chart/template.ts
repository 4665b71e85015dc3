import { JsonPatch, type ApiObject } from 'cdk8s';

/**
 * cdk8s constructs build plain objects; a Helm chart needs template expressions in
 * them. Constructs put markers where a value is decided at install time, and `render`
 * turns the serialized YAML into a Helm template:
 *
 *   value(e)   a scalar anywhere in a string         ->  {{ e }}
 *   block(e)   the whole value of a key (YAML text)  ->  key: {{- e | nindent N }}
 *   splice(e)  zero or more keys inside a map        ->  {{- e | nindent N }}
 *
 * Markers are plain identifiers, so YAML never quotes or folds them.
 */
export class Templater {
  private readonly exprs: string[] = [];
  private readonly conditions = new WeakMap<ApiObject, string>();
  private readonly patches = new WeakMap<ApiObject, JsonPatch[]>();

  private mark(kind: 'V' | 'B' | 'S', expr: string): string {
    this.exprs.push(expr);
    return `__KV${kind}${this.exprs.length - 1}__`;
  }

  value(expr: string): string {
    return this.mark('V', expr);
  }

  /** A number field decided at install time. The marker is a string: the YAML is text anyway. */
  int(expr: string): number {
    return this.mark('V', expr) as unknown as number;
  }

  /** For string maps only (labels, matchLabels): they serialize as they are. */
  splice(expr: string): Record<string, string> {
    return { [this.mark('S', expr)]: '' };
  }

  /**
   * Typed cdk8s objects drop keys they do not know when they serialize (their own JSON
   * patches included), so blocks and splices inside them are applied to the serialized
   * object instead. `at` is a JSON pointer in Kubernetes' field names.
   */
  blockAt(obj: ApiObject, at: string, expr: string): void {
    this.patch(obj, JsonPatch.add(at, this.mark('B', expr)));
  }

  spliceAt(obj: ApiObject, at: string, expr: string): void {
    this.patch(obj, JsonPatch.add(`${at}/${this.mark('S', expr)}`, ''));
  }

  private patch(obj: ApiObject, p: JsonPatch): void {
    const list = this.patches.get(obj) ?? [];
    list.push(p);
    this.patches.set(obj, list);
  }

  /** The object as the chart template serializes it, placements applied. */
  manifest(obj: ApiObject): unknown {
    return JsonPatch.apply(obj.toJson(), ...(this.patches.get(obj) ?? []));
  }

  /** Render the object only when this Go template condition holds. */
  renderIf(obj: ApiObject, condition: string): void {
    const prev = this.conditions.get(obj);
    this.conditions.set(obj, prev ? `and (${prev}) (${condition})` : condition);
  }

  conditionOf(obj: ApiObject): string | undefined {
    return this.conditions.get(obj);
  }

  render(yaml: string): string {
    const expr = (i: string) => {
      const e = this.exprs[Number(i)];
      if (e === undefined) throw new Error(`unknown template marker ${i}`);
      return e;
    };
    const lines = yaml.split('\n').map((line) => {
      let m = /^(\s*(?:- )?)([^\s:][^:]*): __KVB(\d+)__$/.exec(line);
      if (m) return `${m[1]}${m[2]}: {{- ${expr(m[3]!)} | nindent ${m[1]!.length + 2} }}`;
      m = /^(\s*)__KVS(\d+)__: (?:""|'')$/.exec(line);
      if (m) return `${m[1]}{{- ${expr(m[2]!)} | nindent ${m[1]!.length} }}`;
      return line.replace(/__KVV(\d+)__/g, (_, i: string) => `{{ ${expr(i)} }}`);
    });
    const out = lines.join('\n');
    const left = /__KV[BS]\d+__/.exec(out);
    if (left) throw new Error(`template marker ${left[0]} is not at a position it can be rendered from`);
    return out;
  }
}
