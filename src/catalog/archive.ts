import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Tree } from '../tree.ts';

/** A chart's files by path inside the chart folder. */
export type ChartFileMap = Tree;

/**
 * Archives carry no time, owner or umask: the same files give the same bytes, so a chart
 * version's digest depends on its content alone (`created` lives in the index instead).
 */
const gzipAsync = promisify(gzip);

const FIXED = { mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0) } as const;

/**
 * The order `helm package` writes (Chart.yaml, values.yaml, then the rest), so tools that
 * peek at the first entry find Chart.yaml; the rest sorted so the order is stable.
 */
function entryOrder(paths: string[]): string[] {
  const first = ['Chart.yaml', 'values.yaml'].filter((p) => paths.includes(p));
  return [...first, ...paths.filter((p) => !first.includes(p)).sort()];
}

/**
 * A chart archive as helm's loader reads it (helm/helm pkg/chart/loader/archive.go): a
 * gzipped tar of regular files below one top folder named after the chart.
 */
export async function packChart(name: string, files: ChartFileMap): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const rel of entryOrder([...files.keys()])) {
    if (rel.startsWith('/') || rel.split('/').includes('..')) throw new Error(`${name}: ${rel} is not a path inside the chart`);
    const data = files.get(rel)!;
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    pack.entry({ ...FIXED, name: `${name}/${rel}`, size: body.length, type: 'file' }, body);
  }
  pack.finalize();
  await done;
  // No file name and mtime 0 in the gzip header (Node writes neither): stable bytes. Off the
  // main thread (libuv's pool), so many charts compress in parallel with the rest of the build.
  return gzipAsync(Buffer.concat(chunks), { level: 6 });
}

/** The files of a chart archive, by path inside the chart folder (the top folder removed). */
export async function unpackChart(archive: Buffer): Promise<Map<string, Buffer>> {
  const extract = tar.extract();
  const files = new Map<string, Buffer>();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: unknown) => parts.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') {
          const rel = header.name.split('/').slice(1).join('/');
          if (rel) files.set(rel, Buffer.concat(parts));
        }
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(gunzipSync(archive));
  await done;
  return files;
}
