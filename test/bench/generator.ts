import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { build, GENERIC_CATALOG, loadPlants } from '../../src/build/build.ts';
import { GENERIC_CHART, genericChart, plantChart, plantChartName } from '../../src/build/charts.ts';
import { mapLimit } from '../../src/build/pool.ts';
import { chartContent } from '../../src/chart/chart-files.ts';
import { helmOk } from '../../src/helm/run.ts';
import { buildModel } from '../../src/model.ts';
import type { BenchContext, Row } from './context.ts';
import { benchPlantId, writePlantFile, writePlants } from './plants.ts';
import { median, timeMs } from './stats.ts';

const PROJECT_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
const run = promisify(execFile);

/** Runs per measurement: the whole bench takes about a minute on 2 cores (budget: 3). */
const RUNS = {
  /** Each run is one full build and one helm floor. */
  n1: 5,
  n100: 3,
  rebuild: 5,
  render100: 3,
  child: 3,
};
/** The plant the rebuild benchmark edits (a hybrid one, the richest flavour). */
const CHANGED = 42;

/**
 * The generator: plant files -> charts/ and catalog/, in process and as a user runs it,
 * against the floor set by helm itself (package + repo index of the same charts).
 */
export async function benchGenerator(ctx: BenchContext): Promise<Row[]> {
  const concurrency = availableParallelism();
  const values1 = ctx.tmpDir('values-1');
  const values100 = ctx.tmpDir('values-100');
  writePlants(values1, 1);
  const ids100 = writePlants(values100, 100);

  // Validate the synthetic plants up front: a bench on invalid input measures nothing.
  const model = buildModel();
  loadPlants(model, values1);
  loadPlants(model, values100);
  ctx.log(`wrote 1 + 100 synthetic plant files (valid); helm concurrency ${concurrency}`);

  // Warm-up (untimed): JIT, the helm binary unpacked once, file system caches.
  {
    const root = ctx.tmpDir('warmup');
    await build({ projectRoot: root, valuesDir: values1 });
    ctx.removeTmp(root);
  }

  const rows: Row[] = [];

  // --- Full build and its helm floor, N = 1 and N = 100, interleaved (build, floor, build,
  // floor, ...) so that both see the same machine. The first build's output feeds the floor
  // and, for N = 100, the rebuild benchmark.
  const buildVsFloor = async (n: number, valuesDir: string, ids: string[], runs: number) => {
    const builds: number[] = [];
    let source = '';
    let floor: Floor | undefined;
    const floors: number[] = [];
    for (let r = 0; r < runs; r++) {
      const root = ctx.tmpDir(`build-${n}`);
      builds.push(await timeMs(() => build({ projectRoot: root, valuesDir })));
      checkOutputs(root, ids);
      if (source) ctx.removeTmp(root);
      else {
        source = root;
        const size = treeSize(root);
        ctx.note(`a build of N=${n} writes ${size.files} files, ${(size.bytes / 2 ** 20).toFixed(1)} MiB (charts/ + catalog/).`);
      }
      floor ??= prepareFloor(ctx, source, ids);
      floors.push(await floor.time(concurrency));
      ctx.log(`N=${n} run ${r + 1}/${runs}: build ${builds.at(-1)!.toFixed(0)} ms, helm floor ${floors.at(-1)!.toFixed(0)} ms`);
    }
    floor?.dispose();
    return { builds, floors, root: source };
  };
  const c1 = await buildVsFloor(1, values1, [benchPlantId(0)], RUNS.n1);
  ctx.removeTmp(c1.root);
  const c100 = await buildVsFloor(100, values100, ids100, RUNS.n100);
  const floor1 = median(c1.floors);
  const floor100 = median(c100.floors);

  const paired = (c: { builds: number[]; floors: number[] }) => c.builds.map((b, i) => b / c.floors[i]!);
  rows.push({ what: 'full build (in process)', n: 1, samples: c1.builds, floorMedian: floor1, pairedRatios: paired(c1) });
  rows.push({ what: 'helm floor: package + repo index', n: 1, samples: c1.floors });
  rows.push({ what: 'full build (in process)', n: 100, samples: c100.builds, floorMedian: floor100, pairedRatios: paired(c100), target: '<= 1.5x floor' });
  rows.push({ what: 'helm floor: package + repo index', n: 100, samples: c100.floors });

  // --- Where the non-helm time could go: the pure JS part of a 100-plant build. ---
  const render: number[] = [];
  for (let r = 0; r < RUNS.render100; r++) {
    render.push(
      await timeMs(() => {
        const m = buildModel();
        const plants = loadPlants(m, values100);
        chartContent(genericChart(m));
        for (const p of plants) chartContent(plantChart(m, p));
      }),
    );
  }
  rows.push({ what: 'JS only: model + load + chartFiles (no I/O)', n: 100, samples: render });

  // --- Rebuild one changed plant among 100 (build --only). ---
  const changedId = benchPlantId(CHANGED);
  const rebuild: number[] = [];
  for (let r = 0; r < RUNS.rebuild; r++) {
    const replicas = 4 + r;
    writePlantFile(values100, CHANGED, { faceReplicas: replicas });
    rebuild.push(await timeMs(() => build({ projectRoot: c100.root, valuesDir: values100, only: [changedId] })));
    const written = YAML.parse(readFileSync(path.join(c100.root, 'charts', plantChartName({ id: changedId }), 'values.yaml'), 'utf8')) as {
      face: { replicaCount: number };
    };
    if (written.face.replicaCount !== replicas) throw new Error(`rebuild did not write face.replicaCount ${replicas} for ${changedId}`);
  }
  // --- The same edit, then a full build: the 99 unchanged catalogs are kept as published. ---
  const fullAfterEdit: number[] = [];
  for (let r = 0; r < RUNS.rebuild; r++) {
    writePlantFile(values100, CHANGED, { faceReplicas: 10 + r });
    let kept = 0;
    fullAfterEdit.push(
      await timeMs(async () => {
        kept = (await build({ projectRoot: c100.root, valuesDir: values100 })).charts.filter((c) => !c.isNew).length;
      }),
    );
    if (kept !== 100) throw new Error(`full build after one edit kept ${kept} charts, expected 100 (99 plants + generic)`);
  }
  checkOutputs(c100.root, ids100);
  ctx.removeTmp(c100.root);
  rows.push({
    what: 'full build after editing 1 of 100 plants (99 kept)',
    n: 100,
    samples: fullAfterEdit,
    floorMedian: floor1,
    ratioNote: 'helm work is one plant (N=1 floor); the rest is comparing sources',
    target: '< 2000 ms',
  });
  rows.push({
    what: 'rebuild 1 changed plant (only) of 100 built',
    n: 100,
    samples: rebuild,
    floorMedian: floor1,
    ratioNote: 'same helm work as the N=1 floor (generic + one plant)',
    target: '< 2000 ms',
  });

  // --- As a user runs it: a fresh process each time. ---
  const child = async (label: string, cmd: string, args: (root: string) => string[]) => {
    const samples: number[] = [];
    for (let r = 0; r < RUNS.child; r++) {
      const root = ctx.tmpDir('child');
      samples.push(await timeMs(() => run(cmd, args(root), { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 })));
      if (args(root).includes('build')) checkOutputs(root, [benchPlantId(0)]);
      ctx.removeTmp(root);
    }
    ctx.log(`${label}: ${samples.map((s) => s.toFixed(0)).join(', ')} ms`);
    return samples;
  };
  const node = process.execPath;
  const bin = path.join('src', 'cli', 'bin.mjs');
  rows.push({
    what: 'process start only: node src/cli/bin.mjs --help',
    n: null,
    samples: await child('cli --help', node, () => [bin, '--help']),
  });
  rows.push({
    what: 'child: node src/cli/bin.mjs build',
    n: 1,
    samples: await child('cli build', node, (root) => [bin, 'build', '--root', root, '--values', values1]),
    floorMedian: floor1,
  });
  rows.push({
    what: 'child: npm run build -- (the documented way)',
    n: 1,
    samples: await child('npm run build', 'npm', (root) => ['run', '--silent', 'build', '--', '--root', root, '--values', values1]),
    floorMedian: floor1,
  });

  ctx.note(
    `helm floor = only the helm processes for the same charts, invoked as the build invokes them: \`helm package\` of each ` +
      `chart folder the first build wrote (generic once + each plant) and \`helm repo index <catalog>/assets --url assets\` ` +
      `of each catalog folder (layout copied from that build, indexes removed); one (package, index) chain per chart through ` +
      `mapLimit(${concurrency}), the generic chart pooled with the plants. Build and floor runs alternate.`,
  );
  ctx.note(`rebuild edits ${changedId} (face.replicaCount 4..${3 + RUNS.rebuild}) and runs build({ only: ['${changedId}'] }) over the full 100-plant output.`);
  ctx.note('child rows include node + tsx start and loading cdk8s/ajv (see the --help row), i.e. what a user waits for.');
  return rows;
}

interface Floor {
  time(concurrency: number): Promise<number>;
  dispose(): void;
}

/**
 * Exactly the helm work of a build whose output is in `root`, invoked as
 * src/catalog/repository.ts invokes it: `helm package` of every chart folder the build
 * wrote, and `helm repo index <catalog>/assets --url assets` of every catalog folder
 * (the layout copied from the build, its indexes removed), pooled through mapLimit.
 */
function prepareFloor(ctx: BenchContext, root: string, ids: string[]): Floor {
  const work = ctx.tmpDir(`floor-${ids.length}`);
  const catalog = path.join(work, 'catalog');
  cpSync(path.join(root, 'catalog'), catalog, { recursive: true, verbatimSymlinks: true });
  const jobs = [
    { chart: path.join(root, 'charts', GENERIC_CHART), repo: path.join(catalog, GENERIC_CATALOG), charts: 1 },
    ...ids.map((id) => ({ chart: path.join(root, 'charts', plantChartName({ id })), repo: path.join(catalog, id), charts: 2 })),
  ];
  for (const j of jobs) {
    if (!existsSync(path.join(j.chart, 'Chart.yaml')) || !existsSync(path.join(j.repo, 'assets'))) {
      throw new Error(`helm floor: the build's layout changed (no ${j.chart}/Chart.yaml or ${j.repo}/assets): update test/bench/generator.ts`);
    }
  }
  const packages = path.join(work, 'packages');
  const reset = () => {
    rmSync(packages, { recursive: true, force: true });
    for (const j of jobs) {
      rmSync(path.join(j.repo, 'index.yaml'), { force: true });
      rmSync(path.join(j.repo, 'assets', 'index.yaml'), { force: true });
    }
  };
  return {
    async time(concurrency) {
      reset();
      const ms = await timeMs(() =>
        mapLimit(
          jobs,
          async (j) => {
            await helmOk(['package', j.chart, '--destination', packages]);
            await helmOk(['repo', 'index', path.join(j.repo, 'assets'), '--url', 'assets']);
          },
          concurrency,
        ),
      );
      // The floor must have done the build's work: every chart packaged and indexed.
      for (const j of jobs) {
        const found = indexedCharts(path.join(j.repo, 'assets', 'index.yaml'));
        if (found !== j.charts) throw new Error(`helm floor: ${j.repo} indexed ${found} charts, expected ${j.charts}`);
      }
      if (readdirSync(packages).length !== jobs.length) throw new Error('helm floor: not every chart was packaged');
      return ms;
    },
    dispose: () => ctx.removeTmp(work),
  };
}

function treeSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(path.join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

function indexedCharts(indexFile: string): number {
  const index = YAML.parse(readFileSync(indexFile, 'utf8')) as { entries?: Record<string, unknown[]> | null };
  return Object.values(index.entries ?? {}).reduce((sum, versions) => sum + versions.length, 0);
}

/** A sanity check of a build's output, so the timings are of a build that did its job. */
function checkOutputs(root: string, ids: string[]): void {
  const charts = readdirSync(path.join(root, 'charts'));
  const catalogs = readdirSync(path.join(root, 'catalog')).filter((f) => f !== 'README.md');
  if (charts.length !== ids.length + 1 || catalogs.length !== ids.length + 1) {
    throw new Error(`build in ${root}: expected ${ids.length + 1} charts and catalogs, found ${charts.length} and ${catalogs.length}`);
  }
  const leftovers = readdirSync(root).filter((f) => f.startsWith('.kubevision-tmp-'));
  if (leftovers.length) throw new Error(`build in ${root} left staging folders: ${leftovers.join(', ')}`);
  // Spot-check the catalog indexes (generic, first and last plant): an empty index is a broken build.
  for (const [dir, expected] of [[GENERIC_CATALOG, 1], [ids[0]!, 2], [ids.at(-1)!, 2]] as const) {
    const found = indexedCharts(path.join(root, 'catalog', dir, 'index.yaml'));
    if (found !== expected) throw new Error(`build in ${root}: catalog/${dir}/index.yaml lists ${found} charts, expected ${expected}`);
  }
}
