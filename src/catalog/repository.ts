import { existsSync } from 'node:fs';
import path from 'node:path';
import { ICON_PATH, ICON_SVG, filesAt, type ChartContent } from '../chart/chart-files.ts';
import { linkOrWrite, linkTree, writeTree } from '../tree.ts';
import { packChart, type ChartFileMap } from './archive.ts';
import { indexEntry, renderIndex, type IndexEntry } from './index-file.ts';
import { provenance, type Signer } from './provenance.ts';
import { readPublished, sha256, type PublishedVersion } from './published.ts';
import { chooseVersion } from './versions.ts';

export interface CatalogChart {
  name: string;
  version: string;
  /** False when the newest published version already held this content. */
  isNew: boolean;
  /** The chart's files at that version. */
  files: ChartFileMap;
  /** Where the catalog holds them unpacked (charts/<name>/<version>/ of outDir). */
  dir: string;
}

export interface CatalogResult {
  charts: CatalogChart[];
  /** Published charts this catalog no longer carries ("name version"). */
  dropped: string[];
}

const archivePath = (name: string, version: string) => `assets/${name}/${name}-${version}.tgz`;

/**
 * One Rancher catalog repository, readable both ways Rancher reads one: over HTTP
 * (index.yaml + assets/) and as a git repository (index.yaml at the root; every version
 * also unpacked as charts/<name>/<version>/, no symlinks). It is append-only: every
 * version the published catalog holds is carried over with its archive's bytes and index
 * entry, and a chart whose content changed is added under a new version.
 */
export async function buildCatalog(o: {
  /** For messages: catalog/<id>. */
  label: string;
  /** The catalog as published (may not exist yet). */
  publishedDir: string;
  /** Where to write the new catalog folder (staging). */
  outDir: string;
  charts: ChartContent[];
  projectVersion: string;
  /** `created` of new versions in the index. */
  created: string;
  readme: (charts: CatalogChart[]) => string;
  /** Signs every archive that has no provenance file yet (.prov beside it); none: unsigned. */
  signer?: Signer;
}): Promise<CatalogResult> {
  const published = readPublished(o.publishedDir, o.label);
  const entries: IndexEntry[] = [];
  const charts: CatalogChart[] = [];
  for (const content of o.charts) {
    const history = published.get(content.name) ?? [];
    const choice = await chooseVersion({
      chart: content.name,
      projectVersion: o.projectVersion,
      published: history,
      filesAt: (v, changes) => filesAt(content, v, changes),
    });
    const files = filesAt(content, choice.version, choice.changes);
    const dir = path.join(o.outDir, 'charts', content.name, choice.version);
    for (const old of history) {
      await carryOver(old, o.publishedDir, o.outDir, o.signer);
      entries.push(old.entry);
    }
    if (!choice.kept) {
      const archive = await packChart(content.name, files);
      const rel = archivePath(content.name, choice.version);
      writeTree(o.outDir, new Map([[rel, archive]]));
      if (o.signer) writeTree(o.outDir, new Map([[`${rel}.prov`, await provenance(archive, path.basename(rel), String(files.get('Chart.yaml')), o.signer)]]));
      writeTree(dir, files);
      const chartYaml = content.chartYaml(choice.version, choice.changes);
      entries.push(indexEntry(chartYaml, { digest: sha256(archive), url: rel, created: o.created, icon: ICON_PATH }));
    }
    charts.push({ name: content.name, version: choice.version, isNew: !choice.kept, files, dir });
  }
  const held = new Set(o.charts.map((c) => c.name));
  const dropped = [...published].filter(([name]) => !held.has(name)).flatMap(([, vs]) => vs.map((v) => `${v.entry.name} ${v.entry.version}`));
  writeTree(o.outDir, new Map([[ICON_PATH, ICON_SVG], ['README.md', o.readme(charts)], ['index.yaml', renderIndex(entries)]]));
  return { charts, dropped };
}

/**
 * A published version into the new catalog: its archive as it is (readPublished checked its
 * bytes), and its unpacked folder made from that archive (files already identical are
 * linked, not rewritten).
 */
async function carryOver(v: PublishedVersion, from: string, to: string, signer: Signer | undefined): Promise<void> {
  linkTree(from, to, [v.archive]);
  // A provenance file, once published, stays as it is; an archive without one is signed when a key is given.
  const prov = `${v.archive}.prov`;
  if (existsSync(path.join(from, prov))) linkTree(from, to, [prov]);
  else if (signer) writeTree(to, new Map([[prov, await provenance(v.bytes, path.basename(v.archive), String((await v.files()).get('Chart.yaml')), signer)]]));
  const dir = path.join('charts', v.entry.name, v.entry.version);
  for (const [rel, data] of await v.files()) {
    linkOrWrite(path.join(from, dir, rel), path.join(to, dir, rel), data);
  }
}
