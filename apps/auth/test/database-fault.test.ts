import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, dropPgSchema, uniqueSchema } from '../../../test/support/postgres.ts';
import { tcpRelay } from '../../../test/support/tcp-relay.ts';
import { createLogger } from '../../shared/log.ts';
import { loadAuthConfig } from '../src/config.ts';
import { createAuthServer } from '../src/server.ts';
import { Browser, PASSWORD, uniqueEmail } from './support.ts';

const namespace = uniqueSchema('kv_auth_fault');
const relay = tcpRelay(Number(new URL(TEST_PG_URL).port || 5432));
const port = await relay.listen();
const viaRelay = new URL(TEST_PG_URL);
viaRelay.port = String(port);

const auth = createAuthServer(
  loadAuthConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: viaRelay.toString(), FACE_SERVICE_URL: 'http://127.0.0.1:9', FACE_SERVICE_TOKEN: 't', AUTH_SCRYPT_LOG_N: '14', AUTH_REGISTRATIONS_PER_HOUR: '100000' }),
  { log: createLogger('auth-fault', 'silent'), namespace },
);
const { url } = await auth.start();

afterAll(async () => {
  await auth.close();
  await relay.cut();
  await dropPgSchema(namespace);
});

describe('the auth service when PostgreSQL goes away during requests', () => {
  it('answers 503 quickly while it is gone, recovers by itself, and loses no acknowledged account', async () => {
    const acknowledged: string[] = [];
    const outcomes: Record<string, number> = {};
    let slowest503 = 0;
    let running = true;

    // Four clients register and log in without pause, before, during and after the outage.
    const client = async (n: number) => {
      const b = await new Browser(url).open().catch(() => new Browser(url));
      while (running) {
        const email = uniqueEmail(`fault${n}`);
        const t = performance.now();
        let r;
        try {
          if (!b.csrf) await b.open();
          r = await b.post('/api/register', { email, name: 'F', password: PASSWORD });
        } catch (e) {
          outcomes[`network error: ${(e as Error).message}`] = (outcomes[`network error: ${(e as Error).message}`] ?? 0) + 1;
          continue;
        }
        const key = `${r.status} ${r.body?.error?.code ?? ''}`.trim();
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (r.status === 201) acknowledged.push(email);
        if (r.status === 503) slowest503 = Math.max(slowest503, performance.now() - t);
        if (r.status === 503) await new Promise((res) => setTimeout(res, 50));
        if (r.status === 201) await b.post('/api/logout');
      }
    };
    const clients = [0, 1, 2, 3].map(client);

    // Phases end on what happened, not on a clock: the machine may be busy with other tests.
    const until = async (what: string, done: () => boolean, minMs = 0) => {
      const start = Date.now();
      while (!done() || Date.now() - start < minMs) {
        if (Date.now() - start > 40_000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(outcomes)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until('registrations before the outage', () => acknowledged.length >= 4);
    const before = acknowledged.length;
    await relay.cut();
    await until('503s during the outage', () => (outcomes['503 database_unavailable'] ?? 0) >= 8, 1000);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not ready', checks: { database: 'unavailable' } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const during = acknowledged.length;
    await relay.listen(port);
    await until('registrations after the outage', () => acknowledged.length >= during + 4);
    running = false;
    await Promise.all(clients);

    expect(before).toBeGreaterThanOrEqual(4);
    expect(outcomes['503 database_unavailable'], JSON.stringify(outcomes)).toBeGreaterThan(0);
    const unexpected = Object.keys(outcomes).filter((k) => k !== '201' && k !== '503 database_unavailable');
    expect(unexpected, JSON.stringify(outcomes)).toEqual([]);
    expect(slowest503, 'a 503 comes at once, not after a hang').toBeLessThan(5000);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // Every account the service said it created is there and can log in.
    for (const email of acknowledged) {
      const r = await (await new Browser(url).open()).post('/api/login', { email, password: PASSWORD });
      expect(r.status, email).toBe(200);
    }
  }, 150_000);
});
