import { cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { helmOk } from '../helm/run.ts';
import { toHelmYaml } from '../helm/yaml.ts';

export interface PackagedChart {
  name: string;
  version: string;
  /** The unpacked chart folder. */
  source: string;
  /** The .tgz made by helm package. */
  archive: string;
}

/**
 * One Rancher catalog repository, usable both ways Rancher reads one:
 * over HTTP (index.yaml + assets/*.tgz) and as a git repository
 * (charts/<name>/<version>/..., no symlinks, the index at the root).
 */
export async function writeRepository(dir: string, charts: PackagedChart[], readme: string): Promise<void> {
  for (const c of charts) {
    const assets = path.join(dir, 'assets', c.name);
    mkdirSync(assets, { recursive: true });
    cpSync(c.archive, path.join(assets, path.basename(c.archive)));
    cpSync(c.source, path.join(dir, 'charts', c.name, c.version), { recursive: true, verbatimSymlinks: true });
  }
  writeFileSync(path.join(dir, 'README.md'), readme);
  // helm repo index finds archives one folder deep only, and Rancher's layout nests them
  // two deep (assets/<name>/): index assets/ and put the index at the root.
  await helmOk(['repo', 'index', path.join(dir, 'assets'), '--url', 'assets']);
  renameSync(path.join(dir, 'assets', 'index.yaml'), path.join(dir, 'index.yaml'));
  assertIndexed(path.join(dir, 'index.yaml'), charts);
  stabilizeIndex(path.join(dir, 'index.yaml'));
}

/** An index that silently misses a chart would publish an empty catalog. */
function assertIndexed(file: string, charts: PackagedChart[]): void {
  const index = YAML.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { version: string }[]> };
  for (const c of charts) {
    if (!index.entries[c.name]?.some((v) => v.version === c.version)) {
      throw new Error(`${file}: helm repo index did not list ${c.name} ${c.version}`);
    }
  }
}

/**
 * helm stamps the index with the wall clock; a catalog kept in git would then change on
 * every build. Timestamps are taken from SOURCE_DATE_EPOCH when set (reproducible builds).
 */
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

export async function packageChart(source: string, outDir: string, name: string, version: string): Promise<PackagedChart> {
  mkdirSync(outDir, { recursive: true });
  await helmOk(['package', source, '--destination', outDir]);
  return { name, version, source, archive: path.join(outDir, `${name}-${version}.tgz`) };
}
