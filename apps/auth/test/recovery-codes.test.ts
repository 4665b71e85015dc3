import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, dropPgSchema, uniqueSchema } from '../../../test/support/postgres.ts';
import { PASSWORD, authStack } from './support.ts';

const FACES = path.resolve(import.meta.dirname, '../../../test/fixtures/faces');
const photo = (file: string) => readFileSync(path.join(FACES, file)).toString('base64');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const namespace = uniqueSchema('kv_auth_codes');
afterAll(() => dropPgSchema(namespace));

async function rows(sql: string, params: unknown[] = []): Promise<any[]> {
  const client = new pg.Client(TEST_PG_URL);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Recovery codes carry 80 random bits, below the 112 that NIST SP 800-63B-4 §3.1.2 lets a
 * plain hash protect: below that, look-up secrets are salted and hashed with a password
 * hashing scheme. Read straight from the database the service writes.
 */
describe('recovery codes at rest', () => {
  const stack = authStack({ face: true, env: { DATABASE_URL: TEST_PG_URL }, namespace });

  it('are stored salted and scrypt-hashed, not as SHA-256 of the code, and still work once each', { timeout: 120_000 }, async () => {
    const s = stack();
    const { b, id } = await s.user();
    const enrolled = await b.post('/api/me/face', { images: [photo('yale-1.jpg'), photo('yale-2.jpg')] });
    expect(enrolled.status).toBe(201);
    const codes = enrolled.body.recoveryCodes as string[];
    const stored = await rows(`SELECT id, doc FROM ${namespace}.auth_recovery_codes WHERE doc->>'userId' = $1`, [id]);
    expect(stored).toHaveLength(10);
    for (const r of stored) {
      expect(r.doc.hash).toMatch(/^scrypt\$ln=12,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
      expect(codes.map((c) => sha256(`${id}:${c}`))).not.toContain(r.id);
      for (const c of codes) expect(JSON.stringify(r)).not.toContain(c.replace(/-/g, ''));
    }
    expect(new Set(stored.map((r) => r.doc.hash.split('$')[2])).size, 'a salt per code').toBe(10);

    const email = (await b.get('/api/me')).body.user.email as string;
    await b.post('/api/logout');
    const login = async () => {
      const x = await s.browser();
      expect((await x.post('/api/login', { email, password: PASSWORD })).body.stage).toBe('face');
      return x;
    };
    const first = await login();
    expect((await first.post('/api/login/recovery', { code: codes[3]!.toLowerCase() })).status).toBe(200);
    const again = await login();
    expect((await again.post('/api/login/recovery', { code: codes[3] })).status, 'single use').toBe(401);
    expect((await again.post('/api/login/recovery', { code: codes[7] })).status).toBe(200);
    expect(await rows(`SELECT 1 FROM ${namespace}.auth_recovery_codes WHERE doc->>'userId' = $1`, [id])).toHaveLength(8);
  });

  it('a code issued before (stored as SHA-256 of user and code) still works, once', { timeout: 120_000 }, async () => {
    const s = stack();
    const { b, id, email } = await s.user();
    expect((await b.post('/api/me/face', { images: [photo('yale-1.jpg')] })).status).toBe(201);
    const legacy = 'ABCD-EFGH-JKMN-PQRS';
    await rows(`INSERT INTO ${namespace}.auth_recovery_codes (id, doc) VALUES ($1, $2)`, [sha256(`${id}:${legacy}`), { id: sha256(`${id}:${legacy}`), userId: id, createdAt: new Date().toISOString() }]);
    for (const expected of [200, 401]) {
      const x = await s.browser();
      await x.post('/api/login', { email, password: PASSWORD });
      expect((await x.post('/api/login/recovery', { code: legacy })).status).toBe(expected);
    }
  });
});
