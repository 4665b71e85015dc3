import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../src/headers.ts';
import { deadPort, startFrontend, stubUpstream } from './support/frontend.ts';
import { dashboardTransfer, raw } from './support/transfer.ts';

/** The dashboard's budget: index.html and everything it loads, gzip, on the wire. */
const BUDGET_BYTES = 150 * 1024;

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the dashboard server', () => {
  let upstream: Awaited<ReturnType<typeof stubUpstream>>;
  let fe: Awaited<ReturnType<typeof startFrontend>>;
  beforeAll(async () => {
    upstream = await stubUpstream((s, res) => {
      res.writeHead(s.url === '/readyz' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    });
    fe = await startFrontend(upstream.url);
  });
  afterAll(async () => {
    await fe?.server.close();
    await upstream?.close();
  });

  it('serves the page with a strict CSP and the other security headers', async () => {
    const r = await raw(`${fe.url}/`, html);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v.join(' ')]));
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data: blob:");
    expect(directives.get('media-src')).toBe("'self' blob: mediastream:");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(r.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-cache',
    });
    expect(String(r.headers['permissions-policy'])).toMatch(/(^|, )camera=\(self\)/);
    // Plain HTTP: no HSTS.
    expect(r.headers['strict-transport-security']).toBeUndefined();
    expect(r.headers['x-powered-by']).toBeUndefined();
  });

  it('sends HSTS (a year or more) only when the request came over TLS', async () => {
    const r = await raw(`${fe.url}/`, { ...html, 'x-forwarded-proto': 'https' });
    const hsts = String(r.headers['strict-transport-security']);
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000);
  });

  it('has no inline script or style in the page (the CSP would block them)', async () => {
    const page = (await raw(`${fe.url}/`, html)).body.toString('utf8');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style\b|\sstyle="|\son[a-z]+="/i);
    expect(page).not.toMatch(/https?:\/\//);
  });

  it('serves the page for the views the browser routes (reload, bookmarks), and 404 JSON otherwise', async () => {
    for (const p of ['/login', '/profile', '/login/face', '/profile/recovery-codes']) {
      const r = await raw(`${fe.url}${p}`, html);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type'], p).toMatch(/^text\/html/);
    }
    const missing = await raw(`${fe.url}/assets/js/app.0000000000.js`, html);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString())).toMatchObject({ error: { code: 'not_found' } });
    expect((await raw(`${fe.url}/favicon.ico`)).status).toBe(404);
  });

  it('compresses static files (brotli preferred, gzip, or none) and caches fingerprinted ones for a year', async () => {
    const page = (await raw(`${fe.url}/`, html)).body.toString('utf8');
    const css = /href="(\/assets\/vendor\/bootstrap\.min\.[0-9a-f]{10}\.css)"/.exec(page)?.[1];
    expect(css).toBeDefined();
    const gz = await raw(`${fe.url}${css}`, { 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gz.headers.vary).toMatch(/accept-encoding/i);
    expect(gz.headers['content-type']).toBe('text/css; charset=utf-8');
    const plain = gunzipSync(gz.body);
    expect(plain.toString('utf8')).toContain('Bootstrap');
    expect(plain.toString('utf8')).not.toContain('sourceMappingURL');
    expect(gz.body.length).toBeLessThan(plain.length / 4);
    const br = await raw(`${fe.url}${css}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(gz.body.length);
    const none = await raw(`${fe.url}${css}`, {});
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body.equals(plain)).toBe(true);
    const refused = await raw(`${fe.url}${css}`, { 'accept-encoding': 'br;q=0, gzip' });
    expect(refused.headers['content-encoding']).toBe('gzip');
  });

  it('answers a revalidation of the page with 304', async () => {
    const first = await raw(`${fe.url}/`, html);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await raw(`${fe.url}/`, { ...html, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('points the page and the modules at fingerprinted files only', async () => {
    const page = (await raw(`${fe.url}/`, html)).body.toString('utf8');
    const refs = [...page.matchAll(/\b(?:src|href)="(\/[^"]*)"/g)].map((m) => m[1]!).filter((p) => /\.[a-z]+$/.test(p));
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(ref).toMatch(/^\/assets\/.+\.[0-9a-f]{10}\.[a-z]+$/);
    const app = refs.find((r) => r.includes('/js/app.'))!;
    const js = (await raw(`${fe.url}${app}`)).body.toString('utf8');
    const imports = [...js.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(3);
    for (const i of imports) expect(i).toMatch(/^\/assets\/js\/[a-z-]+\.[0-9a-f]{10}\.js$/);
  });

  it('stays within the size budget: page + everything it loads < 150 KB gzip', async () => {
    const t = await dashboardTransfer(fe.url);
    for (const [p, f] of t.files) expect(f.encoding, p).toBe('gzip');
    const lines = [...t.files].map(([p, f]) => `  ${p.padEnd(48)} ${String(f.gzip).padStart(7)} B gzip  ${String(f.plain).padStart(7)} B`);
    console.log(`dashboard transfer (gzip): ${(t.gzip / 1024).toFixed(1)} KiB in ${t.files.size} files (${(t.plain / 1024).toFixed(1)} KiB uncompressed)\n${lines.join('\n')}`);
    expect(t.files.size).toBeGreaterThan(5);
    expect(t.gzip).toBeLessThan(BUDGET_BYTES);
  });

  it('has /healthz, /metrics, and /readyz that follows the auth service', async () => {
    expect((await fetch(`${fe.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${fe.url}/metrics`)).text();
    expect(metrics).toContain('http_requests_total');
    const ready = await fetch(`${fe.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { auth: 'ok', assets: 'ok' } });
  });

  it('with MANAGEMENT_PORT (as the chart sets it), probes and metrics answer there only: the port the Ingress reaches says 404', async () => {
    const port = await deadPort();
    const split = await startFrontend(upstream.url, { MANAGEMENT_PORT: String(port) });
    try {
      for (const p of ['/healthz', '/readyz', '/metrics']) {
        const outside = await fetch(`${split.url}${p}`, { headers: { accept: 'application/json' } });
        expect(outside.status, p).toBe(404);
        expect(((await outside.json()) as { error: { code: string } }).error.code).toBe('not_found');
        expect((await fetch(`http://127.0.0.1:${port}${p}`)).status, p).toBe(200);
      }
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('http_requests_total');
      // The management port serves nothing else.
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/api/me`)).status).toBe(404);
      expect((await fetch(`${split.url}/`)).status).toBe(200);
    } finally {
      await split.server.close();
    }
  });

  it('answers the page for every dashboard path with 200, and for any other page-like path with 404 (the page says "Page not found")', async () => {
    for (const p of ['/', '/login', '/profile', '/profile/face/disable', '/profile/']) {
      const r = await fetch(`${fe.url}${p}`, { headers: { accept: 'text/html' } });
      expect(r.status, p).toBe(200);
      await r.body?.cancel();
    }
    for (const p of ['/nope', '/profile/other', '/login/face/extra']) {
      const r = await fetch(`${fe.url}${p}`, { headers: { accept: 'text/html' } });
      expect(r.status, p).toBe(404);
      expect(await r.text()).toContain('id="view-not-found"');
    }
  });

  it('is not ready while the auth service is down', async () => {
    const down = await startFrontend(`http://127.0.0.1:${await deadPort()}`);
    try {
      const r = await fetch(`${down.url}/readyz`);
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({ status: 'not ready', checks: { auth: 'unreachable' } });
    } finally {
      await down.server.close();
    }
  });
});
