import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, dropPgSchema, uniqueSchema } from '../../../test/support/postgres.ts';
import { tcpRelay } from '../../../test/support/tcp-relay.ts';
import { b64, face, faceService } from './support.ts';

const PG_URL = TEST_PG_URL;
const namespace = uniqueSchema('kv_face_fault');
const relay = tcpRelay(Number(new URL(PG_URL).port || 5432));
const port = await relay.listen();
const viaRelay = new URL(PG_URL);
viaRelay.port = String(port);
const svc = faceService({ FACE_LIVENESS: 'off', FACE_WORKERS: '1', DATABASE_URL: viaRelay.toString() }, namespace);

afterAll(async () => {
  await relay.cut();
  await dropPgSchema(namespace);
});

describe('the face service when its database goes away', () => {
  it('answers 503 with Retry-After while it is gone, says so in /readyz, and recovers by itself', async () => {
    const { call, url } = svc();
    expect((await call('POST', '/v1/subjects/f/templates', { images: [b64(face('yale-1.jpg'))] })).status).toBe(201);

    await relay.cut();
    const down = await call('POST', '/v1/subjects/f/verify', { images: [b64(face('yale-3.jpg'))] });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('database_unavailable');
    expect(down.headers.get('retry-after')).toBeTruthy();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { database: 'unavailable', models: 'ok' } });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await relay.listen(port);
    const back = await call('POST', '/v1/subjects/f/verify', { images: [b64(face('yale-3.jpg'))] });
    expect(back.status).toBe(200);
    expect(back.body.match).toBe(true);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
