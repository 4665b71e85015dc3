import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { createLogger } from '../../apps/shared/log.ts';
import { loadFaceConfig, thresholdOf, type FaceConfig } from '../../apps/face/src/config.ts';
import type { DetectedFace } from '../../apps/face/src/engine/detect.ts';
import { cosine } from '../../apps/face/src/engine/match.ts';
import { modelId } from '../../apps/face/src/engine/models.ts';
import { singleFace } from '../../apps/face/src/engine/quality.ts';
import { ImageRejected } from '../../apps/face/src/engine/rejection.ts';
import { createFaceServer, type FaceServer } from '../../apps/face/src/server.ts';
import type { BenchContext, Row } from './context.ts';
import { median, percentile } from './stats.ts';

const FACES = path.resolve(fileURLToPath(import.meta.url), '../../fixtures/faces');
const TOKEN = 'bench-service-token';

/** Request counts: the face part takes about 3 minutes on 2 idle cores (most of it the 1000-verify memory run). */
const RUNS = {
  /** start() of a 1-worker and a 2-worker server, alternating; the last pair serves the rest of the bench. */
  load: 3,
  warmup: 20,
  /** Measured verifications per concurrency level (workers=2). */
  perLevel: 100,
  /** Concurrency 4: workers=2 and workers=1 alternate in blocks, so both see the same machine. */
  scalingRounds: 4,
  scalingBlock: 30,
  /** Memory: blocks of verifications at concurrency 2, sampled after each block (nothing in flight). */
  memoryBlocks: 10,
  memoryBlock: 100,
  /** Rejected requests (no face, several faces) sent after this many memory blocks. */
  rejectAfterBlock: 5,
  rejected: 50,
  /** Highest-scoring impostor pairs re-checked through the HTTP API. */
  impostorHttpChecks: 10,
};
/** Side of the yale-3 crop on the 640x480 probe: the detector's face box is then ~185 px (checked below). */
const PROBE_FACE_SIDE = 180;

interface Manifest {
  file: string;
  person: string | null;
  kind: 'single' | 'multi' | 'none';
  faces: number;
}

const fixture = (file: string): Buffer => readFileSync(path.join(FACES, file));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const imagesBody = (...images: Buffer[]) => JSON.stringify({ images: images.map((b) => b.toString('base64')) });

/** The face service over HTTP, as a client sees it (fetch keeps connections alive). */
class Client {
  constructor(readonly url: string) {}

  async post(p: string, body: string): Promise<{ status: number; body: any }> {
    const res = await fetch(this.url + p, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async enroll(subject: string, body: string, expected: number): Promise<any> {
    const r = await this.post(`/v1/subjects/${subject}/templates`, body);
    if (r.status !== 201 || r.body.templates?.length !== expected) throw new Error(`enroll ${subject}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** One verification that must succeed and match (the bench probe is the enrolled person). */
  async verifyMatch(subject: string, body: string): Promise<any> {
    const r = await this.post(`/v1/subjects/${subject}/verify`, body);
    if (r.status !== 200 || r.body.match !== true) throw new Error(`verify ${subject}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

interface Running {
  workers: number;
  server: FaceServer;
  client: Client;
}

function faceConfig(workers: number): FaceConfig {
  return loadFaceConfig({
    FACE_SERVICE_TOKEN: TOKEN,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: 'pglite:memory',
    FACE_WORKERS: String(workers),
    FACE_QUEUE_MAX: '10000',
    FACE_LIVENESS: 'off',
  });
}

/** Closed loop: `conc` clients, each sending the next request when its previous one answered. */
async function closedLoop(n: number, conc: number, send: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; done: number[]; wallMs: number }> {
  let next = 0;
  const latencies: number[] = [];
  const done: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(conc, n) }, async () => {
      for (let i = next++; i < n; i = next++) {
        const a = performance.now();
        await send(i);
        const b = performance.now();
        latencies.push(b - a);
        done.push(b);
      }
    }),
  );
  return { latencies, done, wallMs: performance.now() - t0 };
}

/**
 * Verifications per second while every client is busy: completions from the first to the
 * (n - conc + 1)-th, so the ramp-up and the drain at the end of a block (when fewer
 * requests than workers are left) do not count against more workers.
 */
function steadyRate(done: number[], conc: number): number {
  const t = [...done].sort((a, b) => a - b);
  const last = t.length - conc;
  if (last < 1) return (t.length / (t.at(-1)! - t[0]!)) * 1000;
  return (last / (t[last]! - t[0]!)) * 1000;
}

/** CPU use of this process (all threads), of its main thread and of the whole machine, between two marks. */
interface CpuMark {
  t: number;
  proc: NodeJS.CpuUsage;
  mainTicks: number | null;
  machine: number[] | null;
}

function mainThreadTicks(): number | null {
  try {
    const s = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

function machineTicks(): number[] | null {
  try {
    return readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return null;
  }
}

/** CPU ticks (10 ms) of every thread of this process, by thread id; null off Linux. */
function threadTicks(): Map<string, number> | null {
  try {
    const out = new Map<string, number>();
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const s = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
        out.set(tid, Number(f[11]) + Number(f[12]));
      } catch {
        // the thread ended meanwhile
      }
    }
    return out;
  } catch {
    return null;
  }
}

/** Adds the per-thread CPU ticks spent since `before` into `into`. */
function addThreadTicks(into: Map<string, number>, before: Map<string, number> | null): void {
  const now = threadTicks();
  if (!now || !before) return;
  for (const [tid, t] of now) into.set(tid, (into.get(tid) ?? 0) + t - (before.get(tid) ?? 0));
}

/**
 * Per-verification CPU by thread: the `workers` busiest threads besides the main one are the
 * inference workers (each ~100+ ms a verification; no other thread comes close).
 */
function threadSplit(ticks: Map<string, number>, workers: number, verifications: number): string {
  if (ticks.size === 0) return 'per-thread CPU unavailable (no /proc)';
  const main = String(process.pid);
  const others = [...ticks].filter(([tid]) => tid !== main).map(([, t]) => t).sort((a, b) => b - a);
  const inference = others.slice(0, workers).reduce((a, b) => a + b, 0);
  const rest = others.slice(workers).reduce((a, b) => a + b, 0);
  const ms = (t: number) => ((t * 10) / verifications).toFixed(0);
  const total = inference + rest + (ticks.get(main) ?? 0);
  return (
    `inference thread${workers > 1 ? 's' : ''} ${ms(inference)} ms, main thread ${ms(ticks.get(main) ?? 0)} ms (HTTP, JSON, PGlite, this bench's client), ` +
    `other threads ${ms(rest)} ms (V8 background GC/compiler threads, libuv pool and libvips decoding the JPEG) a verification: ` +
    `${total > 0 ? ((1 - inference / total) * 100).toFixed(0) : '?'}% of the work runs beside the inference thread${workers > 1 ? 's' : ''}`
  );
}

const cpuMark = (): CpuMark => ({ t: performance.now(), proc: process.cpuUsage(), mainTicks: mainThreadTicks(), machine: machineTicks() });

interface CpuUse {
  /** Cores busy on average: this process, its main thread, the whole machine (null off Linux). */
  proc: number;
  main: number | null;
  machine: number | null;
  /** CPU milliseconds of this process and of its main thread. */
  procMs: number;
  mainMs: number | null;
}

function cpuSince(m: CpuMark): CpuUse {
  const wall = performance.now() - m.t;
  const p = process.cpuUsage(m.proc);
  const procMs = (p.user + p.system) / 1000;
  const ticks = mainThreadTicks();
  // USER_HZ is 100 on Linux: one tick is 10 ms.
  const mainMs = ticks !== null && m.mainTicks !== null ? (ticks - m.mainTicks) * 10 : null;
  let machine: number | null = null;
  const now = machineTicks();
  if (now && m.machine) {
    const d = now.map((v, i) => v - (m.machine![i] ?? 0));
    const total = d.reduce((a, b) => a + b, 0);
    const idle = (d[3] ?? 0) + (d[4] ?? 0);
    machine = total > 0 ? ((total - idle) / total) * availableParallelism() : null;
  }
  return { proc: procMs / wall, main: mainMs === null ? null : mainMs / wall, machine, procMs, mainMs };
}

/**
 * What the machine gives two threads: the same plain float loop (no shared data, no I/O) on
 * one thread alone, then on two threads at once. On two full cores both take as long as one
 * alone; where the two vCPUs share a physical core (or the host is busy) they do not.
 */
const CPU_LOOP = `const { parentPort } = require('node:worker_threads');
const a = new Float32Array(1 << 16).map((_, i) => i % 13), b = new Float32Array(1 << 16).map((_, i) => i % 7);
const t = performance.now(); let s = 0;
for (let r = 0; r < 1200; r++) for (let i = 0; i < a.length; i++) s += a[i] * b[i];
parentPort.postMessage([performance.now() - t, s]);`;

const cpuLoop = (threads: number): Promise<number[]> =>
  Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(CPU_LOOP, { eval: true });
          w.once('message', (m: [number, number]) => {
            resolve(m[0]);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );

const fmtCpu = (c: CpuUse, verifications: number) =>
  `this process ${c.proc.toFixed(2)} cores (main thread ${c.main === null ? '?' : c.main.toFixed(2)}), ` +
  `whole machine ${c.machine === null ? '?' : c.machine.toFixed(2)} of ${availableParallelism()} ` +
  `(others ${c.machine === null ? '?' : Math.max(0, c.machine - c.proc).toFixed(2)}); ` +
  `CPU per verification ${(c.procMs / verifications).toFixed(0)} ms (main thread ${c.mainMs === null ? '?' : (c.mainMs / verifications).toFixed(0)} ms)`;

/** The face service under load over HTTP, and its accuracy on the fixtures. */
export async function benchFace(ctx: BenchContext): Promise<Row[]> {
  const log = createLogger('bench', 'silent');
  const rows: Row[] = [];
  const threshold = thresholdOf(faceConfig(1));
  const manifest = JSON.parse(readFileSync(path.join(FACES, 'manifest.json'), 'utf8')) as Manifest[];

  // --- Inputs: the probe (a 640x480 camera-like frame) and five frontal enrollment captures of the same person. ---
  const yale3 = await sharp(fixture('yale-3.jpg')).resize(PROBE_FACE_SIDE, PROBE_FACE_SIDE, { kernel: 'lanczos3' }).toBuffer();
  const probe = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: yale3, left: (640 - PROBE_FACE_SIDE) / 2, top: (480 - PROBE_FACE_SIDE) / 2 }])
    .jpeg({ quality: 90 })
    .toBuffer();
  const probeBody = imagesBody(probe);
  const enrollBody = imagesBody(
    fixture('yale-1.jpg'),
    fixture('yale-2.jpg'),
    fixture('yale-4.jpg'),
    await sharp(fixture('yale-2.jpg')).flop().jpeg({ quality: 90 }).toBuffer(),
    await sharp(fixture('yale-1.jpg')).modulate({ brightness: 1.2 }).jpeg({ quality: 90 }).toBuffer(),
  );
  const rejectBodies = ['no-face.jpg', 'multi-three-men.jpg', 'multi-group-5.jpg'].map((f) => ({
    file: f,
    body: imagesBody(fixture(f)),
    reason: f === 'no-face.jpg' ? 'no_face' : 'multiple_faces',
  }));

  // --- 1. Model load: start() = listen + every worker loaded and warmed (one detection each). ---
  const loads: Record<number, { start: number[]; loadMs: number[] }> = { 1: { start: [], loadMs: [] }, 2: { start: [], loadMs: [] } };
  const rssBefore = process.memoryUsage().rss;
  let w1: Running | undefined;
  let w2: Running | undefined;
  const open: FaceServer[] = [];
  try {
    for (let r = 0; r < RUNS.load; r++) {
      const last = r === RUNS.load - 1;
      for (const workers of r % 2 ? [2, 1] : [1, 2]) {
        const server = createFaceServer(faceConfig(workers), { log });
        open.push(server);
        const t0 = performance.now();
        const { url } = await server.start();
        loads[workers]!.start.push(performance.now() - t0);
        loads[workers]!.loadMs.push(server.pool.loadMs);
        if (last) {
          const running = { workers, server, client: new Client(url) };
          if (workers === 1) w1 = running;
          else w2 = running;
        } else {
          await server.close();
          open.splice(open.indexOf(server), 1);
        }
      }
      ctx.log(`start(): workers=1 ${loads[1]!.start.at(-1)!.toFixed(0)} ms, workers=2 ${loads[2]!.start.at(-1)!.toFixed(0)} ms`);
    }
    if (!w1 || !w2) throw new Error('face bench: servers not started');
    const rssStarted = process.memoryUsage().rss;
    for (const w of [1, 2]) {
      rows.push({
        what: `start(): listen + load + warm models (N = workers)`,
        n: w,
        samples: loads[w]!.start,
        target: '-',
      });
    }
    ctx.note(
      `face: start() times in ms, workers=1: ${loads[1]!.start.map((x) => x.toFixed(0)).join(', ')} (pool.loadMs ${loads[1]!.loadMs.map((x) => x.toFixed(0)).join(', ')}); ` +
        `workers=2: ${loads[2]!.start.map((x) => x.toFixed(0)).join(', ')} (pool.loadMs ${loads[2]!.loadMs.map((x) => x.toFixed(0)).join(', ')}); ` +
        `1- and 2-worker starts alternate, the first is the process's first load (cold caches). The database (pglite:memory) opens lazily on the first request, outside start().`,
    );

    // --- Setup: the same subject on both servers (5 templates), the probe checked. ---
    for (const s of [w1, w2]) await s.client.enroll('bench-yale', enrollBody, 5);
    const first = await w2.client.verifyMatch('bench-yale', probeBody);
    await w1.client.verifyMatch('bench-yale', probeBody);
    const q = first.quality as { facePx: number; detectionScore: number; yawDeg: number; width: number; height: number };
    ctx.note(
      `face: probe = yale-3.jpg resized to ${PROBE_FACE_SIDE} px on a grey 640x480 canvas, JPEG q90, ${probe.length} bytes (${probeBodyKiB(probeBody)} KiB JSON); ` +
        `the service reports ${q.width}x${q.height}, face ${q.facePx} px (the detector's box, forehead to chin; the manifest's tight face box of yale-3 would be ~${Math.round(PROBE_FACE_SIDE * 0.55)} px), detection ${q.detectionScore}, yaw ${q.yawDeg}°; ` +
        `verify = HTTP 200, match, score ${first.score} against 5 templates (yale-1, yale-2, yale-4, yale-2 flipped, yale-1 brightness +20%). ` +
        `Every timed verify is checked for HTTP 200 and match=true.`,
    );

    for (const s of [w2, w1]) await closedLoop(RUNS.warmup, 4, () => s.client.verifyMatch('bench-yale', probeBody));
    ctx.log(`warm-up: ${RUNS.warmup} verifications on each server`);

    // --- 2. Latency at concurrency 1 and 2 (workers=2). ---
    const verify2 = () => w2!.client.verifyMatch('bench-yale', probeBody);
    const levelNotes: string[] = [];
    for (const conc of [1, 2]) {
      const mark = cpuMark();
      const r = await closedLoop(RUNS.perLevel, conc, verify2);
      const cpu = cpuSince(mark);
      const rate = steadyRate(r.done, conc);
      rows.push({ what: `verify latency, workers=2, ${rate.toFixed(1)} verif/s (N = concurrency)`, n: conc, samples: r.latencies, target: '-' });
      levelNotes.push(`conc ${conc}: ${rate.toFixed(2)} verif/s (${((RUNS.perLevel / r.wallMs) * 1000).toFixed(2)} incl. ramp/drain); CPU: ${fmtCpu(cpu, RUNS.perLevel)}`);
      ctx.log(`workers=2 conc ${conc}: p50 ${median(r.latencies).toFixed(0)} ms, ${rate.toFixed(1)} verif/s`);
    }

    // --- 2 + 3. Concurrency 4: workers=2 and workers=1 in alternating blocks (scaling). ---
    const blocks: Record<number, { rates: number[]; latencies: number[]; cpu: CpuUse[]; threads: Map<string, number> }> = {
      1: { rates: [], latencies: [], cpu: [], threads: new Map() },
      2: { rates: [], latencies: [], cpu: [], threads: new Map() },
    };
    const probeOne: number[] = [];
    const probeTwo: number[] = [];
    for (let r = 0; r < RUNS.scalingRounds; r++) {
      probeOne.push((await cpuLoop(1))[0]!);
      probeTwo.push(Math.max(...(await cpuLoop(2))));
      for (const s of r % 2 ? [w1, w2] : [w2, w1]) {
        const mark = cpuMark();
        const threads = threadTicks();
        const res = await closedLoop(RUNS.scalingBlock, 4, () => s.client.verifyMatch('bench-yale', probeBody));
        addThreadTicks(blocks[s.workers]!.threads, threads);
        blocks[s.workers]!.cpu.push(cpuSince(mark));
        blocks[s.workers]!.rates.push(steadyRate(res.done, 4));
        blocks[s.workers]!.latencies.push(...res.latencies);
      }
    }
    const rateOf = (w: number) => 1000 / median(blocks[w]!.rates.map((x) => 1000 / x));
    const msPer = (w: number) => blocks[w]!.rates.map((x) => 1000 / x);
    rows.push({ what: `verify latency, workers=2, ${rateOf(2).toFixed(1)} verif/s (N = concurrency)`, n: 4, samples: blocks[2]!.latencies, target: '-' });
    rows.push({ what: `verify latency, workers=1, ${rateOf(1).toFixed(1)} verif/s (N = concurrency)`, n: 4, samples: blocks[1]!.latencies, target: '-' });
    rows.push({ what: 'ms per verification (1 / throughput), workers=2 (N = concurrency)', n: 4, samples: msPer(2) });
    rows.push({
      what: 'ms per verification (1 / throughput), workers=1 (N = concurrency)',
      n: 4,
      samples: msPer(1),
      floorMedian: median(msPer(2)),
      ratioNote: 'workers=1 ms per verification / workers=2 ms per verification = throughput of 2 workers / throughput of 1 (same probe, concurrency 4, blocks alternating)',
      target: '>= 1.8x',
    });
    const sumCpu = (w: number): CpuUse => {
      const cs = blocks[w]!.cpu;
      const avg = (f: (c: CpuUse) => number | null) => (cs.some((c) => f(c) === null) ? null : cs.reduce((a, c) => a + f(c)!, 0) / cs.length);
      return {
        proc: avg((c) => c.proc)!,
        main: avg((c) => c.main),
        machine: avg((c) => c.machine),
        procMs: cs.reduce((a, c) => a + c.procMs, 0),
        mainMs: cs.some((c) => c.mainMs === null) ? null : cs.reduce((a, c) => a + c.mainMs!, 0),
      };
    };
    const machineRatios = probeOne.map((one, i) => (2 * one) / probeTwo[i]!);
    rows.push({ what: 'machine probe: float loop, 1 thread alone', n: 1, samples: probeOne });
    rows.push({
      what: 'machine probe: same loop on 2 threads at once (slower thread)',
      n: 2,
      samples: probeTwo,
      floorMedian: median(probeOne),
      ratioNote: 'time on 2 threads at once / time alone: 1.00x on two full cores; 2 / this ratio = the most 2 threads of plain compute can give here',
      target: '1.00x (2 full cores)',
    });
    const cpu1 = sumCpu(1);
    const cpu2 = sumCpu(2);
    const n4 = RUNS.scalingRounds * RUNS.scalingBlock;
    levelNotes.push(`conc 4: ${rateOf(2).toFixed(2)} verif/s; CPU: ${fmtCpu(cpu2, n4)}`);
    ctx.note(`face: verify at workers=2 (${RUNS.warmup} warm-up, then ${RUNS.perLevel} per level; verif/s while all clients are busy): ${levelNotes.join('; ')}.`);
    const speedup = rateOf(2) / rateOf(1);
    const ceiling = availableParallelism() / cpu1.proc;
    ctx.note(
      `face: scaling at concurrency 4, ${RUNS.scalingRounds} alternating blocks of ${RUNS.scalingBlock}: workers=1 ${rateOf(1).toFixed(2)} verif/s ` +
        `(per block ${blocks[1]!.rates.map((x) => x.toFixed(2)).join(', ')}), workers=2 ${rateOf(2).toFixed(2)} verif/s (per block ${blocks[2]!.rates.map((x) => x.toFixed(2)).join(', ')}): ` +
        `${speedup.toFixed(2)}x (target >= 1.8x). CPU at workers=1: ${fmtCpu(cpu1, n4)}; by thread: ${threadSplit(blocks[1]!.threads, 1, n4)}. ` +
        `At workers=2: ${threadSplit(blocks[2]!.threads, 2, n4)}. ` +
        `One worker's verifications already keep ${cpu1.proc.toFixed(2)} cores busy (the work beside the inference thread), ` +
        `so on ${availableParallelism()} cores the CPU-bound ceiling of the speedup is about ${availableParallelism()} / ${cpu1.proc.toFixed(2)} = ${ceiling.toFixed(2)}x, ` +
        `and lower where the machine does not run two threads at full speed: the machine probe (run before each round) gave 2 threads ${machineRatios.map((x) => x.toFixed(2)).join(', ')}x ` +
        `the throughput of 1 (median ${median(machineRatios).toFixed(2)}x); CPU per verification for the same work: ${(cpu1.procMs / n4).toFixed(0)} ms at workers=1, ${(cpu2.procMs / n4).toFixed(0)} ms at workers=2 (more at workers=2 = the two threads slow each other down). ` +
        `"others" > 0 means other processes in this machine took CPU during the run.`,
    );
    await w1.server.close();
    open.splice(open.indexOf(w1.server), 1);
    ctx.log(`scaling: workers=1 ${rateOf(1).toFixed(1)}, workers=2 ${rateOf(2).toFixed(1)} verif/s (${speedup.toFixed(2)}x)`);

    // --- 4. Memory: 1000 verifications at concurrency 2 (workers=2), 50 rejected requests in between. ---
    const samples: { label: string; rss: number; poolRss: number; tensors: number[]; heap: number }[] = [];
    const sample = async (label: string) => {
      const m = await w2!.server.pool.memory();
      samples.push({ label, rss: process.memoryUsage().rss, poolRss: m.rss, tensors: m.tensors, heap: process.memoryUsage().heapUsed });
    };
    await sample('start');
    const memMark = cpuMark();
    let rejectedSeen = 0;
    for (let b = 1; b <= RUNS.memoryBlocks; b++) {
      await closedLoop(RUNS.memoryBlock, 2, verify2);
      await sample(String(b * RUNS.memoryBlock));
      if (b === RUNS.rejectAfterBlock) {
        await closedLoop(RUNS.rejected, 2, async (i) => {
          const rej = rejectBodies[i % rejectBodies.length]!;
          const r = await w2!.client.post('/v1/subjects/bench-yale/verify', rej.body);
          if (r.status !== 422 || r.body.error?.reason !== rej.reason) throw new Error(`${rej.file}: expected 422 ${rej.reason}, got ${r.status} ${JSON.stringify(r.body)}`);
          rejectedSeen++;
        });
        await sample(`${b * RUNS.memoryBlock}+${RUNS.rejected}rej`);
      }
      ctx.log(`memory: ${b * RUNS.memoryBlock} verifications, RSS ${mib(samples.at(-1)!.rss)}, tensors ${samples.at(-1)!.tensors.join('/')}`);
    }
    const memCpu = cpuSince(memMark);
    const at = (label: string) => samples.find((s) => s.label === label)!;
    const s100 = at(String(RUNS.memoryBlock));
    const sEnd = at(String(RUNS.memoryBlocks * RUNS.memoryBlock));
    const rssChange = sEnd.rss / s100.rss - 1;
    const tensorsGrew = sEnd.tensors.some((t, i) => t !== s100.tensors[i]) || samples.some((s) => s.tensors.some((t, i) => t !== samples[0]!.tensors[i]));
    ctx.note(
      `face memory (workers=2, concurrency 2, ${RUNS.memoryBlocks * RUNS.memoryBlock} verifications + ${rejectedSeen} rejected [no_face, multiple_faces] after request ${RUNS.rejectAfterBlock * RUNS.memoryBlock}; ` +
        `sampled with nothing in flight): RSS at 100: ${mib(s100.rss)}, at ${RUNS.memoryBlocks * RUNS.memoryBlock}: ${mib(sEnd.rss)}, change ${rssChange >= 0 ? '+' : ''}${pct(rssChange)} (target within ±10%). ` +
        `RSS is the whole bench process (the workers are its threads; pool.memory().rss is the same number: ${mib(s100.poolRss)} / ${mib(sEnd.poolRss)}); ` +
        `before loading models ${mib(rssBefore)}, after start() of the 1+2-worker servers ${mib(rssStarted)}.`,
    );
    ctx.note(`face memory series (after N verifications; "start" = after the latency runs, just after closing the 1-worker server: RSS MiB, live tensors per worker, main-thread heap MiB): ${samples.map((s) => `${s.label}: ${(s.rss / 2 ** 20).toFixed(0)}, [${s.tensors.join(',')}], ${(s.heap / 2 ** 20).toFixed(0)}`).join('; ')}.`);
    ctx.note(`face memory: live tensors ${tensorsGrew ? 'CHANGED' : 'did not change'} (target: no growth): ${samples[0]!.tensors.join('/')} at the start, ${sEnd.tensors.join('/')} at the end. Throughput meanwhile: ${((RUNS.memoryBlocks * RUNS.memoryBlock + rejectedSeen) / (performance.now() - memMark.t) * 1000).toFixed(2)} requests/s; CPU: ${fmtCpu(memCpu, RUNS.memoryBlocks * RUNS.memoryBlock + rejectedSeen)}.`);

    // --- 5. Accuracy on the fixtures. ---
    await accuracy(ctx, w2, manifest, threshold);
  } finally {
    for (const s of open) await s.close().catch(() => undefined);
  }
  ctx.note(
    `face engine: ${modelId(faceConfig(1).model)} on tfjs wasm (SIMD, one thread per worker), sharp ${sharp.versions.sharp} / libvips ${sharp.versions.vips}, libvips concurrency ${sharp.concurrency()}, ` +
      `UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 'unset (4)'}, ${cpus().length} CPUs; FACE_QUEUE_MAX 10000, FACE_LIVENESS off, pglite:memory store; client = fetch in the bench process (keep-alive).`,
  );
  return rows;
}

const probeBodyKiB = (body: string) => (Buffer.byteLength(body) / 1024).toFixed(1);

interface Embedded {
  file: string;
  person: string;
  /** The face when it passes the service's quality gates. */
  face: DetectedFace | null;
  rejected: string | null;
  /** The embedding of the only face, gates or not (for comparison with measurements.md). */
  raw: Float32Array | null;
}

/**
 * Genuine pairs through the HTTP API (enroll one capture, verify the other); impostor pairs
 * from embeddings made once by the service's own inference pool (decodeImage + detectFaces
 * in its worker threads), the service's quality gates applied, scored with match.ts cosine
 * rounded as the service rounds; the highest impostor pairs are re-checked over HTTP.
 */
async function accuracy(ctx: BenchContext, s: Running, manifest: Manifest[], threshold: number): Promise<void> {
  const singles = manifest.filter((e): e is Manifest & { person: string } => e.kind === 'single' && e.person !== null);
  // The service's gates (FaceService.gates), from the same configuration.
  const c = faceConfig(1);
  const gates = { minFacePx: c.minFacePx, minDetectionScore: c.minDetectionScore, maxYawDeg: c.maxYawDeg, maxPitchDeg: c.maxPitchDeg, maxRollDeg: c.maxRollDeg };
  const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

  const t0 = performance.now();
  const embedded: Embedded[] = [];
  await closedLoop(singles.length, 4, async (i) => {
    const e = singles[i]!;
    const det = await s.server.pool.detect(fixture(e.file));
    const raw = det.faces.length === 1 && det.faces[0]!.embedding.length ? det.faces[0]!.embedding : null;
    try {
      embedded[i] = { file: e.file, person: e.person, face: singleFace(det, gates, true).face, rejected: null, raw };
    } catch (err) {
      if (!(err instanceof ImageRejected)) throw err;
      embedded[i] = { file: e.file, person: e.person, face: null, rejected: `${err.reason}: ${err.message}`, raw };
    }
  });
  const usable = embedded.filter((e): e is Embedded & { face: DetectedFace } => e.face !== null);
  const embedMs = performance.now() - t0;

  // Genuine: persons with several captures, every pair once, through the API.
  const byPerson = new Map<string, Manifest[]>();
  for (const e of singles) byPerson.set(e.person, [...(byPerson.get(e.person) ?? []), e]);
  const genuine: { a: string; b: string; score: number; match: boolean; local: number | null }[] = [];
  const genuineFailures: string[] = [];
  const embOf = new Map(usable.map((e) => [e.file, e.face.embedding]));
  for (const [person, caps] of byPerson) {
    if (caps.length < 2) continue;
    for (let i = 0; i < caps.length - 1; i++) {
      const subject = `acc-${caps[i]!.file.replace(/\.jpg$/, '')}`;
      const enrolled = await s.client.post(`/v1/subjects/${subject}/templates`, imagesBody(fixture(caps[i]!.file)));
      if (enrolled.status !== 201) {
        genuineFailures.push(`${caps[i]!.file} not enrolled (${enrolled.status} ${enrolled.body?.error?.reason ?? ''})`);
        continue;
      }
      for (const other of caps.slice(i + 1)) {
        const r = await s.client.post(`/v1/subjects/${subject}/verify`, imagesBody(fixture(other.file)));
        if (r.status !== 200) {
          genuineFailures.push(`${person}: ${other.file} against ${caps[i]!.file}: HTTP ${r.status} ${r.body?.error?.reason ?? ''}`);
          continue;
        }
        const ea = embOf.get(caps[i]!.file);
        const eb = embOf.get(other.file);
        genuine.push({ a: caps[i]!.file, b: other.file, score: r.body.score, match: r.body.match, local: ea && eb ? round4(cosine(ea, eb)) : null });
      }
    }
  }

  // Impostor: every unordered pair of usable fixtures of different persons (cosine is symmetric).
  const impostor: { a: string; b: string; score: number }[] = [];
  for (let i = 0; i < usable.length; i++) {
    for (let j = i + 1; j < usable.length; j++) {
      if (usable[i]!.person === usable[j]!.person) continue;
      impostor.push({ a: usable[i]!.file, b: usable[j]!.file, score: round4(cosine(usable[i]!.face.embedding, usable[j]!.face.embedding)) });
    }
  }
  impostor.sort((x, y) => y.score - x.score);
  // The same without the quality gates: every single-face fixture, as measurements.md counts them.
  const all = embedded.filter((e): e is Embedded & { raw: Float32Array } => e.raw !== null);
  const allImpostor: number[] = [];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) if (all[i]!.person !== all[j]!.person) allImpostor.push(round4(cosine(all[i]!.raw, all[j]!.raw)));
  }

  // The highest impostor pairs again through the API: same score, same decision?
  const enrolledSubjects = new Set<string>();
  let maxDiff = 0;
  const httpChecks: string[] = [];
  for (const p of impostor.slice(0, RUNS.impostorHttpChecks)) {
    const subject = `imp-${p.a.replace(/\.jpg$/, '')}`;
    if (!enrolledSubjects.has(subject)) {
      await s.client.enroll(subject, imagesBody(fixture(p.a)), 1);
      enrolledSubjects.add(subject);
    }
    const r = await s.client.post(`/v1/subjects/${subject}/verify`, imagesBody(fixture(p.b)));
    if (r.status !== 200) throw new Error(`impostor check ${p.a} / ${p.b}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    maxDiff = Math.max(maxDiff, Math.abs(r.body.score - p.score));
    if (r.body.match !== p.score >= threshold) throw new Error(`impostor check ${p.a} / ${p.b}: API match=${r.body.match}, in-process score ${p.score}`);
    httpChecks.push(`${p.a}/${p.b} ${r.body.score}`);
  }
  for (const g of genuine) if (g.local !== null) maxDiff = Math.max(maxDiff, Math.abs(g.score - g.local));

  const dist = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `n=${s.length}, min ${f3(s[0]!)}, p5 ${f3(percentile(s, 5))}, median ${f3(median(s))}, p95 ${f3(percentile(s, 95))}, max ${f3(s.at(-1)!)}`;
  };
  const fm = impostor.filter((p) => p.score >= threshold).length;
  const fnm = genuine.filter((g) => !g.match).length;
  const bound = (k: number, n: number) => (k === 0 ? `95% upper bound 3/${n} = ${pct(3 / n)}` : `${k} errors: the rule of three does not apply`);
  ctx.note(
    `face accuracy (threshold ${threshold} = the calibrated threshold of the default model; match when score >= threshold): ${singles.length} single-face fixtures, ${usable.length} pass the service's quality gates ` +
      `(frontal, as enroll and verify need)${embedded.length > usable.length ? `; not usable: ${embedded.filter((e) => !e.face).map((e) => `${e.file} (${e.rejected})`).join(', ')}` : ''}. ` +
      `Embeddings made once through the service's own inference pool (server.pool.detect: decodeImage + detectFaces in its worker threads) in ${(embedMs / 1000).toFixed(1)} s.`,
  );
  ctx.note(
    `face accuracy, genuine (through the HTTP API: enroll one capture, verify each later capture of the same person, each pair once): ${dist(genuine.map((g) => g.score))}; ` +
      `FNMR ${fnm}/${genuine.length} = ${pct(fnm / Math.max(1, genuine.length))} (${bound(fnm, genuine.length)})` +
      `${genuineFailures.length ? `; not compared: ${genuineFailures.join(', ')}` : ''}; lowest: ${[...genuine].sort((a, b) => a.score - b.score).slice(0, 2).map((g) => `${g.a}/${g.b} ${g.score}`).join(', ')}.`,
  );
  ctx.note(
    `face accuracy, impostor (all ${impostor.length} unordered pairs of usable fixtures of different persons, in process, cosine from match.ts rounded to 4 places as the service does): ${dist(impostor.map((p) => p.score))}; ` +
      `FMR ${fm}/${impostor.length} = ${pct(fm / impostor.length)} (${bound(fm, impostor.length)}); highest: ${impostor.slice(0, 3).map((p) => `${p.a}/${p.b} ${p.score}`).join(', ')}. ` +
      `Showing FMR <= 1e-4 with no false match needs about 3 / 1e-4 = 30,000 impostor comparisons, ${Math.round(30000 / impostor.length)}x this set.`,
  );
  const allFm = allImpostor.filter((x) => x >= threshold).length;
  ctx.note(
    `face accuracy, impostor without the quality gates (all ${all.length} single-face fixtures, as test/fixtures/faces/measurements.md counts): ${dist(allImpostor)}; ` +
      `FMR ${allFm}/${allImpostor.length} = ${pct(allFm / allImpostor.length)} (${bound(allFm, allImpostor.length)}).`,
  );
  ctx.note(
    `face accuracy, cross-check: the ${httpChecks.length} highest impostor pairs re-verified through the API gave the same decision; ` +
      `largest |API score - in-process score| over those and the genuine pairs: ${maxDiff.toFixed(4)}.`,
  );
  ctx.log(`accuracy: ${genuine.length} genuine (${fnm} missed), ${impostor.length} impostor (${fm} matched)`);
}
