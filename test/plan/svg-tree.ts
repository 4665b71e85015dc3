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

/** An axis-aligned rectangle. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const n = (v: string | undefined) => Number(v ?? 0);

/**
 * Where a <text> is drawn, estimated without a font: generous average glyph widths (DejaVu
 * Sans, the widest fallback a browser may pick for Helvetica/Arial, averages about 0.55 em),
 * from the ascent above the baseline to the descent below it.
 */
export function textBox(t: XmlNode): Rect {
  const size = n(t.attrs['font-size'] ?? '16');
  const w = t.text.length * size * (t.attrs['font-weight'] === 'bold' ? 0.62 : 0.56);
  const anchor = t.attrs['text-anchor'] ?? 'start';
  const x = n(t.attrs.x) - (anchor === 'middle' ? w / 2 : anchor === 'end' ? w : 0);
  return { x, y: n(t.attrs.y) - size * 0.8, w, h: size * 1.05 };
}

export const rectOf = (r: XmlNode): Rect => ({ x: n(r.attrs.x), y: n(r.attrs.y), w: n(r.attrs.width), h: n(r.attrs.height) });

type Point = [number, number];

/** The straight pieces of a path's `d` (M, L, H, V, C; a cubic curve in 24 pieces). */
export function segmentsOf(d: string): [Point, Point][] {
  const tokens = d.match(/[MLHVCZ]|-?\d+(?:\.\d+)?/gi) ?? [];
  const out: [Point, Point][] = [];
  let at: Point = [0, 0];
  let start: Point = [0, 0];
  let cmd = 'M';
  for (let i = 0; i < tokens.length; ) {
    if (/[A-Z]/i.test(tokens[i]!)) cmd = tokens[i++]!.toUpperCase();
    const take = (k: number) => tokens.slice(i, (i += k)).map(Number);
    if (cmd === 'M') {
      at = start = take(2) as Point;
      cmd = 'L';
    } else if (cmd === 'L' || cmd === 'H' || cmd === 'V') {
      const next: Point = cmd === 'L' ? (take(2) as Point) : cmd === 'H' ? [take(1)[0]!, at[1]] : [at[0], take(1)[0]!];
      out.push([at, next]);
      at = next;
    } else if (cmd === 'C') {
      const [x1, y1, x2, y2, x, y] = take(6) as [number, number, number, number, number, number];
      const p0 = at;
      for (let k = 1; k <= 24; k++) {
        const t = k / 24;
        const u = 1 - t;
        const q: Point = [u * u * u * p0[0] + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x, u * u * u * p0[1] + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y];
        out.push([at, q]);
        at = q;
      }
    } else if (cmd === 'Z') {
      out.push([at, start]);
      at = start;
    }
  }
  return [...out];
}

/** Whether the segment a-b passes through the inside of r (touching its edge does not count). */
export function segmentHitsRect([a, b]: [Point, Point], r: Rect, inset = 0.5): boolean {
  const x0 = r.x + inset;
  const x1 = r.x + r.w - inset;
  const y0 = r.y + inset;
  const y1 = r.y + r.h - inset;
  if (x0 >= x1 || y0 >= y1) return false;
  let lo = 0;
  let hi = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  for (const [p, q] of [
    [-dx, a[0] - x0],
    [dx, x1 - a[0]],
    [-dy, a[1] - y0],
    [dy, y1 - a[1]],
  ] as const) {
    if (p === 0) {
      if (q <= 0) return false;
    } else {
      const t = q / p;
      if (p < 0) lo = Math.max(lo, t);
      else hi = Math.min(hi, t);
    }
  }
  return lo < hi;
}

export const rectsOverlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * What the arrows of a map run over: for each call (g.call), a path segment or its label
 * crossing a <text> elsewhere in the picture, a box of a service (or the external database
 * or the Ingress controller) that is not one of its two ends, or another call's label.
 * Empty when every arrow keeps clear.
 */
export function arrowCollisions(root: XmlNode): string[] {
  const calls = findAll(root, hasClass('call'));
  const boxes = findAll(root, (e) => hasClass('service')(e) || hasClass('external')(e) || hasClass('ingress')(e)).map((g) => ({
    name: hasClass('ingress')(g) ? 'ingress' : hasClass('external')(g) ? `external ${g.attrs['data-service']}` : g.attrs['data-service']!,
    rect: rectOf(g.children.find((c) => c.name === 'rect')!),
  }));
  const mine = new Set(calls.flatMap((c) => findAll(c, (e) => e.name === 'text')));
  const texts = findAll(root, (e) => e.name === 'text' && !mine.has(e)).map((t) => ({ name: `text "${t.text}"`, rect: textBox(t) }));
  const labelOf = (c: XmlNode) => {
    const rect = c.children.find((e) => e.name === 'rect');
    const text = c.children.find((e) => e.name === 'text');
    return [rect && rectOf(rect), text && textBox(text)].filter((r): r is Rect => !!r);
  };
  const out = new Set<string>();
  for (const c of calls) {
    const name = `${c.attrs['data-from']} -> ${c.attrs['data-to']}`;
    const ends = new Set([c.attrs['data-from'], c.attrs['data-path'] === 'external' ? `external ${c.attrs['data-to']}` : c.attrs['data-to']]);
    const others = calls.filter((o) => o !== c).flatMap((o) => labelOf(o).map((rect) => ({ name: `the label of ${o.attrs['data-from']} -> ${o.attrs['data-to']}`, rect })));
    const obstacles = [...texts, ...boxes.filter((b) => !ends.has(b.name)), ...others];
    const segments = segmentsOf(c.children.find((e) => e.name === 'path')!.attrs.d ?? '');
    for (const o of obstacles) if (segments.some((s) => segmentHitsRect(s, o.rect))) out.add(`${name}: its arrow crosses ${o.name}`);
    const labels = labelOf(c);
    for (const o of [...texts, ...boxes, ...others]) if (labels.some((l) => rectsOverlap(l, o.rect))) out.add(`${name}: its label overlaps ${o.name}`);
  }
  return [...out];
}
