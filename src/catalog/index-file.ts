import YAML from 'yaml';
import { compare } from 'semver';
import { toHelmYaml } from '../helm/yaml.ts';

/**
 * One chart version in a repository's index.yaml, as helm writes it (helm/helm
 * pkg/repo/index.go ChartVersion: the chart's metadata, then urls, created, digest).
 */
export interface IndexEntry {
  name: string;
  version: string;
  digest: string;
  created: string;
  urls: string[];
  [field: string]: unknown;
}

export interface IndexFile {
  apiVersion: 'v1';
  entries: Record<string, IndexEntry[]>;
  generated: string;
}

/** The Chart.yaml fields helm's chart.Metadata knows; helm drops any other when indexing. */
const METADATA_FIELDS = [
  'name', 'home', 'sources', 'version', 'description', 'keywords', 'maintainers', 'icon', 'apiVersion',
  'condition', 'tags', 'appVersion', 'deprecated', 'annotations', 'kubeVersion', 'dependencies', 'type',
] as const;

/**
 * The index entry of a packaged chart. `icon` may be given separately: the index is what
 * Rancher reads, and it resolves a relative icon against the repository (see chart-files.ts).
 */
export function indexEntry(chartYaml: Record<string, unknown>, o: { digest: string; url: string; created: string; icon?: string }): IndexEntry {
  const meta = Object.fromEntries(METADATA_FIELDS.filter((f) => chartYaml[f] !== undefined).map((f) => [f, chartYaml[f]]));
  const entry = { ...meta, ...(o.icon ? { icon: o.icon } : {}), urls: [o.url], created: o.created, digest: o.digest } as IndexEntry;
  // helm marshals through JSON, so keys come out sorted; keep that for readable diffs.
  return Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : 1))) as IndexEntry;
}

/** Newest version first, as helm's IndexFile.SortEntries orders them. */
export function renderIndex(entries: IndexEntry[]): string {
  const byChart: Record<string, IndexEntry[]> = {};
  for (const e of entries) (byChart[e.name] ??= []).push(e);
  const names = Object.keys(byChart).sort();
  const sorted = Object.fromEntries(names.map((n) => [n, byChart[n]!.sort((a, b) => compare(b.version, a.version))]));
  // Deterministic: the newest `created`, not the time of the build.
  const generated = entries.map((e) => e.created).sort().at(-1) ?? new Date(0).toISOString();
  const index: IndexFile = { apiVersion: 'v1', entries: sorted, generated };
  return toHelmYaml(index);
}

export function parseIndex(text: string, where: string): IndexEntry[] {
  const doc = YAML.parse(text) as Partial<IndexFile> | null;
  if (!doc || doc.apiVersion !== 'v1' || typeof doc.entries !== 'object' || doc.entries === null) {
    throw new Error(`${where}: not a helm repository index (apiVersion v1 with entries)`);
  }
  return Object.entries(doc.entries).flatMap(([name, versions]) =>
    (versions ?? []).map((v) => {
      if (v.name !== name || typeof v.version !== 'string' || typeof v.digest !== 'string' || !Array.isArray(v.urls)) {
        throw new Error(`${where}: entry ${name} ${String(v.version)} lacks name, version, digest or urls`);
      }
      // yaml may read an unquoted timestamp as a Date.
      const created: unknown = v.created;
      return { ...v, created: created instanceof Date ? created.toISOString() : String(created) };
    }),
  );
}
