import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node, type ScalarTag } from 'yaml';

/**
 * A Helm template is YAML with Go template actions in it. These are the nodes for those
 * actions; the `yaml` library writes them like any other node, so indentation, quoting
 * and YAML 1.1 rules stay the library's and only the `{{ }}` text is ours:
 *
 *   HelmValue(e)     a whole scalar              ->  key: {{ e }}
 *   HelmText(parts)  text with values inside     ->  key: {{ e }}-auth
 *   HelmBlock(e)     the whole value of a key    ->  key: {{- e | nindent N }}
 *   HelmSplice(e)    zero or more keys of a map  ->  {{- e | nindent N }}
 *
 * N is the indentation the library is writing at, so a block or splice lands where its
 * key would have been.
 */
export class HelmValue {
  constructor(readonly expr: string) {}
}

export class HelmBlock {
  constructor(readonly expr: string) {}
}

export class HelmText {
  constructor(readonly parts: readonly (string | HelmValue)[]) {}
}

/** A map entry that is a template: its key and value are whatever `expr` renders. */
export class HelmSplice extends Pair<null, null> {
  constructor(readonly expr: string) {
    super(null, null);
  }

  override toString(ctx?: { indent: string }): string {
    return `{{- ${this.expr} | nindent ${ctx?.indent.length ?? 0} }}`;
  }
}

// Go templates read `{{` anywhere in the text, YAML's quotes included; this is how text
// says it literally. `}}` outside an action is plain text to Go.
const escapeBraces = (s: string) => s.replaceAll('{{', '{{ "{{" }}');

// Text around a value is written plain when YAML 1.1 reads it back as the same text: the
// names, paths and URLs the charts build. Anything else is double-quoted. The values
// inside text are names (fullname, namespace), which need no escaping either way.
const PLAIN_PART = /^[A-Za-z0-9._/:@-]*$/;

function plainText(parts: HelmText['parts']): boolean {
  const first = parts[0];
  const last = parts[parts.length - 1];
  return (
    parts.every((p) => typeof p !== 'string' || PLAIN_PART.test(p)) &&
    (typeof first !== 'string' || /^[A-Za-z0-9./]/.test(first)) &&
    (typeof last !== 'string' || !last.endsWith(':'))
  );
}

function textOf({ parts }: HelmText): string {
  const plain = plainText(parts);
  const literal = (s: string) => escapeBraces(plain ? s : JSON.stringify(s).slice(1, -1));
  const body = parts.map((p) => (typeof p === 'string' ? literal(p) : `{{ ${p.expr} }}`)).join('');
  return plain ? body : `"${body}"`;
}

const helmTag: ScalarTag = {
  tag: 'tag:kubevision.example.com,2026:helm',
  // A default tag is not written: the output holds the action only.
  default: true,
  identify: (v) => v instanceof HelmValue || v instanceof HelmBlock || v instanceof HelmText,
  resolve: () => {
    throw new Error('Helm template nodes are written, never read');
  },
  stringify(item, ctx) {
    const v = (item as Scalar).value;
    if (v instanceof HelmValue) return `{{ ${v.expr} }}`;
    if (v instanceof HelmBlock) return `{{- ${v.expr} | nindent ${ctx.indent.length} }}`;
    return textOf(v as HelmText);
  },
};

/** A map whose entries keep the order they are given in (no sorting here). */
export type HelmTree = HelmValue | HelmBlock | HelmText | HelmMap | HelmTree[] | string | number | boolean | null;
export interface HelmMap {
  readonly entries: readonly (readonly [string, HelmTree] | HelmSplice)[];
}

export const helmMap = (entries: HelmMap['entries']): HelmMap => ({ entries });
const isHelmMap = (v: unknown): v is HelmMap => typeof v === 'object' && v !== null && 'entries' in v && Array.isArray((v as HelmMap).entries);

/** The template text of `tree`, written as YAML 1.1 (what Helm reads). */
export function writeHelmTemplate(tree: HelmTree): string {
  const doc = new Document(null, { version: '1.1', customTags: [helmTag] });
  const toNode = (v: HelmTree): Node => {
    if (Array.isArray(v)) {
      const seq = new YAMLSeq();
      seq.items = v.map(toNode);
      return seq;
    }
    if (isHelmMap(v)) {
      const map = new YAMLMap();
      map.items = v.entries.map((e) => {
        if (e instanceof HelmSplice) return e;
        const [key, value] = e;
        if (key.includes('{{')) throw new Error(`a key cannot hold template text: ${key}`);
        return new Pair(doc.createNode(key), toNode(value));
      });
      return map;
    }
    if (v instanceof HelmValue || v instanceof HelmBlock || v instanceof HelmText) return new Scalar(v);
    if (typeof v === 'string' && v.includes('{{')) return new Scalar(new HelmText([v]));
    return doc.createNode(v) as Node;
  };
  doc.contents = toNode(tree);
  return doc.toString({ lineWidth: 0 });
}
