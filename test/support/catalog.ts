import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BUILD_ROOT } from './paths.ts';

export const catalogDir = (name: string) => path.join(BUILD_ROOT, 'catalog', name);

export interface Entry {
  /** Relative to the walked root, with forward slashes. */
  rel: string;
  abs: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
}

/** Every entry under dir, depth first, without following symlinks (lstat). */
export function walk(dir: string, base = dir): Entry[] {
  const out: Entry[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    const st = lstatSync(abs);
    const kind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    out.push({ rel: path.relative(base, abs).split(path.sep).join('/'), abs, kind });
    if (kind === 'dir') out.push(...walk(abs, base));
  }
  return out;
}

export const files = (dir: string) => walk(dir).filter((e) => e.kind === 'file');

export const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** File list and content hashes of a tree: equal snapshots mean byte-identical trees. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(walk(dir).map((e) => [e.rel, e.kind === 'file' ? sha256(e.abs) : e.kind]));
}

/** The entry names of a .tgz, as tar lists them. */
export function listTgz(file: string): string[] {
  return execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

export function extractTgz(file: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  execFileSync('tar', ['-xzf', file, '-C', dest]);
}

export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

/** Serves dir read-only over HTTP on 127.0.0.1 and a random port. */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.resolve(root, `.${rel}`);
    const inside = file === root || file.startsWith(root + path.sep);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
    } else if (!inside || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
    } else {
      const type = file.endsWith('.tgz') ? 'application/gzip' : file.endsWith('.yaml') ? 'application/yaml' : 'text/plain';
      res.writeHead(200, { 'content-type': type, 'content-length': statSync(file).size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** helm configuration, cache and data of its own: no user repositories leak in or out. */
export function isolatedHelmEnv(dir: string): NodeJS.ProcessEnv {
  return {
    HELM_CONFIG_HOME: path.join(dir, 'config'),
    HELM_CACHE_HOME: path.join(dir, 'cache'),
    HELM_DATA_HOME: path.join(dir, 'data'),
    HELM_REPOSITORY_CONFIG: path.join(dir, 'config', 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: path.join(dir, 'cache', 'repository'),
    HELM_REGISTRY_CONFIG: path.join(dir, 'config', 'registry', 'config.json'),
  };
}

/** Every string leaf of a YAML/JSON value. */
export function stringLeaves(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringLeaves);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(stringLeaves);
  return [];
}
