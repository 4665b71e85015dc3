import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPort, startFrontend, stubUpstream } from './support/frontend.ts';

describe('the /api gateway to the auth service', () => {
  let upstream: Awaited<ReturnType<typeof stubUpstream>>;
  let fe: Awaited<ReturnType<typeof startFrontend>>;
  beforeAll(async () => {
    upstream = await stubUpstream((s, res) => {
      if (s.url.startsWith('/api/slow')) return; // never answers
      if (s.url.startsWith('/api/late')) {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"late":true}'), 4500);
        return;
      }
      if (s.url.startsWith('/api/stream')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first ');
        setTimeout(() => res.end('second'), 200);
        return;
      }
      res.setHeader('set-cookie', ['kv-session=abc; Path=/; HttpOnly; SameSite=Strict', 'kv-csrf=def; Path=/; HttpOnly; SameSite=Strict']);
      res.setHeader('x-upstream', 'auth');
      res.writeHead(s.url.startsWith('/api/missing') ? 404 : 201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: s.method, url: s.url, bytes: s.body.length }));
    });
    fe = await startFrontend(upstream.url, { AUTH_TIMEOUT_SECONDS: '1' });
  });
  afterAll(async () => {
    await fe?.server.close();
    await upstream?.close();
  });

  it('forwards method, path, query, headers, cookies and body unchanged, and adds X-Forwarded-*', async () => {
    const body = JSON.stringify({ email: 'a@example.com', password: 'correct horse battery staple', images: ['x'.repeat(300_000)] });
    const res = await fetch(`${fe.url}/api/login/face?a=1&b=%2F+x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'kv-session=s1; kv-csrf=c1', 'x-csrf-token': 'tok', 'user-agent': 'test-agent/1' },
      body,
    });
    expect(res.status).toBe(201);
    const seen = upstream.seen.at(-1)!;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/login/face?a=1&b=%2F+x');
    expect(seen.body.toString()).toBe(body);
    expect(seen.headers).toMatchObject({
      cookie: 'kv-session=s1; kv-csrf=c1',
      'x-csrf-token': 'tok',
      'content-type': 'application/json',
      'user-agent': 'test-agent/1',
      host: new URL(fe.url).host,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': new URL(fe.url).host,
    });
    expect(seen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns the answer as the auth service gave it, Set-Cookie included', async () => {
    const res = await fetch(`${fe.url}/api/session`);
    expect(res.status).toBe(201);
    expect(res.headers.getSetCookie()).toEqual(['kv-session=abc; Path=/; HttpOnly; SameSite=Strict', 'kv-csrf=def; Path=/; HttpOnly; SameSite=Strict']);
    expect(res.headers.get('x-upstream')).toBe('auth');
    expect(await res.json()).toEqual({ method: 'GET', url: '/api/session', bytes: 0 });
    const missing = await fetch(`${fe.url}/api/missing`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ method: 'DELETE', url: '/api/missing' });
  });

  it('forwards other methods, and only /api (not /apix)', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
      const r = await fetch(`${fe.url}/api/me`, { method });
      expect(r.status, method).toBe(201);
      expect(upstream.seen.at(-1)!.method).toBe(method);
    }
    const n = upstream.seen.length;
    expect((await fetch(`${fe.url}/apix`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect(upstream.seen.length).toBe(n);
  });

  it('streams answers instead of buffering them', async () => {
    const res = await fetch(`${fe.url}/api/stream`);
    const reader = res.body!.getReader();
    const started = Date.now();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('first ');
    expect(Date.now() - started).toBeLessThan(150);
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += Buffer.from(r.value).toString();
    expect(rest).toBe('second');
  });

  it("passes on the client address a configured proxy names, and replaces what anyone else claims", async () => {
    // The test talks to the frontend over loopback, which TRUSTED_PROXIES' default trusts: as the Ingress would be.
    await fetch(`${fe.url}/api/session`, { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kv.example' } });
    // One address: the client as the trusted hop saw it, not a chain the auth service would have to walk.
    expect(upstream.seen.at(-1)!.headers).toMatchObject({ 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kv.example' });
    // A plant workstation on a private range, when only the cluster's pod network is trusted; and no proxy at all.
    for (const trusted of ['10.42.0.0/16', '']) {
      const direct = await startFrontend(upstream.url, { TRUSTED_PROXIES: trusted });
      try {
        await fetch(`${direct.url}/api/session`, { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kv.example', 'x-real-ip': '203.0.113.8', forwarded: 'for=203.0.113.9' } });
        const h = upstream.seen.at(-1)!.headers;
        expect(h, trusted).toMatchObject({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': new URL(direct.url).host });
        expect(h['x-real-ip']).toBeUndefined();
        expect(h.forwarded).toBeUndefined();
      } finally {
        await direct.server.close();
      }
    }
  });

  it('answers 504 in the shared error shape when the auth service does not answer in time', async () => {
    const started = Date.now();
    const res = await fetch(`${fe.url}/api/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ error: { code: 'auth_timeout', message: expect.any(String) } });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('waits for a slow answer (a face check) as long as AUTH_TIMEOUT_SECONDS allows, past the idle-connection limit', { timeout: 20_000 }, async () => {
    const patient = await startFrontend(upstream.url);
    try {
      await fetch(`${patient.url}/api/session`); // a connection to reuse
      const res = await fetch(`${patient.url}/api/late`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ late: true });
    } finally {
      await patient.server.close();
    }
  });

  it('answers 502 in the shared error shape at once when the auth service is down', async () => {
    const down = await startFrontend(`http://127.0.0.1:${await deadPort()}`);
    try {
      const started = Date.now();
      const res = await fetch(`${down.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@b.c"}' });
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(await res.json()).toEqual({ error: { code: 'auth_unavailable', message: expect.any(String) } });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await down.server.close();
    }
  });

  it('cuts the answer when the auth service dies in the middle of it', { timeout: 10_000 }, async () => {
    const dying = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    dying.listen(0, '127.0.0.1');
    await new Promise((r) => dying.once('listening', r));
    const fe2 = await startFrontend(`http://127.0.0.1:${(dying.address() as AddressInfo).port}`);
    try {
      const outcome = await new Promise<string>((resolve) => {
        const req = request(`${fe2.url}/api/session`, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve('complete'));
          res.on('error', () => resolve('cut'));
          res.on('aborted', () => resolve('cut'));
        });
        req.on('error', () => resolve('cut'));
        req.end();
      });
      expect(outcome).toBe('cut');
    } finally {
      await fe2.server.close();
      await new Promise((r) => dying.close(r));
    }
  });
});
