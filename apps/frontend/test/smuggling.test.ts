import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, authStack } from '../../auth/test/support.ts';
import { startFrontend, stubUpstream } from './support/frontend.ts';

/** Writes raw bytes to the frontend and reads until the server closes or `until` matches. */
function raw(url: string, bytes: string, until: RegExp): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let got = '';
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (until.test(got)) socket.end();
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
/** What the attacker wants the auth service to run, with the address it chose. */
const smuggled = (() => {
  const body = '{"email":"victim@plant.example","password":"guess"}';
  return `POST /api/login HTTP/1.1\r\nHost: kv\r\nX-Forwarded-For: 6.6.6.6\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
})();

/**
 * Request smuggling through the gateway. http-proxy 1.18 (under http-proxy-middleware 3)
 * ran a `deleteLength` pass: for DELETE and OPTIONS without Content-Length it set
 * `Content-Length: 0` and removed Transfer-Encoding, yet piped the chunked body on
 * (lib/http-proxy/passes/web-incoming.js). The auth service then read that body as a
 * second request from its trusted peer. The stand-in records every request that reaches
 * it, parsed by Node's HTTP server as the auth service's is.
 */
describe('the /api gateway keeps every request one request', () => {
  let upstream: Awaited<ReturnType<typeof stubUpstream>>;
  let fe: Awaited<ReturnType<typeof startFrontend>>;
  beforeAll(async () => {
    upstream = await stubUpstream((s, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: s.method, url: s.url, bytes: s.body.length }));
    });
    fe = await startFrontend(upstream.url);
  });
  afterAll(async () => {
    await fe?.server.close();
    await upstream?.close();
  });

  it.each(['DELETE', 'OPTIONS'])('a chunked %s carrying a whole request: the auth service gets one request, with that text as its body', async (method) => {
    const before = upstream.seen.length;
    const bytes = `${method} /api/nothing HTTP/1.1\r\nHost: kv\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(smuggled)}0\r\n\r\n`;
    const answer = await raw(fe.url, bytes, /\r\n0\r\n\r\n$/);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    const reached = upstream.seen.slice(before);
    expect(reached.map((r) => `${r.method} ${r.url}`)).toEqual([`${method} /api/nothing`]);
    expect(reached[0]!.body.toString()).toBe(smuggled);
    expect(reached[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
    // A second request on the same connections still arrives as itself.
    await fetch(`${fe.url}/api/after`);
    expect(upstream.seen.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual([`${method} /api/nothing`, 'GET /api/after']);
  });

  it('a request without Content-Length or Transfer-Encoding has no body, whatever follows it on the connection', async () => {
    const before = upstream.seen.length;
    const answer = await raw(fe.url, `DELETE /api/first HTTP/1.1\r\nHost: kv\r\n\r\nGET /api/second HTTP/1.1\r\nHost: kv\r\nConnection: close\r\n\r\n`, /second[^}]*\}$/);
    expect(answer.match(/^HTTP\/1\.1 200/gm)).toHaveLength(2);
    // Two requests from the client, each forwarded as itself, with no body.
    expect(upstream.seen.slice(before).map((r) => `${r.method} ${r.url} ${r.body.length}`)).toEqual(['DELETE /api/first 0', 'GET /api/second 0']);
  });

  it('Content-Length together with Transfer-Encoding is refused before anything is forwarded', async () => {
    const before = upstream.seen.length;
    const answer = await raw(fe.url, `POST /api/login HTTP/1.1\r\nHost: kv\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(smuggled)}0\r\n\r\n`, /\r\n\r\n/);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(upstream.seen.length).toBe(before);
  });
});

describe('an answer the auth service gives before reading the whole body', () => {
  const stack = authStack();
  let fe: Awaited<ReturnType<typeof startFrontend>>;
  beforeAll(async () => {
    fe = await startFrontend(stack().url);
  });
  afterAll(() => fe?.server.close());

  // ingress-nginx asks its upstream to close after each request; the gateway must not turn that into a 502.
  it.each([
    ['a 413 for a body over the route limit', '/api/register', 413, 'payload_too_large'],
    ['a 401 before the body is parsed', '/api/login/face', 401, 'not_authenticated'],
  ])('%s reaches the client as the auth service gave it, also with Connection: close', { timeout: 30_000 }, async (_what, path, status, code) => {
    const b = await new Browser(fe.url).open();
    const big = { images: ['x'.repeat(12 << 20)] };
    for (let i = 0; i < 3; i++) {
      const res = await b.call('POST', path, big, { connection: 'close' });
      expect(res.status, `try ${i + 1}`).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
    // Refused by the CSRF check, also before reading.
    const forged = await fetch(`${fe.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify(big) });
    expect(forged.status).toBe(403);
    // The connection to the auth service is still good for the next request.
    expect((await fetch(`${fe.url}/api/me`)).status).toBe(401);
  });
});
