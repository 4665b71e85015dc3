import { plantChart } from '../pipeline/charts.ts';
import type { Model } from '../model.ts';
import type { Plant } from '../plant/load.ts';
import { formatTaint, siteTitle } from '../placement/sites.ts';
import { placementsOf, type WorkloadPlacement } from '../placement/read-back.ts';
import { renderChart } from './render.ts';

export interface Plan {
  plant: Plant;
  workloads: WorkloadPlacement[];
  ingress: string;
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
  return { plant, workloads: placementsOf(objects, plant.values), ingress };
}

export function formatPlan(p: Plan): string {
  const rows = p.workloads.map((w) => [
    w.component,
    w.sites.length ? w.sites.map((s) => siteTitle[s]).join(' or ') : 'NO SITE',
    w.gpus ? `${w.gpus.count}x ${w.gpus.resource}${w.runtimeClassName ? ` (runtime ${w.runtimeClassName})` : ''}` : '-',
    w.replicas,
    w.nodeTerms.map((t) => Object.entries(t).map(([k, v]) => `${k}=${v}`).join(',')).join(' | ') || 'any node',
    w.tolerations.map(formatTaint).join(', ') || '-',
  ]);
  const head = ['SERVICE', 'SITE', 'GPU', 'REPLICAS', 'NODES MUST HAVE', 'TOLERATES'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const db = p.plant.values.mongodb.mode === 'external' ? '\nmongodb: external (connection string from an existing Secret)' : '';
  return [`Plant ${p.plant.displayName} (${p.plant.id})`, '', line(head), ...rows.map(line), '', `dashboard: ${p.ingress}${db}`].join('\n');
}
