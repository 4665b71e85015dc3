import { describe, expect, it } from 'vitest';
import { loadHuman } from '../src/engine/human.ts';
import { loadFaceConfig } from '../src/config.ts';
import { createFaceServer } from '../src/server.ts';
import { createLogger } from '../../shared/log.ts';
import { b64, face, faceService, TOKEN } from './support.ts';

describe('overload', () => {
  const svc = faceService({ FACE_LIVENESS: 'off', FACE_WORKERS: '1', FACE_QUEUE_MAX: '2' });

  it('answers 503 with Retry-After when the queue is full, while health stays answered', async () => {
    const { call, url } = svc();
    await call('POST', '/v1/subjects/load/templates', { images: [b64(face('yale-1.jpg'))] });
    const body = { images: [b64(face('yale-2.jpg'))] };
    let burstDone = 0;
    const burst = Array.from({ length: 12 }, () => call('POST', '/v1/subjects/load/verify', body));
    void Promise.all(burst).then(() => (burstDone = performance.now()));
    // Asked while the burst is being analysed: health does not wait behind inference.
    const health = await fetch(`${url}/healthz`);
    const healthDone = performance.now();
    const results = await Promise.all(burst);
    await new Promise((r) => setImmediate(r));
    expect(health.status).toBe(200);
    expect(healthDone).toBeLessThan(burstDone);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/face_queue_wait_seconds_count\{service="face"\} [1-9]/);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
    const refused = results.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(refused[0]!.body.error.code).toBe('overloaded');
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
  });
});

describe('admission of a whole request', () => {
  const svc = faceService({ FACE_LIVENESS: 'off', FACE_WORKERS: '1', FACE_QUEUE_MAX: '2' });

  it('a request with more images than the worker and the queue can take is refused whole, at once; none of its images is analysed', async () => {
    const { call, url } = svc();
    const analysed = async () => Number(/^face_inference_seconds_count\{[^}]*\} (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);
    const before = await analysed();
    // One worker plus two places in the queue: three images fit, four never do.
    const four = await call('POST', '/v1/subjects/whole/templates', { images: Array(4).fill(b64(face('yale-1.jpg'))) });
    expect(four.status).toBe(503);
    expect(four.body.error.code).toBe('overloaded');
    expect(await analysed(), 'no image of it went to a worker').toBe(before);
    const three = await call('POST', '/v1/subjects/whole/templates', { images: Array(3).fill(b64(face('yale-1.jpg'))) });
    expect(three.status).toBe(201);
    expect(await analysed()).toBe(before + 3);
  });
});

describe('backends', () => {
  it('a native backend that is not installed fails start-up with a message saying what is missing', async () => {
    await expect(loadHuman('tensorflow-gpu')).rejects.toThrow(/FACE_BACKEND=tensorflow-gpu needs @tensorflow\/tfjs-node-gpu, which is not installed/);
    const server = createFaceServer(loadFaceConfig({ FACE_SERVICE_TOKEN: TOKEN, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'pglite:memory', FACE_WORKERS: '1', FACE_BACKEND: 'tensorflow' }), {
      log: createLogger('face-test', 'silent'),
    });
    await expect(server.start()).rejects.toThrow(/needs @tensorflow\/tfjs-node/);
    await server.close();
  });
});
