import { Writable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { baseApp, finishApp, handle } from '../http.ts';
import { createLogger } from '../log.ts';
import { createMetrics } from '../metrics.ts';
import { openStore } from '../store/open.ts';
import { InvalidTextError } from '../store/types.ts';
import { badText } from '../text.ts';
import { TEST_PG_URL, dropPgSchema, uniqueSchema } from '../../../test/support/postgres.ts';

const namespace = uniqueSchema('kv_text');
afterAll(() => dropPgSchema(namespace));

/** A logger writing to memory, as the services log (createLogger). */
function capturedLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('test', 'info', stream), lines };
}

const HASH = 'scrypt$17$8$1$c2FsdHNhbHQ$SECRETHASHVALUE';
const EMAIL = 'worker.one@plant.example';

describe('a database error in the log', () => {
  const db = new PGlite();
  afterAll(() => db.close());

  it("keeps the error's kind, message and code, never the query's parameters, the failing row or the detail", async () => {
    await db.query('CREATE TABLE users (id text PRIMARY KEY, doc jsonb)');
    // A real PGlite error for a row with a password hash: its params, `where` and `detail` all quote the row.
    const err = await db.query('INSERT INTO users VALUES ($1, $2::jsonb)', ['u1', JSON.stringify({ email: EMAIL, passwordHash: HASH, name: 'x\u0000' })]).catch((e: unknown) => e);
    expect(JSON.stringify(err)).toContain('SECRETHASHVALUE');

    const { log, lines } = capturedLog();
    const app = baseApp({ log, metrics: createMetrics('test'), readiness: {}, trustedProxies: [] });
    app.post('/boom', handle(async () => {
      throw new Error('registering failed', { cause: err });
    }));
    finishApp(app, log);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/boom`, { method: 'POST' });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
    } finally {
      server.close();
    }
    const failed = lines.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.msg === 'request failed');
    expect(failed?.err).toMatchObject({ type: 'Error', message: 'registering failed', cause: { type: 'error', code: '22P05', message: 'unsupported Unicode escape sequence' } });
    const all = lines.join('\n');
    for (const secret of ['SECRETHASHVALUE', EMAIL, 'passwordHash', 'INSERT INTO']) expect(all, secret).not.toContain(secret);
  });
});

describe('text no database stores as typed', () => {
  it('finds a NUL or an unpaired surrogate anywhere in a body, by its path, also in keys', () => {
    expect(badText({ email: 'a@b.c', name: 'Ann\u0000' })).toEqual({ field: 'name', problem: 'contains a NUL character' });
    expect(badText({ images: ['ok', 'x\uD800'] })).toEqual({ field: 'images[1]', problem: 'contains an unpaired surrogate (not valid Unicode)' });
    expect(badText({ a: { '\uDC00': 1 } })).toEqual({ field: 'a', problem: 'has a key that contains an unpaired surrogate (not valid Unicode)' });
    expect(badText({ name: 'Zoë 😀 中文', n: 1, ok: true, none: null })).toBeUndefined();
  });

  it.each(['pglite:memory', TEST_PG_URL])('the store refuses it with InvalidTextError (a client error), not a raw driver error: %s', async (url) => {
    const store = await openStore(url, { dataDir: '', namespace });
    try {
      const docs = await store.collection<{ id: string; name: string }>({ name: 'texts' });
      await expect(docs.insert({ id: 'a', name: 'x\u0000' })).rejects.toBeInstanceOf(InvalidTextError);
      await expect(docs.insert({ id: 'b', name: 'x\uD800' })).rejects.toBeInstanceOf(InvalidTextError);
      expect(await docs.get('a')).toBeNull();
    } finally {
      await store.close();
    }
  });
});
