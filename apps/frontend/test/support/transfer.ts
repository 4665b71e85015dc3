import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request that leaves the body as it travelled (fetch would decompress it). */
export function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface Transfer {
  /** Path -> bytes on the wire (gzip) and uncompressed. */
  files: Map<string, { gzip: number; plain: number; encoding: string | undefined }>;
  gzip: number;
  plain: number;
}

/**
 * What a browser downloads for the dashboard, gzip-encoded: the page, then every asset
 * it references, the modules those import and the files their CSS points at.
 */
export async function dashboardTransfer(base: string): Promise<Transfer> {
  const files: Transfer['files'] = new Map();
  const fetchOne = async (p: string) => {
    if (files.has(p)) return '';
    const r = await raw(`${base}${p}`, { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'gzip' });
    if (r.status !== 200) throw new Error(`${p}: HTTP ${r.status}`);
    const encoding = r.headers['content-encoding'] as string | undefined;
    const plain = encoding === 'gzip' ? gunzipSync(r.body) : r.body;
    files.set(p, { gzip: r.body.length, plain: plain.length, encoding });
    return plain.toString('utf8');
  };
  const page = await fetchOne('/');
  const queue = [...page.matchAll(/\b(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  while (queue.length) {
    const p = queue.shift()!;
    const text = await fetchOne(p);
    if (p.endsWith('.js')) queue.push(...[...text.matchAll(/(?:from|import)\s*\(?\s*'(\/assets\/[^']+)'/g)].map((m) => m[1]!));
    if (p.endsWith('.css')) queue.push(...[...text.matchAll(/url\(["']?(\/assets\/[^"')]+)/g)].map((m) => m[1]!));
  }
  let gzip = 0;
  let plain = 0;
  for (const f of files.values()) {
    gzip += f.gzip;
    plain += f.plain;
  }
  return { files, gzip, plain };
}
