import { Worker } from 'node:worker_threads';
import type { Logger } from '../../../shared/log.ts';
import type { Detection } from '../engine/detect.ts';
import { ImageRejected } from '../engine/rejection.ts';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.ts';

/** The queue is full: the caller should answer 503 with Retry-After, not wait. */
export class QueueFullError extends Error {
  constructor(readonly depth: number) {
    super(`inference queue full (${depth} waiting)`);
    this.name = 'QueueFullError';
  }
}

export class InferenceFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InferenceFailedError';
  }
}

interface Job {
  id: number;
  image: Uint8Array;
  resolve: (d: Detection) => void;
  reject: (e: Error) => void;
  enqueued: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
}

export interface PoolOptions {
  size: number;
  /** Jobs allowed to wait for a worker; beyond that callers get QueueFullError. */
  queueMax: number;
  init: WorkerInit;
  log: Logger;
  onQueueChange?: (depth: number) => void;
  onWait?: (seconds: number) => void;
}

/**
 * Inference off the event loop: a fixed set of worker threads, each with its own
 * models, fed from one bounded queue. A worker that dies fails only its own job and is
 * replaced; health endpoints never wait behind inference.
 */
export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly waiting = new Map<number, { slot: Slot; answer: (tensors: number | null) => void }>();
  private nextId = 1;
  private closed = false;
  loadMs = 0;

  constructor(private readonly o: PoolOptions) {}

  /** Resolves when every worker has loaded its models. */
  async start(): Promise<void> {
    const started = performance.now();
    await Promise.all(Array.from({ length: this.o.size }, () => this.spawn()));
    this.loadMs = performance.now() - started;
  }

  get ready(): boolean {
    return this.slots.length > 0 && this.slots.some((s) => s.ready);
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  get busy(): number {
    return this.slots.filter((s) => s.job).length;
  }

  detect(image: Uint8Array): Promise<Detection> {
    if (this.closed) return Promise.reject(new InferenceFailedError('inference pool is closed'));
    const idle = this.slots.find((s) => s.ready && !s.job);
    if (!idle && this.queue.length >= this.o.queueMax) return Promise.reject(new QueueFullError(this.queue.length));
    return new Promise((resolve, reject) => {
      // A copy the worker can own: request bodies are slices of larger buffers.
      const job: Job = { id: this.nextId++, image: new Uint8Array(image), resolve, reject, enqueued: performance.now() };
      this.queue.push(job);
      this.o.onQueueChange?.(this.queue.length);
      this.dispatch();
    });
  }

  /**
   * All of one request's images, or none: under overload, admitting some frames of a
   * request and refusing the rest spends workers on an answer that cannot come, and the
   * goodput collapses. Refused together, at once, when the idle workers and the queue's
   * room cannot take them all.
   */
  detectAll(images: Uint8Array[]): Promise<Detection>[] {
    if (this.closed) return images.map(() => Promise.reject(new InferenceFailedError('inference pool is closed')));
    const idle = this.slots.filter((s) => s.ready && !s.job).length;
    const room = idle + Math.max(0, this.o.queueMax - this.queue.length);
    if (images.length > room) {
      const full = new QueueFullError(this.queue.length);
      return images.map(() => Promise.reject(full));
    }
    return images.map((img) => this.detect(img));
  }

  /**
   * Live tensors per worker, and the process RSS (workers are threads of this process).
   * Take it with nothing in flight: a count during a job includes that job's tensors.
   */
  async memory(): Promise<{ tensors: number[]; rss: number }> {
    const answers = await Promise.all(
      this.slots.filter((s) => s.ready).map(
        (slot) =>
          new Promise<number | null>((answer) => {
            const id = this.nextId++;
            this.waiting.set(id, { slot, answer });
            slot.worker.postMessage({ type: 'memory', id } satisfies ToWorker);
          }),
      ),
    );
    return { tensors: answers.filter((t): t is number => t !== null), rss: process.memoryUsage().rss };
  }

  /** Ends one busy (else any) worker abruptly, as a crash would: for the crash test. */
  async terminateWorkerForTest(): Promise<void> {
    const slot = this.slots.find((s) => s.job) ?? this.slots[0];
    await slot?.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new InferenceFailedError('inference pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      this.o.onQueueChange?.(this.queue.length);
      this.o.onWait?.((performance.now() - job.enqueued) / 1000);
      slot.job = job;
      slot.worker.postMessage({ type: 'detect', id: job.id, image: job.image } satisfies ToWorker, [job.image.buffer as ArrayBuffer]);
    }
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: this.o.init });
      const slot: Slot = { worker, ready: false, job: null };
      this.slots.push(slot);
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            slot.ready = true;
            this.o.log.info({ loadMs: Math.round(m.loadMs), backend: m.backend }, 'inference worker ready');
            resolve();
            this.dispatch();
            return;
          case 'fatal':
            reject(new Error(m.message));
            return;
          case 'memory':
            this.waiting.get(m.id)?.answer(m.tensors);
            this.waiting.delete(m.id);
            return;
          default: {
            const job = slot.job;
            slot.job = null;
            if (job && job.id === m.id) {
              if (m.type === 'done') job.resolve(m.detection);
              else if (m.type === 'rejected') job.reject(new ImageRejected(m.reason, m.message));
              else job.reject(new InferenceFailedError(m.message));
            }
            this.dispatch();
          }
        }
      });
      worker.on('error', (err) => {
        this.o.log.error({ err }, 'inference worker failed');
        if (!slot.ready) reject(err);
      });
      worker.on('exit', (code) => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        slot.job?.reject(new InferenceFailedError(`inference worker exited (code ${code}) while analysing the image`));
        for (const [id, w] of this.waiting) {
          if (w.slot !== slot) continue;
          w.answer(null);
          this.waiting.delete(id);
        }
        if (!this.closed && slot.ready) {
          this.o.log.warn({ code }, 'replacing inference worker');
          this.spawn().catch((err: unknown) => this.o.log.error({ err }, 'could not replace inference worker'));
        }
      });
    });
  }
}
