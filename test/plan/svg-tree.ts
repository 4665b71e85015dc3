import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An element of a parsed SVG: its name, attributes, text and children, in document order. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlNode[];
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function toNode(o: Ordered): XmlNode | null {
  const name = Object.keys(o).find((k) => k !== ':@')!;
  if (name === '#text') return null;
  const kids = (o[name] as Ordered[]).map((k) => k);
  const text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join('');
  return { name, attrs: o[':@'] ?? {}, text, children: kids.map(toNode).filter((n): n is XmlNode => n !== null) };
}

/** Parses an SVG document with a real XML parser; throws when it is not well-formed XML. */
export function parseSvg(svg: string): XmlNode {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} at line ${valid.err.line}`);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, parseTagValue: false, trimValues: false, processEntities: true });
  const doc = parser.parse(svg) as Ordered[];
  const root = doc.map(toNode).find((n) => n?.name === 'svg');
  if (!root) throw new Error('no <svg> element');
  return root;
}

/** Every element below `n` (itself included) for which `pick` holds. */
export function findAll(n: XmlNode, pick: (e: XmlNode) => boolean): XmlNode[] {
  return [...(pick(n) ? [n] : []), ...n.children.flatMap((c) => findAll(c, pick))];
}

export const hasClass = (cls: string) => (e: XmlNode) => (e.attrs.class ?? '').split(' ').includes(cls);

/** All text below `n`. */
export const textsOf = (n: XmlNode): string[] => findAll(n, (e) => e.name === 'text').map((e) => e.text);
