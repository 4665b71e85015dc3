import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, dropPgSchema, uniqueSchema } from '../../../test/support/postgres.ts';
import { b64, face, faceService } from './support.ts';

const URL = TEST_PG_URL;
const namespace = uniqueSchema('kv_face');
const svc = faceService({ FACE_LIVENESS: 'off', DATABASE_URL: URL, FACE_WORKERS: '1' }, namespace);

afterAll(() => dropPgSchema(namespace));

describe('the face service on the PostgreSQL server', () => {
  it('stores templates there and verifies against them', async () => {
    const { call, url } = svc();
    expect((await (await fetch(`${url}/readyz`)).json()) as unknown).toMatchObject({ checks: { database: 'ok', models: 'ok' } });
    expect((await call('POST', '/v1/subjects/pg/templates', { images: [b64(face('yale-1.jpg'))] })).status).toBe(201);
    expect((await call('POST', '/v1/subjects/pg/verify', { images: [b64(face('yale-4.jpg'))] })).body.match).toBe(true);
    const client = new pg.Client(URL);
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${namespace}.face_templates`);
    await client.end();
    expect(rows[0].n).toBe(1);
  });
});
