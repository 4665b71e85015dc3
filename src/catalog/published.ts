import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compare } from 'semver';
import { unpackChart } from './archive.ts';
import { parseIndex, type IndexEntry } from './index-file.ts';

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A chart version as a catalog already published it: its index entry and archive bytes. */
export interface PublishedVersion {
  entry: IndexEntry;
  /** Path of the archive inside the catalog folder (the entry's relative url). */
  archive: string;
  bytes: Buffer;
  /** Its files, unpacked once however often they are asked for. */
  files(): Promise<Map<string, Buffer>>;
}

/**
 * What a catalog folder has published, per chart, oldest version first. A catalog whose
 * index lists an archive that is missing or has other bytes is refused: the build would
 * otherwise compare new charts against something that was never served.
 */
export function readPublished(catalogDir: string, label: string): Map<string, PublishedVersion[]> {
  const out = new Map<string, PublishedVersion[]>();
  const indexFile = path.join(catalogDir, 'index.yaml');
  if (!existsSync(indexFile)) return out;
  for (const entry of parseIndex(readFileSync(indexFile, 'utf8'), `${label}/index.yaml`)) {
    const url = entry.urls[0]!;
    if (/^[a-z][a-z0-9+.-]*:|^\/|(^|\/)\.\.(\/|$)/i.test(url)) {
      throw new Error(`${label}/index.yaml: ${entry.name} ${entry.version} points outside the catalog (${url})`);
    }
    const file = path.join(catalogDir, url);
    if (!existsSync(file)) throw new Error(`${label}/index.yaml lists ${entry.name} ${entry.version} but ${label}/${url} is missing`);
    const bytes = readFileSync(file);
    if (sha256(bytes) !== entry.digest) {
      throw new Error(`${label}/${url} does not have the digest index.yaml publishes for ${entry.name} ${entry.version}: a published archive was changed`);
    }
    const list = out.get(entry.name) ?? [];
    let unpacked: Promise<Map<string, Buffer>> | undefined;
    list.push({ entry, archive: url, bytes, files: () => (unpacked ??= unpackChart(bytes)) });
    out.set(entry.name, list);
  }
  for (const list of out.values()) list.sort((a, b) => compare(a.entry.version, b.entry.version));
  return out;
}
