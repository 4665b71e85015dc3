import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

/**
 * The dashboard's static files, prepared once at start: every file except index.html is
 * served under a content-hashed name (`/assets/js/app.3f2a9c1b7d.js`) so it can be cached
 * for a year; index.html and the JavaScript modules are rewritten to point at those names;
 * everything is kept in memory, precompressed with brotli and gzip. No bundler, no build
 * step: the browser loads plain ES modules.
 */
export const PUBLIC_DIR = path.resolve(import.meta.dirname, '../public');

const require = createRequire(import.meta.url);
/** Files from npm packages, served as if they were in public/ (CSS only: no third-party script). */
export const VENDOR: Record<string, string> = {
  '/vendor/bootstrap.min.css': require.resolve('bootstrap/dist/css/bootstrap.min.css'),
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

export interface Asset {
  /** Where it is served. */
  url: string;
  /** Where it is in public/ (or VENDOR). */
  source: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

export interface Assets {
  index: Asset;
  /** By URL (hashed). */
  byUrl: Map<string, Asset>;
  /** Logical path (`/js/app.js`) to hashed URL. */
  urls: Map<string, string>;
}

const gz = promisify(gzip);
const br = promisify(brotliCompress);

async function walk(dir: string, base = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = `${base}/${e.name}`;
    if (e.isDirectory()) out.push(...(await walk(path.join(dir, e.name), rel)));
    else if (e.isFile() && !e.name.startsWith('.')) out.push(rel);
  }
  return out;
}

/** `from './x.js'`, `import './x.js'`, `import('./x.js')`: relative module specifiers. */
const IMPORT = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"\s]+)\2/g;
/** `src="/..."` and `href="/..."` in index.html. */
const HTML_REF = /\b(src|href)="(\/[^"#?]*)"/g;

const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What the chart says of the plant, written into the page (frontend.branding). */
export interface Branding {
  plantName: string;
  help: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function loadAssets(publicDir = PUBLIC_DIR, branding: Branding = { plantName: '', help: '' }): Promise<Assets> {
  const sources = new Map<string, Buffer>();
  for (const rel of await walk(publicDir)) sources.set(rel, await readFile(path.join(publicDir, rel)));
  for (const [rel, file] of Object.entries(VENDOR)) {
    // The source map is not served: drop the comment that points at it.
    sources.set(rel, Buffer.from((await readFile(file, 'utf8')).replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '')));
  }
  const template = sources.get('/index.html');
  if (!template) throw new Error(`${publicDir}/index.html is missing`);
  // Set once per start, so the page stays one precompressed asset with one ETag.
  const html = Buffer.from(template.toString('utf8').replace('{{plantName}}', escapeHtml(branding.plantName)).replace('{{help}}', escapeHtml(branding.help)));
  sources.delete('/index.html');

  // A module's hashed name depends on the hashed names it imports: resolve depth first.
  const urls = new Map<string, string>();
  const bodies = new Map<string, Buffer>();
  const resolving = new Set<string>();
  const resolve = (rel: string, from: string): string => {
    const body = sources.get(rel);
    if (!body) throw new Error(`${from} refers to ${rel}, which is not in ${publicDir}`);
    const known = urls.get(rel);
    if (known) return known;
    if (resolving.has(rel)) throw new Error(`import cycle through ${rel}: hashed names need an acyclic module graph`);
    resolving.add(rel);
    let out = body;
    if (rel.endsWith('.js')) {
      out = Buffer.from(
        body.toString('utf8').replace(IMPORT, (_m, lead: string, q: string, spec: string) => {
          const target = path.posix.resolve(path.posix.dirname(rel), spec);
          return `${lead}${q}${resolve(target, rel)}${q}`;
        }),
      );
    }
    resolving.delete(rel);
    const ext = path.posix.extname(rel);
    const url = `/assets${rel.slice(0, -ext.length)}.${hash(out).slice(0, 10)}${ext}`;
    urls.set(rel, url);
    bodies.set(rel, out);
    return url;
  };
  for (const rel of sources.keys()) resolve(rel, rel);

  // index.html: hashed references, and modulepreload for every module the entry imports
  // (no waterfall of imports discovered one by one).
  let page = html.toString('utf8').replace(HTML_REF, (m, attr: string, ref: string) => {
    const url = urls.get(ref);
    // A file that is not there is a mistake; a page path (`/login`) is left alone.
    if (!url && path.posix.extname(ref)) throw new Error(`index.html refers to ${ref}, which is not in ${publicDir}`);
    return url ? `${attr}="${url}"` : m;
  });
  const preload = [...urls].filter(([rel]) => rel.endsWith('.js') && !page.includes(`"${urls.get(rel)}"`)).map(([, url]) => `<link rel="modulepreload" href="${url}">`);
  page = page.replace('</head>', `${preload.join('\n')}\n</head>`);

  const make = async (url: string, source: string, body: Buffer): Promise<Asset> => ({
    url,
    source,
    type: TYPES[path.extname(source)] ?? 'application/octet-stream',
    body,
    gzip: await gz(body, { level: 9 }),
    br: await br(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    etag: `"${hash(body).slice(0, 27)}"`,
  });
  const byUrl = new Map<string, Asset>();
  for (const [rel, url] of urls) byUrl.set(url, await make(url, rel, bodies.get(rel)!));
  const index = await make('/', '/index.html', Buffer.from(page));
  return { index, byUrl, urls };
}

/**
 * Which encoding to send: brotli, else gzip, else none, as the client's Accept-Encoding
 * allows (q=0 refuses). The server's preference decides between accepted ones.
 */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name, q ? Number(q[1]) : 1);
  }
  const ok = (e: string) => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}
