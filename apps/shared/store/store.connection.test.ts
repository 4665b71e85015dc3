/**
 * Opening a store: PGlite's data dir across a restart, unreachable servers, a PostgreSQL
 * server that goes away and comes back, and what openStore says about a bad URL. The
 * behavioural contract of every backend: store.contract.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPgSchema } from '../../../test/support/postgres.ts';
import { tcpRelay } from '../../../test/support/tcp-relay.ts';
import { DuplicateKeyError, StoreUnavailableError, describeStore, openStore } from './index.ts';
import { type Item, PG_HINT, PG_URL, type User, inSeconds, item, requireAnswer, uniqueNamespace } from './test/backends.ts';

describe('pglite persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kv-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps documents in its data dir across a close and reopen', async () => {
    const first = await openStore(undefined, { dataDir: dir });
    expect(first.kind).toBe('pglite');
    const users = await first.collection<User>({ name: 'users', indexes: [{ fields: ['email'], unique: true }] });
    await users.insert({ id: 'u1', email: 'ann@example.com', plant: 'p1', login: 'ann' });
    await first.close();

    const second = await openStore(`pglite://${dir}`);
    try {
      const again = await second.collection<User>({ name: 'users', indexes: [{ fields: ['email'], unique: true }] });
      expect(await again.get('u1')).toEqual({ id: 'u1', email: 'ann@example.com', plant: 'p1', login: 'ann' });
      await expect(again.insert({ id: 'u2', email: 'ann@example.com', plant: 'p1', login: 'b' })).rejects.toBeInstanceOf(DuplicateKeyError);
    } finally {
      await second.close();
    }
  });
});

describe('unreachable databases', () => {
  // Nothing listens on port 1, so the shared server keeps running for the other tests.
  for (const url of ['postgres://postgres@127.0.0.1:1/test', 'mongodb://127.0.0.1:1/test']) {
    it(`fails within 3 s with StoreUnavailableError: ${url}`, async () => {
      const store = await openStore(url, { namespace: uniqueNamespace() });
      try {
        for (const attempt of [() => store.ping(), () => store.collection({ name: 'items' })]) {
          const started = Date.now();
          await expect(attempt()).rejects.toBeInstanceOf(StoreUnavailableError);
          expect(Date.now() - started).toBeLessThan(3_000);
        }
      } finally {
        await store.close();
      }
    });
  }
});

describe('postgres server going away and coming back', () => {
  it('answers StoreUnavailableError while it is gone and recovers by itself', async () => {
    const probe = await openStore(PG_URL);
    await requireAnswer(probe, PG_URL, PG_HINT);
    await probe.close();
    const proxy = tcpRelay(Number(new URL(PG_URL).port || 5432));
    const port = await proxy.listen();
    const namespace = uniqueNamespace();
    const url = new URL(PG_URL);
    url.port = String(port);
    const store = await openStore(url.toString(), { namespace });
    try {
      const items = await store.collection<Item>({ name: 'items' });
      await items.insert(item('a', 1, true, inSeconds(0)));
      // Idle pooled connections die with the relay: their errors must not crash the process.
      await proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await expect(items.get('a')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);

      await proxy.listen(port);
      await store.ping();
      expect(await items.get('a')).toMatchObject({ n: 1 });
    } finally {
      await store.close();
      await proxy.cut();
      await dropPgSchema(namespace);
    }
  });
});

describe('openStore', () => {
  it('names the problem with an unsupported URL, without its password', async () => {
    await expect(openStore('mysql://root:hunter2@db/app')).rejects.toThrow(/unsupported database URL mysql:\/\/root:\*\*\*@db\/app/);
    await expect(openStore('pglite://relative/dir')).rejects.toThrow(/pglite:\/\/\/absolute\/dir/);
    await expect(openStore(undefined)).rejects.toThrow(/dataDir/);
  });

  it('redacts passwords for logs', () => {
    expect(describeStore('postgres://kv:s3cret@db:5432/kv')).toBe('postgres://kv:***@db:5432/kv');
    expect(describeStore('mongodb+srv://kv:p%40ss@cluster.example.com/kv?retryWrites=true')).toBe('mongodb+srv://kv:***@cluster.example.com/kv?retryWrites=true');
    expect(describeStore('mongodb://kv:pw@a:27017,b:27017/kv?replicaSet=rs0')).toBe('mongodb://kv:***@a:27017,b:27017/kv?replicaSet=rs0');
    expect(describeStore('postgres://db/kv?password=x&sslmode=require')).toBe('postgres://db/kv?password=***&sslmode=require');
    expect(describeStore('postgres://kv@db/kv')).toBe('postgres://kv@db/kv');
    expect(describeStore(undefined)).toBe('pglite (data dir)');
  });
});
