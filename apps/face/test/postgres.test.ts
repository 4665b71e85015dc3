import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { b64, face, faceService } from './support.ts';

const URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const namespace = `kv_face_${randomBytes(4).toString('hex')}`;
const svc = faceService({ FACE_LIVENESS: 'off', DATABASE_URL: URL, FACE_WORKERS: '1' }, namespace);

afterAll(async () => {
  const client = new pg.Client(URL);
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${namespace} CASCADE`);
  await client.end();
});

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
