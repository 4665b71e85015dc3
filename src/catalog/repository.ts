import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { helmOk } from '../helm/run.ts';
import { toHelmYaml } from '../helm/yaml.ts';
import { sameTree } from './tree.ts';

export interface ChartSource {
  name: string;
  version: string;
  /** The unpacked chart folder. */
  dir: string;
}

export interface PackagedChart extends ChartSource {
  /** The .tgz made by helm package. */
  archive: string;
}

/**
 * One Rancher catalog repository, usable both ways Rancher reads one: over HTTP
 * (index.yaml + assets/<name>/*.tgz) and as a git repository (charts/<name>/<version>/,
 * no symlinks, the index at the root). Files are hard-linked from the staged charts:
 * every plant catalog holds the same generic chart.
 */
export class Repository {
  constructor(readonly dir: string) {}

  /** The parts made from sources: unpacked charts and the README. */
  writeSources(charts: ChartSource[], readme: string): void {
    for (const c of charts) linkTree(c.dir, path.join(this.dir, 'charts', c.name, c.version));
    writeFileSync(path.join(this.dir, 'README.md'), readme);
  }

  /**
   * helm stamps archives and the index with the time of the build, so they differ
   * whenever they are remade. When the published repository holds byte-identical
   * sources, its archives and index are taken over as they are.
   */
  reuse(published: string, charts: ChartSource[]): boolean {
    const indexFile = path.join(published, 'index.yaml');
    if (!existsSync(indexFile) || !sameTree(this.dir, published, (rel) => rel === 'index.yaml' || rel.startsWith('assets'))) {
      return false;
    }
    const archives = charts.map((c) => path.join('assets', c.name, `${c.name}-${c.version}.tgz`));
    if (!archives.every((a) => existsSync(path.join(published, a)))) return false;
    for (const a of archives) linkFile(path.join(published, a), path.join(this.dir, a));
    linkFile(indexFile, path.join(this.dir, 'index.yaml'));
    return true;
  }

  async index(charts: PackagedChart[]): Promise<void> {
    for (const c of charts) linkFile(c.archive, path.join(this.dir, 'assets', c.name, path.basename(c.archive)));
    // helm repo index finds archives one folder deep only, and Rancher's layout nests
    // them two deep (assets/<name>/): index assets/ and put the index at the root.
    await helmOk(['repo', 'index', path.join(this.dir, 'assets'), '--url', 'assets']);
    const file = path.join(this.dir, 'index.yaml');
    renameSync(path.join(this.dir, 'assets', 'index.yaml'), file);
    assertIndexed(file, charts);
    stabilizeIndex(file);
  }
}

function linkFile(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  linkSync(from, to);
}

function linkTree(from: string, to: string): void {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isSymbolicLink()) throw new Error(`${path.join(from, e.name)}: Rancher rejects repositories with symlinks`);
    if (e.isDirectory()) linkTree(path.join(from, e.name), path.join(to, e.name));
    else linkFile(path.join(from, e.name), path.join(to, e.name));
  }
}

/** An index that silently misses a chart would publish an empty catalog. */
function assertIndexed(file: string, charts: ChartSource[]): void {
  const index = YAML.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { version: string }[]> };
  for (const c of charts) {
    if (!index.entries[c.name]?.some((v) => v.version === c.version)) {
      throw new Error(`${file}: helm repo index did not list ${c.name} ${c.version}`);
    }
  }
}

/** Timestamps from SOURCE_DATE_EPOCH when set (reproducible builds). */
function stabilizeIndex(file: string): void {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (!epoch) return;
  const stamp = new Date(Number(epoch) * 1000).toISOString();
  const index = YAML.parse(readFileSync(file, 'utf8')) as {
    generated: string;
    entries: Record<string, { created: string }[]>;
  };
  index.generated = stamp;
  for (const versions of Object.values(index.entries)) for (const v of versions) v.created = stamp;
  writeFileSync(file, toHelmYaml(index));
}

export async function packageChart(c: ChartSource, outDir: string): Promise<PackagedChart> {
  mkdirSync(outDir, { recursive: true });
  await helmOk(['package', c.dir, '--destination', outDir]);
  return { ...c, archive: path.join(outDir, `${c.name}-${c.version}.tgz`) };
}
