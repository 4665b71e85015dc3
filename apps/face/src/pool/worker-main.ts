import { parentPort, workerData } from 'node:worker_threads';
import { decodeImage } from '../engine/decode.ts';
import { detectFaces } from '../engine/detect.ts';
import { loadHuman } from '../engine/human.ts';
import { ImageRejected } from '../engine/rejection.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

/** One inference worker: loads the models once, then decodes and detects, one job at a time. */
const init = workerData as WorkerInit;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

try {
  const started = performance.now();
  const human = await loadHuman(init.backend, init.model);
  // human.warmup() does nothing without tfjs-node: one real detection compiles the kernels.
  await detectFaces(human, { data: new Uint8Array(64 * 64 * 3), width: 64, height: 64, original: { width: 64, height: 64, format: 'raw' } });
  send({ type: 'ready', loadMs: performance.now() - started, backend: human.tf.getBackend() });

  port.on('message', async (m: ToWorker) => {
    if (m.type === 'memory') {
      // Answered between jobs only when the caller waits for an idle pool (see pool.memory).
      send({ type: 'memory', id: m.id, tensors: human.tf.memory().numTensors });
      return;
    }
    try {
      const img = await decodeImage(m.image, init.limits);
      const detection = await detectFaces(human, img);
      send({ type: 'done', id: m.id, detection });
    } catch (e) {
      if (e instanceof ImageRejected) send({ type: 'rejected', id: m.id, reason: e.reason, message: e.message });
      else send({ type: 'failed', id: m.id, message: (e as Error).message });
    }
  });
} catch (e) {
  send({ type: 'fatal', message: (e as Error).message });
}
