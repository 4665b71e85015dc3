import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import { filesAt } from '../chart/chart-files.ts';
import { chartChanges, groupedChanges, type Change } from '../catalog/changes.ts';
import { wrap } from '../wrap.mjs';
import { helmOk } from '../helm/run.ts';
import type { Model } from '../model.ts';
import { plantChartName } from '../pipeline/charts.ts';
import { plantChartContent } from '../pipeline/plant-content.ts';
import { parseManifests, withoutGenerated, type K8sObject } from '../plan/render.ts';
import type { Plant } from '../plant/load.ts';
import { readTree, writeTree } from '../tree.ts';

/** What a rebuild of one plant would change in its published chart (charts/kubevision-<plant>/). */
export interface PlantDiff {
  plant: string;
  chart: string;
  /** The published version, null when the plant has no published chart yet. */
  published: string | null;
  same: boolean;
  /** The chart's changes as the build would describe them (src/catalog/changes.ts). */
  changes: Change[];
  /** Rendered with helm (default values), generated Secrets and checksums masked. */
  objects: { added: string[]; removed: string[]; changed: { object: string; paths: string[] }[] };
}

const NAMESPACE = 'kubevision';


async function render(dir: string): Promise<K8sObject[]> {
  return withoutGenerated(parseManifests(await helmOk(['template', 'kubevision', dir, '--namespace', NAMESPACE])));
}


const idOf = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;

/** The dotted paths at which two values differ (lists compared item by item). */
function differences(a: unknown, b: unknown, at = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  const both = (v: unknown) => v !== null && typeof v === 'object';
  if (!both(a) || !both(b) || Array.isArray(a) !== Array.isArray(b)) return [at || '(whole object)'];
  const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
  const name = (k: string) => (Array.isArray(a) ? `${at}[${k}]` : at ? `${at}.${k}` : k);
  return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], name(k)));
}

export async function diffPlant(model: Model, plant: Plant, projectRoot: string): Promise<PlantDiff> {
  const chart = plantChartName(plant);
  const dir = path.join(projectRoot, 'charts', chart);
  const content = await plantChartContent(model, plant);
  const publishedDir = existsSync(path.join(dir, 'Chart.yaml')) ? dir : null;
  const published = publishedDir ? String((YAML.parse(readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as { version: unknown }).version) : null;
  const after = filesAt(content, published ?? '0.0.0');
  const tmp = mkdtempSync(path.join(tmpdir(), 'kubevision-diff-'));
  try {
    writeTree(path.join(tmp, chart), after);
    const [fresh, old] = await Promise.all([render(path.join(tmp, chart)), publishedDir ? render(publishedDir) : Promise.resolve([])]);
    const changes = publishedDir ? chartChanges(readTree(publishedDir), after) : [{ kind: 'added' as const, description: `First version of the ${chart} chart` }];
    const before = new Map(old.map((o) => [idOf(o), o]));
    const now = new Map(fresh.map((o) => [idOf(o), o]));
    const objects: PlantDiff['objects'] = {
      added: [...now.keys()].filter((k) => !before.has(k)).sort(),
      removed: [...before.keys()].filter((k) => !now.has(k)).sort(),
      changed: [...now.keys()]
        .filter((k) => before.has(k))
        .sort()
        .map((k) => ({ object: k, paths: differences(before.get(k), now.get(k)) }))
        .filter((c) => c.paths.length > 0),
    };
    const same = changes.length === 0 && !objects.added.length && !objects.removed.length && !objects.changed.length;
    return { plant: plant.id, chart, published, same, changes, objects };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Wrapped to 100 columns, continuation lines indented further. */
export const indented = (text: string, indent: string): string[] => wrap(text, 100 - indent.length - 2).map((l, i) => `${indent}${i ? '  ' : ''}${l}`);

export function formatDiff(d: PlantDiff): string {
  const where = `charts/${d.chart}`;
  if (d.same) return `${d.plant}: a rebuild changes nothing; ${where} ${d.published} stays as published.`;
  const lines = [
    d.published
      ? `${d.plant}: a rebuild publishes a new version of ${d.chart}\n(published now: ${where} ${d.published})`
      : `${d.plant}: no published chart in ${where}; a build publishes its first version.`,
  ];
  if (d.changes.length) lines.push('', 'Chart:', ...groupedChanges(d.changes).flatMap((c) => indented(`${c.kind}: ${c.description}`, '  ')));
  const { added, removed, changed } = d.objects;
  if (added.length || removed.length || changed.length) {
    lines.push('', 'Rendered objects (helm template, default values):');
    for (const o of added) lines.push(`  + ${o}`);
    for (const o of removed) lines.push(`  - ${o}`);
    for (const c of changed) {
      const shownPaths = c.paths.slice(0, 6);
      lines.push(`  ~ ${c.object}`, ...shownPaths.map((p) => `      ${p}`));
      if (c.paths.length > shownPaths.length) lines.push(`      ... and ${c.paths.length - shownPaths.length} more`);
    }
  }
  return lines.join('\n');
}
