/**
 * `npm run bench`: runs every benchmark module and prints one table. Numbers only: it
 * never passes or fails on a timing (targets are printed beside the numbers).
 * `npm run bench -- generator face` runs only the named ones.
 * Add a benchmark by writing a module that exports `async (ctx) => Row[]` and listing it below.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { helmBinary } from '../../src/helm/binary.ts';
import { benchTmpBase, TempDirs, type BenchContext, type Benchmark, type Row } from './context.ts';
import { benchAuth } from './auth.ts';
import { benchDashboard } from './dashboard.ts';
import { benchGateway } from './gateway.ts';
import { benchFace } from './face.ts';
import { benchFaceModels } from './face-models.ts';
import { benchGenerator } from './generator.ts';
import { benchOverload } from './overload.ts';
import { fmtMs, fmtRatio, summarize, table } from './stats.ts';

const BENCHMARKS: Benchmark[] = [
  { name: 'generator', run: benchGenerator },
  { name: 'face', run: benchFace },
  { name: 'face-models', run: benchFaceModels },
  { name: 'auth', run: benchAuth },
  { name: 'dashboard', run: benchDashboard },
  { name: 'gateway', run: benchGateway },
  { name: 'overload', run: benchOverload },
];

function machineFacts(): string[] {
  const helm = helmBinary(3);
  let helmVersion: string;
  try {
    helmVersion = execFileSync(helm, ['version', '--short'], { encoding: 'utf8' }).trim();
  } catch (e) {
    helmVersion = `unknown (${e instanceof Error ? e.message : String(e)})`;
  }
  const cpu = cpus()[0]?.model ?? 'unknown';
  return [
    `cpus: ${availableParallelism()} (${cpu})`,
    `memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `node: ${process.version} (${process.platform}/${process.arch})`,
    `helm: ${helmVersion} (${helm})`,
    `temp folders: ${benchTmpBase()} (${fsOf(benchTmpBase())}; set BENCH_TMPDIR to move them)`,
    `file system probe there: ${fsProbe(benchTmpBase())}`,
    `load average at start: ${fmtLoad()}`,
    `SOURCE_DATE_EPOCH: ${process.env.SOURCE_DATE_EPOCH ?? 'unset'}`,
  ];
}

/** The mount holding `dir`, from /proc/mounts (Linux); "unknown" elsewhere. */
function fsOf(dir: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 2 && (dir === f[1] || dir.startsWith(f[1] === '/' ? '/' : `${f[1]}/`)))
      .sort((a, b) => b[1]!.length - a[1]!.length);
    const m = mounts[0];
    return m ? `${m[2]} on ${m[1]}` : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** How long creating small files takes where the builds write: a build of 100 plants writes about 10,000. */
function fsProbe(base: string): string {
  const dir = mkdtempSync(path.join(base, 'kubevision-bench-probe-'));
  try {
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) {
      const sub = path.join(dir, String(i), 'templates');
      mkdirSync(sub, { recursive: true });
      for (let j = 0; j < 20; j++) writeFileSync(path.join(sub, `${j}.yaml`), 'x'.repeat(2048));
    }
    return `1000 files of 2 KiB created in ${(performance.now() - t0).toFixed(0)} ms`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmtLoad = () => loadavg().map((l) => l.toFixed(2)).join(' / ') + ' (1 / 5 / 15 min)';

async function main(): Promise<number> {
  const temps = new TempDirs();
  const notes: string[] = [];
  const ctx: BenchContext = {
    tmpDir: (label) => temps.make(label),
    removeTmp: (dir) => temps.remove(dir),
    log: (msg) => process.stderr.write(`  .. ${msg}\n`),
    note: (msg) => notes.push(msg),
  };
  const onSignal = () => {
    temps.removeAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  console.log('KubeVision benchmarks');
  for (const f of machineFacts()) console.log(`  ${f}`);
  console.log('');

  const started = performance.now();
  const rows: { bench: string; row: Row }[] = [];
  try {
    const only = process.argv.slice(2);
    const unknown = only.filter((n) => !BENCHMARKS.some((b) => b.name === n));
    if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')} (there are ${BENCHMARKS.map((b) => b.name).join(', ')})`);
    for (const b of BENCHMARKS.filter((x) => !only.length || only.includes(x.name))) {
      process.stderr.write(`[${b.name}]\n`);
      for (const row of await b.run(ctx)) rows.push({ bench: b.name, row });
    }
  } finally {
    temps.removeAll();
  }

  const cells = rows.map(({ bench, row }) => {
    const s = summarize(row.samples);
    const ratio = row.floorMedian ? s.median / row.floorMedian : null;
    return [`${bench}: ${row.what}`, row.n === null ? '-' : String(row.n), String(s.runs), fmtMs(s.median), fmtMs(s.p95), fmtRatio(ratio), row.target ?? '-'];
  });
  console.log(table(['what', 'N', 'runs', 'median ms', 'p95 ms', 'ratio vs floor', 'target'], cells));
  console.log('');
  console.log('notes:');
  console.log('  - p95 is nearest-rank; with fewer than 20 runs that is the slowest run (the max).');
  console.log('  - ratio vs floor = this row\'s median / the median it is compared with: for generator rows the helm floor with the same N (same run); other rows name theirs below.');
  for (const { row } of rows) {
    const label = `${row.what}${row.n === null ? '' : `, N=${row.n}`}`;
    if (row.pairedRatios) console.log(`  - ${label}: per-run build/floor (each build with the floor run right after it): ${row.pairedRatios.map(fmtRatio).join(', ')}.`);
    if (row.ratioNote) console.log(`  - ${label}: ratio vs floor: ${row.ratioNote}.`);
  }
  for (const n of notes) console.log(`  - ${n}`);
  console.log(`  - load average at end: ${fmtLoad()}; timings on a shared or busy machine vary run to run, compare ratios from one run.`);
  console.log(`  - whole bench: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
