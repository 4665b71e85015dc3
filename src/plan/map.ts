import { SITES, siteTitle, type Site } from '../placement/sites.ts';
import type { WorkloadPlacement } from '../placement/read-back.ts';
import type { CallAcross, Plan } from './plan.ts';
import { el, svgDocument, type SvgElement } from './svg.ts';

/**
 * The placement map: a picture of a Plan (the rendered chart read back, src/plan/plan.ts),
 * never of the values. Two site boxes with the WAN between them; inside each, the kinds of
 * node its services need (the node labels they require, GPU nodes apart), the services as
 * boxes and the calls of src/placement/calls.ts as arrows; calls over the WAN are red,
 * thick, dashed and labelled WAN. Elements carry data-* attributes (site, node kind,
 * service, call path) so that a test reads the picture back.
 */

const WIDTH = 1000;
const SITE_W = 380;
const WAN_GAP = 160;
const MARGIN = (WIDTH - 2 * SITE_W - WAN_GAP) / 2;
const BOX_W = 200;
const BOX_H = 56;
const ROW = 72;
const SITES_TOP = 150;
const GROUP_HEAD = 44;

const siteX: Record<Site, number> = { onprem: MARGIN, cloud: MARGIN + SITE_W + WAN_GAP };

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

type CallStyle = CallAcross['path'];
const STYLE: Record<CallStyle, { color: string; width: number; dash?: string; legend: string; label?: string }> = {
  local: { color: '#57606a', width: 1.5, legend: 'call within one site' },
  crosses: { color: '#cf222e', width: 3, dash: '10 5', legend: 'call across the WAN: stops while the link is down', label: 'WAN' },
  may: { color: '#bc4c00', width: 2, dash: '4 4', legend: 'call that may cross the WAN (an end may run on either site)', label: 'may cross WAN' },
  external: { color: '#8250df', width: 1.5, dash: '2 3', legend: 'call to the external MongoDB, outside the cluster' },
  unknown: { color: '#8c959f', width: 1.5, dash: '2 3', legend: "from the cluster's Ingress controller (its site is the cluster's)" },
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

function serviceBox(w: WorkloadPlacement, b: Box, extra: Record<string, string> = {}): SvgElement {
  const cx = b.x + b.w / 2;
  const gpu = w.gpus ? `${w.gpus.count}x ${w.gpus.resource}${w.runtimeClassName ? `, runtime ${w.runtimeClassName}` : ''}` : null;
  return el(
    'g',
    { class: 'service', 'data-service': w.component, 'data-sites': w.sites.join(' '), ...(w.gpus ? { 'data-gpu': `${w.gpus.resource}=${w.gpus.count}` } : {}), ...extra },
    el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6, fill: '#ffffff', stroke: '#24292f', 'stroke-width': 1.5 }),
    text(cx, b.y + 20, w.component, { 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold' }),
    text(cx, b.y + 36, replicasText(w.replicas), { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a' }),
    gpu && text(cx, b.y + 50, gpu, { 'text-anchor': 'middle', 'font-size': 11, fill: '#9a6700' }),
  );
}

/** Where the segment from the centre of `b` towards (tx, ty) leaves the box. */
function edgePoint(b: Box, tx: number, ty: number): [number, number] {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return [cx, cy];
  const s = Math.min(dx === 0 ? Infinity : b.w / 2 / Math.abs(dx), dy === 0 ? Infinity : b.h / 2 / Math.abs(dy));
  return [cx + dx * s, cy + dy * s];
}

const fmt = (n: number) => String(Math.round(n * 10) / 10);

export function planMap(plan: Plan): string {
  const rank = orderOf(plan);
  const byOrder = (a: WorkloadPlacement, b: WorkloadPlacement) => rank(a) - rank(b) || a.component.localeCompare(b.component);
  const workloads = [...plan.workloads].sort(byOrder);
  const boxes = new Map<string, { box: Box; site: Site | null }>();
  const body: SvgElement[] = [];

  // The two sites, side by side, their services grouped by node kind.
  const siteParts: { site: Site; parts: SvgElement[]; bottom: number }[] = [];
  for (const site of SITES) {
    const x0 = siteX[site];
    const s = plan.plant.values.sites[site];
    const services = workloads.filter((w) => w.sites.length === 1 && w.sites[0] === site);
    const parts: SvgElement[] = [];
    let y = SITES_TOP + 62;
    for (const kind of nodeKinds(plan, site, services)) {
      const top = y;
      const inner: SvgElement[] = [];
      y += GROUP_HEAD;
      for (const w of kind.services) {
        // Boxes sit on the WAN side of their site; calls within the site arc on the outer side.
        const box = { x: site === 'onprem' ? x0 + SITE_W - 36 - BOX_W : x0 + 36, y, w: BOX_W, h: BOX_H };
        boxes.set(w.component, { box, site });
        inner.push(serviceBox(w, box));
        y += ROW;
      }
      y += 2;
      const gx = x0 + 16;
      const gw = SITE_W - 32;
      parts.push(
        el(
          'g',
          { class: 'node-kind', 'data-node-kind': kind.gpu ? 'gpu' : 'cpu', 'data-labels': kind.labels.join(',') },
          el('rect', {
            x: gx,
            y: top,
            width: gw,
            height: y - top,
            rx: 8,
            fill: kind.gpu ? '#fff8c5' : '#ffffff',
            stroke: kind.gpu ? '#9a6700' : '#8c959f',
            'stroke-dasharray': '6 3',
          }),
          text(gx + 12, top + 18, kindTitle(kind), { 'font-size': 13, 'font-weight': 'bold', fill: kind.gpu ? '#7d4e00' : '#24292f' }),
          text(gx + 12, top + 34, kind.labels.length ? `also labelled ${kind.labels.join(', ')}` : `any ${siteTitle[site]} node`, {
            'font-size': 11,
            fill: '#57606a',
          }),
          ...inner,
        ),
      );
      y += 14;
    }
    if (!services.length) {
      parts.push(text(x0 + SITE_W / 2, y + 24, 'no service runs here', { class: 'empty', 'text-anchor': 'middle', 'font-size': 13, fill: '#57606a', 'font-style': 'italic' }));
      y += 48;
    }
    const header = [
      text(x0 + 16, SITES_TOP + 26, `${siteTitle[site]} site${s.enabled ? '' : ' (not enabled)'}`, { 'font-size': 16, 'font-weight': 'bold' }),
      text(x0 + 16, SITES_TOP + 44, `nodes labelled ${s.nodeLabel.key}=${s.nodeLabel.value}${s.autonomous ? '; runs its own k3s servers' : ''}`, {
        'font-size': 11,
        fill: '#57606a',
      }),
    ];
    siteParts.push({ site, parts: [...header, ...parts], bottom: y });
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
  const wanX = MARGIN + SITE_W + WAN_GAP / 2;
  body.unshift(
    el(
      'g',
      { class: 'wan' },
      el('rect', { x: MARGIN + SITE_W + 20, y: SITES_TOP, width: WAN_GAP - 40, height: sitesBottom - SITES_TOP, fill: '#fff0f0' }),
      text(wanX, SITES_TOP + 22, 'WAN link', { 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 'bold', fill: '#cf222e' }),
    ),
  );

  // Above: the cluster's Ingress controller; below: services on either site and an external MongoDB.
  if (plan.calls.some((c) => c.from === 'ingress')) {
    const box = { x: WIDTH / 2 - 170, y: 78, w: 340, h: 44 };
    boxes.set('ingress', { box, site: null });
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
  const below: { key: string; caption: string; make: (b: Box) => SvgElement }[] = [];
  for (const w of workloads.filter((x) => x.sites.length !== 1)) {
    const caption = w.sites.length ? `either site (${w.sites.map((s) => siteTitle[s]).join(' or ')})` : 'no site: no node can match';
    below.push({ key: w.component, caption, make: (b) => serviceBox(w, b, { class: w.sites.length ? 'service either-site' : 'service no-site' }) });
  }
  const external = plan.calls.find((c) => c.path === 'external');
  if (external) {
    below.push({
      key: `external:${external.to}`,
      caption: 'outside the cluster',
      make: (b) =>
        el(
          'g',
          { class: 'external', 'data-service': external.to },
          el('rect', { x: b.x, y: b.y, width: b.w, height: b.h, rx: 6, fill: '#fbefff', stroke: '#8250df', 'stroke-width': 1.5 }),
          text(b.x + b.w / 2, b.y + 22, `${external.to} (external)`, { 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold' }),
          text(b.x + b.w / 2, b.y + 40, 'connection string from a Secret', { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a' }),
        ),
    });
  }
  let y = sitesBottom;
  if (below.length) {
    const top = sitesBottom + 48;
    const span = below.length * BOX_W + (below.length - 1) * 40;
    below.forEach((item, i) => {
      const box = { x: WIDTH / 2 - span / 2 + i * (BOX_W + 40), y: top, w: BOX_W, h: BOX_H };
      boxes.set(item.key, { box, site: null });
      body.push(item.make(box), text(box.x + BOX_W / 2, top + BOX_H + 16, item.caption, { 'text-anchor': 'middle', 'font-size': 11, fill: '#57606a' }));
    });
    y = top + BOX_H + 24;
  }

  // The calls.
  const calls: SvgElement[] = [];
  for (const c of plan.calls) {
    const from = boxes.get(c.from);
    const to = boxes.get(c.path === 'external' ? `external:${c.to}` : c.to);
    if (!from || !to) continue;
    const st = STYLE[c.path];
    let d: string;
    let mid: [number, number];
    if (from.site && from.site === to.site) {
      // Within one site: an arc on the site's outer side, out a little above the middle, in a little below.
      const dir = from.site === 'onprem' ? -1 : 1;
      const sx = dir < 0 ? from.box.x : from.box.x + BOX_W;
      const sy = from.box.y + BOX_H / 2 - 8;
      const ey = to.box.y + BOX_H / 2 + 8;
      const bow = 28 + Math.min(72, (Math.abs(ey - sy) / ROW) * 18);
      d = `M${fmt(sx)} ${fmt(sy)} C${fmt(sx + dir * bow)} ${fmt(sy)} ${fmt(sx + dir * bow)} ${fmt(ey)} ${fmt(sx)} ${fmt(ey)}`;
      mid = [sx + dir * bow * 0.75, (sy + ey) / 2];
    } else if (c.from === 'ingress' && to.site) {
      // From the Ingress controller: down the WAN's edge on the dashboard's side, into the box's WAN side near its top.
      const inner = to.site === 'onprem' ? to.box.x + BOX_W : to.box.x;
      const vx = to.site === 'onprem' ? MARGIN + SITE_W + 28 : MARGIN + SITE_W + WAN_GAP - 28;
      const ey = to.box.y + 14;
      d = `M${fmt(vx)} ${fmt(from.box.y + from.box.h)} L${fmt(vx)} ${fmt(ey)} L${fmt(inner)} ${fmt(ey)}`;
      mid = [vx, ey];
    } else {
      const [ax, ay] = edgePoint(from.box, to.box.x + to.box.w / 2, to.box.y + to.box.h / 2);
      const [bx, by] = edgePoint(to.box, from.box.x + from.box.w / 2, from.box.y + from.box.h / 2);
      d = `M${fmt(ax)} ${fmt(ay)} L${fmt(bx)} ${fmt(by)}`;
      mid = [(ax + bx) / 2, (ay + by) / 2];
    }
    const where = { local: 'within one site', crosses: 'across the WAN', may: 'may cross the WAN', external: 'to the external database', unknown: "from the cluster's Ingress controller" }[c.path];
    calls.push(
      el(
        'g',
        { class: `call call-${c.path}`, 'data-from': c.from, 'data-to': c.to, 'data-path': c.path },
        el('title', {}, `${c.from} -> ${c.to}: ${where}${c.path === 'local' ? '' : `; link down: ${c.lost}`}`),
        el('path', { d, fill: 'none', stroke: st.color, 'stroke-width': st.width, 'stroke-dasharray': st.dash, 'marker-end': `url(#arrow-${c.path})` }),
        st.label ? el('rect', { x: mid[0] - st.label.length * 4 - 6, y: mid[1] - 10, width: st.label.length * 8 + 12, height: 18, rx: 4, fill: '#ffffff', stroke: st.color }) : null,
        st.label ? text(mid[0], mid[1] + 4, st.label, { class: 'wan-label', 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 'bold', fill: st.color }) : null,
      ),
    );
  }
  body.push(el('g', { class: 'calls' }, ...calls));

  // The legend.
  const legendTop = y + 30;
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
        viewBox: `0 0 ${WIDTH} ${fmt(height)}`,
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
