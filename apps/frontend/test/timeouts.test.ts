import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFrontend, stubUpstream } from './support/frontend.ts';

/** Opens a connection and resolves when the server ends it, with what it said. */
function held(url: string, write: (s: Socket) => void): Promise<{ answer: string; seconds: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const s = connect(Number(port), hostname, () => write(s));
    let answer = '';
    s.on('data', (d) => (answer += d.toString('latin1')));
    s.on('close', () => resolve({ answer, seconds: (Date.now() - started) / 1000 }));
    s.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
  });
}

/**
 * A slow or greedy client at a plant terminal: headers that never end, a body sent a byte
 * at a time, many connections at once. At 7644bc2 the dashboard held such a body 313 s and
 * bare headers 74 s. Here the client is not a trusted proxy (TRUSTED_PROXIES is empty).
 */
describe('what one client may hold of the dashboard', () => {
  let upstream: Awaited<ReturnType<typeof stubUpstream>>;
  let fe: Awaited<ReturnType<typeof startFrontend>>;
  beforeAll(async () => {
    upstream = await stubUpstream((_s, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    fe = await startFrontend(upstream.url, { TRUSTED_PROXIES: '', HTTP_HEADERS_TIMEOUT_SECONDS: '2', HTTP_REQUEST_TIMEOUT_SECONDS: '4', HTTP_CONNECTIONS_PER_CLIENT: '4' });
  });
  afterAll(async () => {
    await fe?.server.close();
    await upstream?.close();
  });

  it('headers that never end: 408 and closed after HTTP_HEADERS_TIMEOUT_SECONDS', { timeout: 60_000 }, async () => {
    const r = await held(fe.url, (s) => s.write('GET /login HTTP/1.1\r\nHost: kv\r\nX-Slow: '));
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(r.seconds).toBeGreaterThanOrEqual(1.5);
    expect(r.seconds, 'not the minute Node allows by default').toBeLessThan(20);
  });

  it('a body sent a byte at a time: 408 and closed after HTTP_REQUEST_TIMEOUT_SECONDS, nothing forwarded', { timeout: 60_000 }, async () => {
    const before = upstream.seen.length;
    let timer: NodeJS.Timeout | undefined;
    const r = await held(fe.url, (s) => {
      s.write('POST /api/login HTTP/1.1\r\nHost: kv\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{');
      timer = setInterval(() => s.writable && s.write(' '), 300);
    });
    clearInterval(timer);
    expect(r.seconds).toBeGreaterThanOrEqual(3);
    expect(r.seconds, 'not the five minutes Node allows by default').toBeLessThan(25);
    expect(upstream.seen.slice(before).filter((x) => x.body.length === 200)).toEqual([]);
  });

  it(`more connections than HTTP_CONNECTIONS_PER_CLIENT: the extra ones are closed at once, the others keep working`, { timeout: 60_000 }, async () => {
    const { hostname, port } = new URL(fe.url);
    const open = await Promise.all(Array.from({ length: 4 }, () => new Promise<Socket>((resolve) => { const s = connect(Number(port), hostname, () => resolve(s)); })));
    try {
      const extra = await held(fe.url, (s) => s.write('GET /login HTTP/1.1\r\nHost: kv\r\n\r\n'));
      expect(extra.answer, 'closed without an answer').toBe('');
      const first = open[0]!;
      const answer = await new Promise<string>((resolve) => {
        first.once('data', (d) => resolve(d.toString('latin1')));
        first.write('GET /login HTTP/1.1\r\nHost: kv\r\nAccept: text/html\r\n\r\n');
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      open.forEach((s) => s.destroy());
    }
    // Once they are closed (the server hears it a moment later), the client may connect again.
    await expect.poll(() => fetch(`${fe.url}/login`, { headers: { accept: 'text/html' } }).then((r) => r.status, () => 0)).toBe(200);
  });
});
