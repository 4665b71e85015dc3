/**
 * A small SVG writer: elements as data, serialized with escaped text and attributes, in the
 * order they were given (the same elements give the same bytes).
 */
export type Attrs = Record<string, string | number | undefined>;

export interface SvgElement {
  name: string;
  attrs: Attrs;
  children: (SvgElement | string)[];
}

export const el = (name: string, attrs: Attrs = {}, ...children: (SvgElement | string | null | false)[]): SvgElement => ({
  name,
  attrs,
  children: children.filter((c): c is SvgElement | string => c !== null && c !== false),
});

/** Characters XML 1.0 does not allow at all (control characters but tab, newline, return; lone surrogates; U+FFFE/F). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Numbers with at most one decimal, never `-0` or an exponent. */
export function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`)
    .join('');
}

export function serialize(e: SvgElement, indent = ''): string {
  const open = `${indent}<${e.name}${attrs(e.attrs)}`;
  if (!e.children.length) return `${open}/>`;
  if (e.children.every((c) => typeof c === 'string')) return `${open}>${e.children.map((c) => escapeXml(c as string)).join('')}</${e.name}>`;
  const inner = e.children.map((c) => (typeof c === 'string' ? `${indent}  ${escapeXml(c)}` : serialize(c, `${indent}  `)));
  return `${open}>\n${inner.join('\n')}\n${indent}</${e.name}>`;
}

/** A standalone SVG document. */
export function svgDocument(root: SvgElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}\n`;
}
