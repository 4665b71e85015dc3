import { plantChart } from '../pipeline/charts.ts';
import type { Model } from '../model.ts';
import type { Plant } from '../plant/load.ts';
import { CALLS, type Call } from '../placement/calls.ts';
import { formatTaint, siteTitle, type Site } from '../placement/sites.ts';
import { placementsOf, type WorkloadPlacement } from '../placement/read-back.ts';
import { renderChart } from './render.ts';
import { wrap } from '../wrap.mjs';

export interface Plan {
  plant: Plant;
  workloads: WorkloadPlacement[];
  ingress: string;
  calls: CallAcross[];
}

/** One call of src/placement/calls.ts and whether the WAN lies between its two ends. */
export interface CallAcross extends Call {
  /** local: both ends on one site; crosses: always over the WAN; may: either end may run on both sites; external: to the plant's own MongoDB, outside the cluster; unknown: where the cluster's Ingress controller runs is not declared (ingress.controllerSite). */
  path: 'local' | 'crosses' | 'may' | 'external' | 'unknown';
  fromSites: Site[];
  toSites: Site[];
}

function across(call: Call, workloads: WorkloadPlacement[], externalDb: boolean, controller: Site | 'unknown'): CallAcross | null {
  const sitesOf = (w: string) => (w === 'ingress' ? (controller === 'unknown' ? undefined : [controller]) : workloads.find((x) => x.component === w)?.sites);
  const to = sitesOf(call.to);
  if (call.to === 'mongodb' && externalDb) return { ...call, path: 'external', fromSites: sitesOf(call.from) ?? [], toSites: [] };
  if (!to) return null;
  if (call.from === 'ingress' && controller === 'unknown') return { ...call, path: 'unknown', fromSites: [], toSites: to };
  const from = sitesOf(call.from);
  if (!from) return null;
  const path = from.length === 1 && to.length === 1 ? (from[0] === to[0] ? 'local' : 'crosses') : 'may';
  return { ...call, path, fromSites: from, toSites: to };
}

/** What the plant's chart really schedules where: rendered by helm, then read back. */
export async function planPlant(model: Model, plant: Plant): Promise<Plan> {
  const objects = await renderChart(plantChart(model, plant));
  const ing = objects.find((o) => o.kind === 'Ingress');
  let ingress = 'none';
  if (ing) {
    const spec = ing.spec as { ingressClassName: string; rules: { host?: string }[]; tls?: unknown[] };
    ingress = `${spec.tls ? 'https' : 'http'}://${spec.rules[0]?.host ?? '*'}/ via ${spec.ingressClassName}`;
  }
  const workloads = placementsOf(objects, plant.values);
  const externalDb = plant.values.mongodb.mode === 'external';
  const controller = plant.values.ingress.controllerSite;
  const calls = CALLS.map((c) => across(c, workloads, externalDb, controller)).filter((c): c is CallAcross => c !== null);
  return { plant, workloads, ingress, calls };
}

export function formatPlan(p: Plan): string {
  const rows = p.workloads.map((w) => [
    w.component,
    w.sites.length ? w.sites.map((s) => siteTitle[s]).join(' or ') : 'NO SITE',
    w.gpus ? `${w.gpus.count}x ${w.gpus.resource}${w.runtimeClassName ? ` (runtime ${w.runtimeClassName})` : ''}` : '-',
    w.replicas,
    outageOf(w),
  ]);
  const head = ['SERVICE', 'SITE', 'GPU', 'REPLICAS', 'NODE LINK DOWN'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // A long GPU resource or runtime name wraps inside its column, so the table keeps to 100.
  const GPU = 2;
  const room = 100 - (widths.reduce((a, b) => a + b, 0) - widths[GPU]! + 2 * (head.length - 1));
  widths[GPU] = Math.max(head[GPU]!.length, Math.min(widths[GPU]!, room));
  const line = (r: string[]) => {
    const cells = r.map((c, i) => (i === GPU ? wrap(c, widths[GPU]!) : [c]));
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, k) => cells.map((c, i) => (c[k] ?? '').padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
  };
  const db = p.plant.values.mongodb.mode === 'external' ? '\nmongodb: external (connection string from an existing Secret)' : '';
  return [
    `Plant ${p.plant.displayName} (${p.plant.id})`,
    '',
    line(head),
    ...rows.map(line),
    '',
    ...formatNodes(p),
    '',
    `dashboard: ${p.ingress}${db}`,
    '',
    ...formatCalls(p),
  ].join('\n');
}

/** The node labels each workload requires and the taints it tolerates, wrapped to 100 columns. */
function formatNodes(p: Plan): string[] {
  const lines = ['Nodes each service needs (node labels it requires; taints it tolerates; labels it prefers):'];
  const width = Math.max(...p.workloads.map((w) => w.component.length)) + 2;
  const indent = ''.padEnd(width + 2);
  for (const w of p.workloads) {
    const needs = w.nodeTerms.map((t) => Object.entries(t).map(([k, v]) => `${k}=${v}`).join(', ')).join(' or ') || 'any node';
    const tolerates = w.tolerations.filter((t) => !OUTAGE_TAINTS.includes(t.key ?? '')).map(formatTaint).join(', ');
    const [first, ...rest] = wrap(needs, 100 - indent.length);
    lines.push(`  ${w.component.padEnd(width)}${first}`, ...rest.map((l) => `${indent}${l}`));
    if (tolerates) lines.push(...wrap(`tolerates ${tolerates}`, 100 - indent.length).map((l) => `${indent}${l}`));
    const prefers = w.preferred.map((t) => `${t.labels} (weight ${t.weight})`).join('; ');
    if (prefers) lines.push(...wrap(`prefers ${prefers}`, 100 - indent.length).map((l) => `${indent}${l}`));
  }
  return lines;
}

/** The taints a node gets when it stops reporting (kubernetes pkg/controller/nodelifecycle). */
const OUTAGE_TAINTS = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'];

/** What a workload's pods do when their node stops reporting: read from their tolerations. */
function outageOf(w: WorkloadPlacement): string {
  const t = w.tolerations.find((x) => x.key === OUTAGE_TAINTS[0] && x.effect === 'NoExecute');
  if (!t) return 'evicted after 300s';
  return t.tolerationSeconds ? `stay ${t.tolerationSeconds}s` : 'stay';
}


const sitesText = (sites: Site[]) => (sites.length ? sites.map((s) => siteTitle[s]).join(' or ') : '?');

/** The calls between the plant's services, and what a WAN outage stops. */
function formatCalls(p: Plan): string[] {
  const lines = ['Calls between the sites (what stops while the WAN link is down):'];
  const width = Math.max(...p.calls.map((c) => `${c.from} -> ${c.to}`.length)) + 2;
  const indent = ''.padEnd(width + 2);
  for (const c of p.calls) {
    const name = `${c.from} -> ${c.to}`.padEnd(width);
    if (c.path === 'local') lines.push(`  ${name}local (${sitesText(c.toSites)})`);
    else if (c.path === 'unknown') lines.push(`  ${name}from the Ingress controller, its site unknown (ingress.controllerSite)`);
    else {
      const where = c.path === 'external' ? 'to the external MongoDB (outside the cluster)' : `${c.path === 'crosses' ? 'crosses' : 'may cross'} (${sitesText(c.fromSites)} -> ${sitesText(c.toSites)})`;
      lines.push(`  ${name}${where}`, ...wrap(`link down: ${c.lost}`, 100 - indent.length).map((l) => `${indent}${l}`));
    }
  }
  const cut = p.calls.filter((c) => c.blocksLogin && (c.path === 'crosses' || c.path === 'may'));
  lines.push('');
  if (cut.length) lines.push(`WAN outage: login ${cut.some((c) => c.path === 'crosses') ? 'impossible' : 'may be impossible'} (${cut.map((c) => `${c.from} -> ${c.to}`).join(', ')} over the WAN).`);
  else lines.push('WAN outage: login keeps working; no call login needs crosses the WAN.');
  const autonomous = (['onprem', 'cloud'] as const).filter((s) => p.plant.values.sites[s].autonomous);
  for (const s of autonomous) {
    lines.push(`The ${siteTitle[s]} site works on its own (sites.${s}.autonomous): its k3s servers must run there`, `(kubevision site ${p.plant.id} ${s} --role server).`);
  }
  return lines;
}
