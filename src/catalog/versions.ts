import { gt, inc, valid } from 'semver';
import type { ChartFileMap } from './archive.ts';
import { chartChanges, firstVersion, publishedChanges, renderChanges } from './changes.ts';
import type { PublishedVersion } from './published.ts';

/**
 * The version rule, so that Rancher offers every change as an upgrade and no published
 * version ever changes (chart-testing's `ct lint` checks the same: a changed chart needs
 * a higher version):
 *
 * - a chart never published gets the project version (package.json, also appVersion);
 * - if its newest published version holds exactly these files (its own Chart.yaml
 *   version aside), that version is kept and its archive reused byte for byte;
 * - otherwise it gets the next patch after its newest published version, or the project
 *   version when that is higher (a new application release).
 *
 * A new version says what it changes against the newest published one (src/catalog/changes.ts);
 * the comparison renders the chart with the newest version's own changes annotation, so a
 * kept version stays byte for byte what it was.
 */
export interface VersionChoice {
  version: string;
  /** The published version kept as it is, when the content did not change. */
  kept?: PublishedVersion;
  /** The `artifacthub.io/changes` annotation of the chosen version. */
  changes?: string;
}

export async function chooseVersion(o: {
  chart: string;
  projectVersion: string;
  published: PublishedVersion[];
  /** The chart's files with Chart.yaml at the given version and with these changes. */
  filesAt: (version: string, changes: string | undefined) => ChartFileMap;
}): Promise<VersionChoice> {
  if (!valid(o.projectVersion)) throw new Error(`package.json version "${o.projectVersion}" is not a semantic version`);
  const newest = o.published.at(-1);
  if (!newest) return { version: o.projectVersion, changes: renderChanges(firstVersion(o.chart)) };
  const newestFiles = await newest.files();
  const keptChanges = publishedChanges(newestFiles.get('Chart.yaml'));
  if (sameFiles(o.filesAt(newest.entry.version, keptChanges), newestFiles)) return { version: newest.entry.version, kept: newest, changes: keptChanges };
  const next = inc(newest.entry.version, 'patch');
  if (!next) throw new Error(`${o.chart}: published version ${newest.entry.version} is not a semantic version`);
  const version = gt(o.projectVersion, next) ? o.projectVersion : next;
  return { version, changes: renderChanges(chartChanges(newestFiles, o.filesAt(version, undefined))) };
}

function sameFiles(a: ChartFileMap, b: Map<string, Buffer>): boolean {
  if (a.size !== b.size) return false;
  for (const [rel, data] of a) {
    const other = b.get(rel);
    if (!other || !other.equals(typeof data === 'string' ? Buffer.from(data) : data)) return false;
  }
  return true;
}
