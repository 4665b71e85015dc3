import { SITES, siteTitle, type Site } from '../placement/sites.ts';
import type { WorkloadPlacement } from '../placement/read-back.ts';
import type { CallAcross, Plan } from './plan.ts';
import { elementsOf, labelSpot, pathThrough, placeEnds, textBox, textWidth, wrap, type Box, type End, type Place, type Point, type Side } from './route.ts';
import { el, num, svgDocument, type SvgElement } from './svg.ts';

/**
 * The placement map: a picture of a Plan (the rendered chart read back, src/plan/plan.ts),
 * never of the values. Two site boxes with the WAN between them; inside each, the kinds of
 * node its services need (the node labels they require, GPU nodes apart), the services as
 * boxes and the calls of src/placement/calls.ts as arrows; calls over the WAN are red,
 * thick, dashed and labelled WAN. Elements carry data-* attributes (site, node kind,
 * service, call path) so that a test reads the picture back.
 *
 * Arrows run where no text is: a site's services stand in a column on its WAN side, the
 * node kinds' captions above them; calls within a site leave a box on its outer side into a
 * lane of their own in a strip outside the node kinds; calls across the WAN run straight
 * between the two columns; calls to the services below the sites (on either site, on none,
 * the external MongoDB) go down a lane and along a bus of their own between the sites and
 * those boxes, and calls among those along buses beneath them; the Ingress controller's
 * calls come down the white strips beside the WAN. Labels go where they cover nothing.
 */

const MARGIN = 40;
const SITE_W = 400;
const WAN_GAP = 160;
const WIDTH = 2 * MARGIN + 2 * SITE_W + WAN_GAP;
const BOX_W = 200;
const BOX_H = 56;
const ROW = 72;
const SITES_TOP = 150;
/** The strip on a site's outer side where its lanes run, and the room between lanes. */
const STRIP = 56;
const LANE = 12;
/** The room between buses. */
const BUS = 22;
const BELOW_W = 230;
const BELOW_H = 72;
const BELOW_GAP = 24;

const siteX: Record<Site, number> = { onprem: MARGIN, cloud: MARGIN + SITE_W + WAN_GAP };
const GROUP_W = SITE_W - 32 - STRIP;
const groupX = (s: Site) => (s === 'onprem' ? siteX[s] + 16 + STRIP : siteX[s] + 16);
const boxX = (s: Site) => (s === 'onprem' ? siteX[s] + SITE_W - 36 - BOX_W : siteX[s] + 36);
/** Lane k of a site's outer strip, the first nearest its node kinds. */
const laneX = (s: Site, k: number) => (s === 'onprem' ? groupX(s) - 10 - LANE * k : groupX(s) + GROUP_W + 10 + LANE * k);
/** Where the Ingress controller's calls come down: the white strip between the WAN and the site. */
const ingressX = (s: Site) => (s === 'onprem' ? MARGIN + SITE_W + 10 : MARGIN + SITE_W + WAN_GAP - 10);

type CallStyle = CallAcross['path'];
const STYLE: Record<CallStyle, { color: string; width: number; dash?: string; legend: string; label?: string; where: string }> = {
  local: { color: '#57606a', width: 1.5, legend: 'call within one site', where: 'within one site' },
  crosses: { color: '#cf222e', width: 3, dash: '10 5', legend: 'call across the WAN: stops while the link is down', label: 'WAN', where: 'across the WAN' },
  may: { color: '#bc4c00', width: 2, dash: '4 4', legend: 'call that may cross the WAN (an end may run on either site)', label: 'may cross WAN', where: 'may cross the WAN' },
  external: { color: '#8250df', width: 1.5, dash: '2 3', legend: 'call to the external MongoDB, outside the cluster', where: 'to the external database' },
  unknown: { color: '#8c959f', width: 1.5, dash: '2 3', legend: "from the cluster's Ingress controller (its site is the cluster's)", where: "from the cluster's Ingress controller" },
};
/** Services in the order of the calls (the dashboard first), then by name. */
function orderOf(plan: Plan): (w: WorkloadPlacement) => number {
  const order = [...new Set(plan.calls.flatMap((c) => [c.from, c.to]))];
  return (w) => {
    const i = order.indexOf(w.component as never);
    return i < 0 ? order.length : i;
  };
}

interface NodeKind {
  site: Site;
  gpu: boolean;
  /** Labels the nodes need beyond the site's own. */
  labels: string[];
  services: WorkloadPlacement[];
}

/** A site's services grouped by the nodes they need: the node labels of their (one) term, and whether they take a GPU. */
function nodeKinds(plan: Plan, site: Site, services: WorkloadPlacement[]): NodeKind[] {
  const siteLabel = plan.plant.values.sites[site].nodeLabel;
  const kinds = new Map<string, NodeKind>();
  for (const w of services) {
    const term = w.nodeTerms.find((t) => t[siteLabel.key] === siteLabel.value) ?? {};
    const labels = Object.entries(term)
      .filter(([k]) => k !== siteLabel.key)
      .map(([k, v]) => `${k}=${v}`)
      .sort();
    const gpu = w.gpus !== null;
    const key = `${gpu}|${labels.join(',')}`;
    const kind = kinds.get(key) ?? { site, gpu, labels, services: [] };
    kind.services.push(w);
    kinds.set(key, kind);
  }
  return [...kinds.values()];
}

const kindTitle = (k: NodeKind) => (k.gpu ? 'GPU nodes' : k.labels.length ? 'Labelled nodes' : 'Nodes');

function replicasText(r: string): string {
  if (/^\d+$/.test(r)) return `${r} ${r === '1' ? 'replica' : 'replicas'}`;
  const auto = r.endsWith(' (autoscaled)');
  return `${r.replace(' (autoscaled)', '')} replicas${auto ? ', autoscaled' : ''}`;
}

function text(x: number, y: number, s: string, attrs: Record<string, string | number> = {}): SvgElement {
  return el('text', { x, y, ...attrs }, s);
}

function serviceBox(w: WorkloadPlacement, b: Box, extra: Record<string, string> = {}, caption?: string): SvgElement {
  const cx = b.x + b.w / 2;
  const gpu = w.gpus ? `${w.gpus.count}x ${w.gpus.resource}${w.runtimeClassName ? `, runtime ${w.runtimeClassName}` : ''}` : null;
  return el(
    'g',
    { class: 'service', 'data-service': w.component, 'data-sites': w.sites.join(' '), ...(w.gpus ? { 'data-gpu': `${w.gpus.resource}=${w.gpus.count}` } : {}), ...extra },
    el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6, fill: '#ffffff', stroke: '#24292f', 'stroke-width': 1.5 }),
    text(cx, b.y + 20, w.component, { 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold' }),
    text(cx, b.y + 36, replicasText(w.replicas), { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a' }),
    gpu && text(cx, b.y + 50, gpu, { 'text-anchor': 'middle', 'font-size': 11, fill: '#9a6700' }),
    caption ? text(cx, b.y + b.h - 8, caption, { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a', 'font-style': 'italic' }) : null,
  );
}

export function planMap(plan: Plan): string {
  const rank = orderOf(plan);
  const byOrder = (a: WorkloadPlacement, b: WorkloadPlacement) => rank(a) - rank(b) || a.component.localeCompare(b.component);
  const workloads = [...plan.workloads].sort(byOrder);
  const places = new Map<string, Place>();
  const body: SvgElement[] = [];

  // The two sites, side by side, their services grouped by node kind.
  const headers = Object.fromEntries(
    SITES.map((site) => {
      const s = plan.plant.values.sites[site];
      return [site, [`nodes labelled ${s.nodeLabel.key}=${s.nodeLabel.value}`, ...(s.autonomous ? ['runs its own k3s servers'] : [])]];
    }),
  ) as Record<Site, string[]>;
  const groupsTop = SITES_TOP + 48 + 14 * Math.max(...SITES.map((s) => headers[s].length));
  const siteParts: { site: Site; parts: SvgElement[]; bottom: number }[] = [];
  for (const site of SITES) {
    const x0 = siteX[site];
    const services = workloads.filter((w) => w.sites.length === 1 && w.sites[0] === site);
    const parts: SvgElement[] = [
      text(x0 + 16, SITES_TOP + 26, `${siteTitle[site]} site${plan.plant.values.sites[site].enabled ? '' : ' (not enabled)'}`, { 'font-size': 16, 'font-weight': 'bold' }),
      ...headers[site].map((line, i) => text(x0 + 16, SITES_TOP + 44 + 14 * i, line, { 'font-size': 11, fill: '#57606a' })),
    ];
    let y = groupsTop;
    for (const kind of nodeKinds(plan, site, services)) {
      const top = y;
      const gx = groupX(site);
      const caption = kind.labels.length ? wrap([`also labelled ${kind.labels[0]}`, ...kind.labels.slice(1)], ', ', GROUP_W - 24) : [`any ${siteTitle[site]} node`];
      const inner: SvgElement[] = [];
      y += 30 + 14 * caption.length;
      for (const w of kind.services) {
        const box = { x: boxX(site), y, w: BOX_W, h: BOX_H };
        places.set(w.component, { box, site });
        inner.push(serviceBox(w, box));
        y += ROW;
      }
      y += 2;
      parts.push(
        el(
          'g',
          { class: 'node-kind', 'data-node-kind': kind.gpu ? 'gpu' : 'cpu', 'data-labels': kind.labels.join(',') },
          el('rect', {
            x: gx,
            y: top,
            width: GROUP_W,
            height: y - top,
            rx: 8,
            fill: kind.gpu ? '#fff8c5' : '#ffffff',
            stroke: kind.gpu ? '#9a6700' : '#8c959f',
            'stroke-dasharray': '6 3',
          }),
          text(gx + 12, top + 18, kindTitle(kind), { 'font-size': 13, 'font-weight': 'bold', fill: kind.gpu ? '#7d4e00' : '#24292f' }),
          ...caption.map((line, i) => text(gx + 12, top + 34 + 14 * i, line, { 'font-size': 11, fill: '#57606a' })),
          ...inner,
        ),
      );
      y += 14;
    }
    if (!services.length) {
      parts.push(text(x0 + SITE_W / 2, y + 24, 'no service runs here', { class: 'empty', 'text-anchor': 'middle', 'font-size': 13, fill: '#57606a', 'font-style': 'italic' }));
      y += 48;
    }
    siteParts.push({ site, parts, bottom: y });
  }
  const sitesBottom = Math.max(SITES_TOP + 160, ...siteParts.map((p) => p.bottom + 6));
  for (const { site, parts } of siteParts) {
    body.push(
      el(
        'g',
        { class: 'site', 'data-site': site },
        el('rect', { x: siteX[site], y: SITES_TOP, width: SITE_W, height: sitesBottom - SITES_TOP, rx: 10, fill: site === 'onprem' ? '#eef6ee' : '#eef3fb', stroke: '#57606a', 'stroke-width': 2 }),
        ...parts,
      ),
    );
  }
  // The WAN between them.
  body.unshift(
    el(
      'g',
      { class: 'wan' },
      el('rect', { x: MARGIN + SITE_W + 20, y: SITES_TOP, width: WAN_GAP - 40, height: sitesBottom - SITES_TOP, fill: '#fff0f0' }),
      text(WIDTH / 2, SITES_TOP + 22, 'WAN link', { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold', fill: '#cf222e' }),
    ),
  );

  // Above: the cluster's Ingress controller, as wide as its text.
  if (plan.calls.some((c) => c.from === 'ingress')) {
    const w = Math.max(340, textWidth(plan.ingress, 11) + 24);
    const box = { x: WIDTH / 2 - w / 2, y: 78, w, h: 44 };
    places.set('ingress', { box, site: null });
    body.push(
      el(
        'g',
        { class: 'ingress' },
        el('rect', { x: box.x, y: box.y, width: box.w, height: box.h, rx: 6, fill: '#f6f8fa', stroke: '#8c959f', 'stroke-dasharray': '4 3' }),
        text(WIDTH / 2, box.y + 19, 'Ingress controller', { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold' }),
        text(WIDTH / 2, box.y + 35, plan.ingress, { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a' }),
      ),
    );
  }
  // Below: services on either site (or none) and an external MongoDB, in a row; their height is known once the buses are.
  const below: { key: string; make: (b: Box) => SvgElement }[] = [];
  for (const w of workloads.filter((x) => x.sites.length !== 1)) {
    const caption = w.sites.length ? `either site (${w.sites.map((s) => siteTitle[s]).join(' or ')})` : 'no site: no node can match';
    below.push({ key: w.component, make: (b) => serviceBox(w, b, { class: w.sites.length ? 'service either-site' : 'service no-site' }, caption) });
  }
  const external = plan.calls.find((c) => c.path === 'external');
  if (external) {
    below.push({
      key: `external:${external.to}`,
      make: (b) =>
        el(
          'g',
          { class: 'external', 'data-service': external.to },
          el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6, fill: '#fbefff', stroke: '#8250df', 'stroke-width': 1.5 }),
          text(b.x + b.w / 2, b.y + 22, `${external.to} (external)`, { 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold' }),
          text(b.x + b.w / 2, b.y + 40, 'connection string from a Secret', { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a' }),
          text(b.x + b.w / 2, b.y + b.h - 8, 'outside the cluster', { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a', 'font-style': 'italic' }),
        ),
    });
  }
  const span = below.length * BELOW_W + (below.length - 1) * BELOW_GAP;
  below.forEach((item, i) => places.set(item.key, { box: { x: WIDTH / 2 - span / 2 + i * (BELOW_W + BELOW_GAP), y: 0, w: BELOW_W, h: BELOW_H }, site: null }));
  // The calls: each one's ends, lane and bus, then its points.
  const ends: End[] = [];
  const end = (key: string, side: Side, order: number): End => ends[ends.push({ key, side, order, at: [0, 0] }) - 1]!;
  const mid = (p: Place) => [p.box.x + p.box.w / 2, p.box.y + p.box.h / 2] as Point;
  interface Routed {
    call: CallAcross;
    points: () => Point[];
    /** For a call that leaves its site on the outer side: the site, how far it runs, its lane. */
    outer?: { site: Site; span: number; lane: number };
    /** Its ends on the outer side of a site's box and on top of one below the sites, shared out by its lane. */
    side?: End;
    top?: End;
    bus?: 'upper' | 'lower';
    busAt: number;
    busSpan: number;
  }
  const routed: Routed[] = [];
  for (const call of plan.calls) {
    const fromKey = call.from;
    const toKey = call.path === 'external' ? `external:${call.to}` : call.to;
    const [from, to] = [places.get(fromKey), places.get(toKey)];
    if (!from || !to) continue;
    const r: Routed = { call, points: () => [], busAt: 0, busSpan: 0 };
    if (fromKey === 'ingress') {
      const [lx, top] = [ingressX(to.site ?? 'onprem'), from.box.y + from.box.h];
      if (to.site) {
        const b = end(toKey, 'wan', -Infinity);
        r.points = () => [[lx, top], [lx, b.at[1]], b.at];
      } else {
        const b = end(toKey, 'top', lx);
        r.bus = 'upper';
        r.points = () => [[lx, top], [lx, r.busAt], [b.at[0], r.busAt], b.at];
      }
    } else if (from.site && to.site) {
      const local = from.site === to.site;
      const a = end(fromKey, local ? 'outer' : 'wan', mid(to)[1]);
      const b = end(toKey, local ? 'outer' : 'wan', mid(from)[1]);
      if (local) r.outer = { site: from.site, span: Math.abs(mid(from)[1] - mid(to)[1]), lane: 0 };
      r.points = () => (local ? [a.at, [laneX(from.site!, r.outer!.lane), a.at[1]], [laneX(from.site!, r.outer!.lane), b.at[1]], b.at] : [a.at, b.at]);
    } else if (from.site || to.site) {
      const inSite = from.site ? from : to;
      const s = end(from.site ? fromKey : toKey, 'outer', 0);
      r.side = s;
      r.outer = { site: inSite.site!, span: sitesBottom - mid(inSite)[1], lane: 0 };
      r.top = end(from.site ? toKey : fromKey, 'top', 0);
      r.bus = 'upper';
      r.points = () => {
        const lx = laneX(inSite.site!, r.outer!.lane);
        const pts: Point[] = [s.at, [lx, s.at[1]], [lx, r.busAt], [r.top!.at[0], r.busAt], r.top!.at];
        return from.site ? pts : pts.reverse();
      };
    } else {
      // Nested, so that no arrow's way down crosses another's bus: the longer a bus, the farther out its ends.
      const dx = to.box.x - from.box.x;
      const a = end(fromKey, 'bottom', dx > 0 ? 1e5 - dx : -1e5 - dx);
      const b = end(toKey, 'bottom', dx > 0 ? -1e5 + dx : 1e5 + dx);
      r.bus = 'lower';
      r.busSpan = Math.abs(from.box.x - to.box.x);
      r.points = () => [a.at, [a.at[0], r.busAt], [b.at[0], r.busAt], b.at];
    }
    routed.push(r);
  }
  // Lanes: the shorter a call runs, the nearer its lane to the boxes.
  for (const site of SITES) {
    const mine = routed.filter((r) => r.outer?.site === site).sort((a, b) => a.outer!.span - b.outer!.span);
    mine.forEach((r, k) => {
      r.outer!.lane = k;
      if (r.side) [r.side.order, r.top!.order] = [1e6 - k, laneX(site, k)];
    });
  }
  // Upper buses, from the top: the Ingress controller's, then by lane from the inner ones; lower buses by length.
  const upper = routed.filter((r) => r.bus === 'upper').sort((a, b) => (a.outer?.lane ?? -1) - (b.outer?.lane ?? -1));
  upper.forEach((r, i) => (r.busAt = sitesBottom + 18 + i * BUS));
  const belowTop = sitesBottom + Math.max(48, 18 + upper.length * BUS + 8);
  for (const item of below) places.get(item.key)!.box.y = belowTop;
  const lower = routed.filter((r) => r.bus === 'lower').sort((a, b) => a.busSpan - b.busSpan);
  lower.forEach((r, i) => (r.busAt = belowTop + BELOW_H + 18 + i * BUS));
  placeEnds(ends, places);
  for (const item of below) body.push(item.make(places.get(item.key)!.box));
  const bottom = below.length ? belowTop + BELOW_H + (lower.length ? 8 + lower.length * BUS : 0) : sitesBottom;

  // Their labels, where they cover no text, no box, no other arrow and no other label.
  const paths = routed.map((r) => r.points());
  const segments = paths.map((pts) => pts.slice(1).map((p, i) => [pts[i]!, p] as [Point, Point]));
  const obstacles: Box[] = [...elementsOf(el('g', {}, ...body), (e) => e.name === 'text').map(textBox), ...[...places.values()].map((p) => p.box)];
  // A label across a site's edge would hide it.
  for (const site of SITES) obstacles.push(...[siteX[site], siteX[site] + SITE_W].map((x) => ({ x: x - 1, y: SITES_TOP, w: 2, h: sitesBottom - SITES_TOP })));
  const calls = routed.map(({ call: c }, i) => {
    const st = STYLE[c.path];
    let label: SvgElement[] = [];
    if (st.label) {
      const w = st.label.length * 8 + 12;
      const [x, y] = labelSpot(paths[i]!, w, 18, obstacles, segments.filter((_, j) => j !== i).flat());
      obstacles.push({ x: x - w / 2, y: y - 9, w, h: 18 });
      label = [
        el('rect', { x: x - w / 2, y: y - 9, width: w, height: 18, rx: 4, fill: '#ffffff', stroke: st.color }),
        text(x, y + 4, st.label, { class: 'wan-label', 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 'bold', fill: st.color }),
      ];
    }
    return el(
      'g',
      { class: `call call-${c.path}`, 'data-from': c.from, 'data-to': c.to, 'data-path': c.path },
      el('title', {}, `${c.from} -> ${c.to}: ${st.where}${c.path === 'local' ? '' : `; link down: ${c.lost}`}`),
      el('path', { d: pathThrough(paths[i]!), fill: 'none', stroke: st.color, 'stroke-width': st.width, 'stroke-dasharray': st.dash, 'stroke-linejoin': 'round', 'marker-end': `url(#arrow-${c.path})` }),
      ...label,
    );
  });
  body.push(el('g', { class: 'calls' }, ...calls));
  // The legend.
  const legendTop = bottom + 30;
  const legend: SvgElement[] = [text(MARGIN, legendTop, 'Legend', { 'font-size': 13, 'font-weight': 'bold' })];
  (Object.keys(STYLE) as CallStyle[]).forEach((k, i) => {
    const ly = legendTop + 20 + i * 20;
    const st = STYLE[k];
    legend.push(
      el('path', { d: `M${MARGIN} ${ly} L${MARGIN + 60} ${ly}`, stroke: st.color, 'stroke-width': st.width, 'stroke-dasharray': st.dash, 'marker-end': `url(#arrow-${k})` }),
      text(MARGIN + 76, ly + 4, st.legend, { 'font-size': 12 }),
    );
  });
  const ky = legendTop + 20 + Object.keys(STYLE).length * 20;
  legend.push(
    el('rect', { x: MARGIN, y: ky - 10, width: 60, height: 18, rx: 4, fill: '#fff8c5', stroke: '#9a6700', 'stroke-dasharray': '6 3' }),
    text(MARGIN + 76, ky + 4, 'GPU nodes: the services in it request a GPU and need these node labels', { 'font-size': 12 }),
  );
  body.push(el('g', { class: 'legend' }, ...legend));
  const height = ky + 30;

  const markers = (Object.keys(STYLE) as CallStyle[]).map((k) =>
    el(
      'marker',
      { id: `arrow-${k}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 11, markerHeight: 11, orient: 'auto' },
      el('path', { d: 'M0 0 L10 5 L0 10 z', fill: STYLE[k].color }),
    ),
  );
  const title = `${plan.plant.displayName} (${plan.plant.id}): where the chart runs each service`;
  return svgDocument(
    el(
      'svg',
      {
        xmlns: 'http://www.w3.org/2000/svg',
        width: WIDTH,
        height,
        viewBox: `0 0 ${WIDTH} ${num(height)}`,
        'font-family': 'Helvetica, Arial, sans-serif',
        role: 'img',
        'aria-label': title,
        'data-plant': plan.plant.id,
      },
      el('title', {}, title),
      el('defs', {}, ...markers),
      el('rect', { width: WIDTH, height, fill: '#ffffff' }),
      text(MARGIN, 36, title, { 'font-size': 20, 'font-weight': 'bold' }),
      text(MARGIN, 58, 'Read back from the plant chart rendered by helm; arrows are calls between the services.', { 'font-size': 12, fill: '#57606a' }),
      ...body,
    ),
  );
}
