import type { ApiObject } from 'cdk8s';
import { HelmBlock, HelmSplice, HelmText, HelmValue, helmMap, writeHelmTemplate, type HelmTree } from '../helm/template-yaml.ts';
import { compareFields } from './field-order.ts';
import { call, pipe, type Go } from './go.ts';

/**
 * cdk8s constructs build plain, typed objects; a Helm chart needs template actions in
 * them. Constructs hold a placeholder where a value is decided at install time, and
 * `render` turns the finished object into Helm template nodes (src/helm/template-yaml.ts)
 * that the yaml library writes:
 *
 *   value(e)   a string field, or a name inside one  ->  {{ e }}
 *   str(e)     a string field from a value           ->  {{ e | quote }}
 *   int(e)     a number field                        ->  {{ e }}
 *   block(e)   the whole value of a key              ->  key: {{- e | nindent N }}
 *   splice(e)  zero or more keys inside a map        ->  {{- e | nindent N }}
 *
 * Placeholders exist because cdk8s' typed objects only carry strings and numbers through
 * their serializers. They are replaced in the object, before any YAML is written, so
 * no placeholder can end up quoted or folded by the writer. Blocks and splices are keys
 * and values cdk8s-plus' typed converters do not know (they drop such keys), so objects
 * that hold them are plain cdk8s ApiObjects (src/chart/constructs/objects.ts).
 */
export class Templater {
  private readonly exprs: { expr: string; field?: string }[] = [];
  private readonly conditions = new WeakMap<ApiObject, Go>();

  private mark(kind: 'V' | 'B' | 'S', expr: string, field?: string): string {
    this.exprs.push({ expr, field });
    return `__KV${kind}${this.exprs.length - 1}__`;
  }

  /** An action whose output is YAML of its own (a name, a number, a bool, a quoted string). */
  value(expr: Go): string {
    return this.mark('V', expr);
  }

  /** A string field from a value: quoted, so no value reads as another type or breaks the line. */
  str(expr: Go): string {
    return this.value(pipe(expr, 'quote'));
  }

  /**
   * A number field decided at install time. Its placeholder is a number too, from a range
   * no Kubernetes field takes (below -2^53 + 2^20), so the typed object stays typed.
   */
  int(expr: Go): number {
    this.exprs.push({ expr });
    return INT_BASE + this.exprs.length - 1;
  }

  /**
   * Zero or more keys inside a map. `field` is the first key the splice renders, which
   * decides where among the others it goes; without one (a whole label map) it goes first.
   * Spread it where the keys belong: `{ ...spec, ...t.splice(e, 'affinity') }`.
   */
  splice(expr: Go, field?: string): Record<string, string> {
    return { [this.mark('S', expr, field)]: '' };
  }

  /** The whole value of a key, written by a helper (a Secret's data, a container's resources). */
  block(expr: Go): string {
    return this.mark('B', expr);
  }

  /** Render the object only when this Go template condition holds. */
  renderIf(obj: ApiObject, condition: Go): void {
    const prev = this.conditions.get(obj);
    this.conditions.set(obj, prev ? call('and', prev, condition) : condition);
  }

  conditionOf(obj: ApiObject): Go | undefined {
    return this.conditions.get(obj);
  }

  /** The template text of a manifest: placeholders become actions, keys Kubernetes' order. */
  render(manifest: unknown): string {
    return writeHelmTemplate(this.tree(manifest, undefined, '$'));
  }

  private expr(i: string | number, where: string): { expr: string; field?: string } {
    const e = this.exprs[Number(i)];
    if (!e) throw new Error(`${where}: unknown template placeholder ${i}`);
    return e;
  }

  private tree(v: unknown, parent: string | undefined, where: string): HelmTree {
    if (Array.isArray(v)) return v.map((x, i) => this.tree(x, parent, `${where}[${i}]`));
    if (typeof v === 'number' && Number.isInteger(v) && v >= INT_BASE && v < INT_BASE + 2 ** 20) return new HelmValue(this.expr(v - INT_BASE, where).expr);
    if (typeof v === 'string') return this.text(v, where);
    if (v === null || typeof v !== 'object') return v as HelmTree;
    const entries = Object.entries(v).map(([key, value]) => {
      const splice = SPLICE.exec(key);
      if (splice) {
        const { expr, field } = this.expr(splice[1]!, `${where}.${key}`);
        return { rank: field ?? '', entry: new HelmSplice(expr) };
      }
      if (PLACEHOLDER.test(key)) throw new Error(`${where}.${key}: a template placeholder cannot be a key`);
      return { rank: key, entry: [key, this.tree(value, key, `${where}.${key}`)] as const };
    });
    // A splice without a field (a whole label map) goes first.
    entries.sort((a, b) => (a.rank === '' ? -1 : b.rank === '' ? 1 : compareFields(parent, a.rank, b.rank)));
    return helmMap(entries.map((e) => e.entry));
  }

  private text(s: string, where: string): HelmTree {
    const block = BLOCK.exec(s);
    if (block) return new HelmBlock(this.expr(block[1]!, where).expr);
    const parts = s.split(VALUE).map((p, i) => (i % 2 ? new HelmValue(this.expr(p, where).expr) : p)).filter((p) => p !== '');
    if (parts.some((p) => typeof p === 'string' && PLACEHOLDER.test(p))) throw new Error(`${where}: a block or splice placeholder must be a whole value or key: ${s}`);
    if (parts.length === 1 && parts[0] instanceof HelmValue) return parts[0];
    return parts.some((p) => p instanceof HelmValue) || s.includes('{{') ? new HelmText(parts) : s;
  }
}

const INT_BASE = Number.MIN_SAFE_INTEGER;
const VALUE = /__KVV(\d+)__/;
const BLOCK = /^__KVB(\d+)__$/;
const SPLICE = /^__KVS(\d+)__$/;
const PLACEHOLDER = /__KV[VBS]\d+__/;


