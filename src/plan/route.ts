import type { Site } from '../placement/sites.ts';
import type { SvgElement } from './svg.ts';

/**
 * The geometry the placement map (./map.ts) lays its arrows out with: boxes, where a text
 * is drawn (estimated, no font at hand), whether a segment runs through a box, and where an
 * arrow's label goes so that it covers nothing.
 */

export type Point = [number, number];

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * A text's width from its length: generous average glyph widths (a browser may draw
 * Helvetica/Arial with DejaVu Sans, about 0.55 em a glyph), so that what keeps clear of the
 * estimate keeps clear of the text.
 */
export const textWidth = (s: string, size: number, bold = false) => s.length * size * (bold ? 0.66 : 0.6);

/** The box a <text> element covers: from its ascent above the baseline to its descent below. */
export function textBox(e: SvgElement): Box {
  const size = Number(e.attrs['font-size'] ?? 16);
  const s = e.children.filter((c) => typeof c === 'string').join('');
  const w = textWidth(s, size, e.attrs['font-weight'] === 'bold');
  const anchor = e.attrs['text-anchor'];
  const x = Number(e.attrs.x) - (anchor === 'middle' ? w / 2 : anchor === 'end' ? w : 0);
  return { x: x - 2, y: Number(e.attrs.y) - size * 0.85 - 2, w: w + 4, h: size * 1.15 + 4 };
}

/** Every element below `e` (itself included) for which `pick` holds. */
export function elementsOf(e: SvgElement, pick: (x: SvgElement) => boolean): SvgElement[] {
  const kids = e.children.filter((c): c is SvgElement => typeof c !== 'string');
  return [...(pick(e) ? [e] : []), ...kids.flatMap((c) => elementsOf(c, pick))];
}

/** Whether the segment a-b runs through the inside of box r (Liang-Barsky clipping). */
export function segmentHits(a: Point, b: Point, r: Box): boolean {
  let lo = 0;
  let hi = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const sides: [number, number][] = [
    [-dx, a[0] - r.x],
    [dx, r.x + r.w - a[0]],
    [-dy, a[1] - r.y],
    [dy, r.y + r.h - a[1]],
  ];
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q <= 0) return false;
    } else if (p < 0) lo = Math.max(lo, q / p);
    else hi = Math.min(hi, q / p);
  }
  return lo < hi;
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Where the centre of a w x h label on the polyline `pts` goes: on a horizontal piece that
 * holds it first, else on the longest piece, its middle before its ends; then beside a
 * vertical piece; the first spot whose label covers no obstacle box and no other arrow's
 * segment. Deterministic; the middle of the first piece when nothing is free (the map's
 * test then says so).
 */
export function labelSpot(pts: Point[], w: number, h: number, boxes: Box[], segments: [Point, Point][]): Point {
  const pieces = pts.slice(1).map((p, i) => [pts[i]!, p] as [Point, Point]);
  const len = ([a, b]: [Point, Point]) => Math.hypot(b[0] - a[0], b[1] - a[1]);
  // Along a horizontal piece that holds it whole first: a label across a lane covers what is beside it.
  const along = ([a, b]: [Point, Point]) => (a[1] === b[1] && len([a, b]) >= w + 16 ? 0 : 1);
  pieces.sort((p, q) => along(p) - along(q) || len(q) - len(p));
  const at = ([a, b]: [Point, Point], t: number): Point => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  const ts = [0.5, 0.38, 0.62, 0.26, 0.74, 0.14, 0.86];
  const spots = pieces.flatMap((p) => ts.map((t) => at(p, t)));
  // Then beside a vertical piece, touching it, right before left.
  for (const p of pieces.filter(([a, b]) => a[0] === b[0])) for (const d of [1, -1]) spots.push(...ts.map((t): Point => [at(p, t)[0] + d * (w / 2 + 4), at(p, t)[1]]));
  const free = spots.find(([x, y]) => {
    const r = { x: x - w / 2 - 3, y: y - h / 2 - 3, w: w + 6, h: h + 6 };
    return !boxes.some((b) => overlap(b, r)) && !segments.some(([a, b]) => segmentHits(a, b, r));
  });
  return free ?? spots[0]!;
}

const fmt = (n: number) => String(Math.round(n * 10) / 10);

/** An SVG path through the points, straight pieces only. */
export const pathThrough = (pts: Point[]) => pts.map(([x, y], i) => `${i ? 'L' : 'M'}${fmt(x)} ${fmt(y)}`).join(' ');

/** Words joined by `sep` into lines no wider than `width` at 11px. */
export function wrap(words: string[], sep: string, width: number): string[] {
  const lines: string[] = [];
  for (const w of words) {
    const last = lines.length ? `${lines[lines.length - 1]}${sep}${w}` : w;
    if (lines.length && textWidth(last, 11) <= width) lines[lines.length - 1] = last;
    else lines.push(lines.length ? w : last);
  }
  return lines;
}

/** Where a box is drawn: in a site (its column), below the sites, or the Ingress controller above them. */
export interface Place {
  box: Box;
  site: Site | null;
}
export type Side = 'outer' | 'wan' | 'top' | 'bottom';
/** An end of an arrow on a side of a box; the ends on one side share it out in the order of `order`. */
export interface End {
  key: string;
  side: Side;
  order: number;
  at: Point;
}

/** Shares each side of a box out among the arrows that end there, evenly, in their order. */
export function placeEnds(ends: End[], places: Map<string, Place>): void {
  const groups = new Map<string, End[]>();
  for (const e of ends) groups.set(`${e.key}|${e.side}`, [...(groups.get(`${e.key}|${e.side}`) ?? []), e]);
  for (const group of groups.values()) {
    group.sort((a, b) => a.order - b.order);
    const { box, site } = places.get(group[0]!.key)!;
    group.forEach((e, i) => {
      const f = (i + 1) / (group.length + 1);
      const wanSide = site === 'onprem' ? box.x + box.w : box.x;
      const outerSide = site === 'onprem' ? box.x : box.x + box.w;
      if (e.side === 'top' || e.side === 'bottom') e.at = [box.x + box.w * f, e.side === 'top' ? box.y : box.y + box.h];
      else e.at = [e.side === 'wan' ? wanSide : outerSide, box.y + box.h * f];
    });
  }
}
