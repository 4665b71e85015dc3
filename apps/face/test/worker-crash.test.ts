import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { createLogger } from '../../shared/log.ts';
import { InferencePool, InferenceFailedError } from '../src/pool/pool.ts';

const yale = readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures/faces/yale-1.jpg'));

it('a worker that dies fails only its own image; the pool replaces it and goes on', async () => {
  const pool = new InferencePool({
    size: 1,
    queueMax: 4,
    init: { backend: 'wasm', model: 'faceres', limits: { maxPixels: 25e6, analysisSide: 640, minSide: 64 } },
    log: createLogger('test', 'silent'),
  });
  await pool.start();
  try {
    const inFlight = pool.detect(yale);
    // What a fatal error inside TensorFlow's wasm runtime does to a thread: it ends.
    await pool.terminateWorkerForTest();
    await expect(inFlight).rejects.toBeInstanceOf(InferenceFailedError);
    const after = await pool.detect(yale);
    expect(after.faces).toHaveLength(1);
  } finally {
    await pool.close();
  }
});
