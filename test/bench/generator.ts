import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { build, GENERIC_CATALOG, loadPlants } from '../../src/pipeline/build.ts';
import { GENERIC_CHART, genericChart, plantChart, plantChartName } from '../../src/pipeline/charts.ts';
import { mapLimit } from '../../src/pipeline/pool.ts';
import { chartContent } from '../../src/chart/chart-files.ts';
import { FLEET_DIR } from '../../src/fleet/bundle.ts';
import { helmOk } from '../../src/helm/run.ts';
import { buildModel } from '../../src/model.ts';
import type { BenchContext, Row } from './context.ts';
import { benchPlantId, writePlantFile, writePlants } from './plants.ts';
import { median, timeMs } from './stats.ts';

const PROJECT_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
const run = promisify(execFile);

/** Runs per measurement: the whole generator bench takes about two minutes on 2 cores. */
const RUNS = {
  n1: 5,
  /** Each run is one full build and one helm floor. */
  n100: 3,
  n1000: 2,
  rebuild: 5,
  render100: 3,
  child: 5,
  help: 10,
};
/** The plant the rebuild benchmarks edit (a hybrid one, the richest flavour). */
const CHANGED = 42;

/**
 * The generator: plant files -> charts/ and catalog/, in process and as a user runs it,
 * against the floor set by helm itself (package + repo index of the same charts).
 */
export async function benchGenerator(ctx: BenchContext): Promise<Row[]> {
  const concurrency = availableParallelism();
  const values1 = ctx.tmpDir('values-1');
  const values100 = ctx.tmpDir('values-100');
  const values1000 = ctx.tmpDir('values-1000');
  writePlants(values1, 1);
  const ids100 = writePlants(values100, 100);
  const ids1000 = writePlants(values1000, 1000);

  // Validate the synthetic plants up front: a bench on invalid input measures nothing.
  const model = buildModel();
  loadPlants(model, values1);
  loadPlants(model, values100);
  loadPlants(model, values1000);
  ctx.log(`wrote 1 + 100 + 1000 synthetic plant files (valid); helm concurrency ${concurrency}`);

  // Warm-up (untimed): JIT, the helm binary unpacked once, file system caches.
  {
    const root = ctx.tmpDir('warmup');
    await build({ projectRoot: root, valuesDir: values1 });
    ctx.removeTmp(root);
  }

  const rows: Row[] = [];

  // --- Full build and its helm floor, interleaved (build, floor, build, floor, ...) so that
  // both see the same machine. The first build's output feeds the floor and the rebuilds.
  const buildVsFloor = async (n: number, valuesDir: string, ids: string[], runs: number, withFloor = true) => {
    const builds: number[] = [];
    const floors: number[] = [];
    let source = '';
    let floor: Floor | undefined;
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
      if (withFloor) {
        floor ??= prepareFloor(ctx, source, ids);
        floors.push(await floor.time(concurrency));
      }
      ctx.log(`N=${n} run ${r + 1}/${runs}: build ${builds.at(-1)!.toFixed(0)} ms${withFloor ? `, helm floor ${floors.at(-1)!.toFixed(0)} ms` : ''}`);
    }
    floor?.dispose();
    return { builds, floors, root: source };
  };
  const paired = (c: { builds: number[]; floors: number[] }) => c.builds.map((b, i) => b / c.floors[i]!);

  const c1 = await buildVsFloor(1, values1, [benchPlantId(0)], RUNS.n1);
  ctx.removeTmp(c1.root);
  const c100 = await buildVsFloor(100, values100, ids100, RUNS.n100);
  const floor1 = median(c1.floors);
  const floor100 = median(c100.floors);
  rows.push({ what: 'full build (in process)', n: 1, samples: c1.builds, floorMedian: floor1, pairedRatios: paired(c1) });
  rows.push({ what: 'helm floor: package + repo index', n: 1, samples: c1.floors });
  rows.push({ what: 'full build (in process)', n: 100, samples: c100.builds, floorMedian: floor100, pairedRatios: paired(c100), target: '<= 0.25x floor' });
  rows.push({ what: 'helm floor: package + repo index', n: 100, samples: c100.floors });

  // --- 1000 plants: no floor (a thousand helm processes); the time per plant shows growth. ---
  const c1000 = await buildVsFloor(1000, values1000, ids1000, RUNS.n1000, false);
  ctx.removeTmp(c1000.root);
  const perPlant = (samples: number[], n: number) => samples.map((s) => s / n);
  rows.push({ what: 'full build (in process)', n: 1000, samples: c1000.builds, floorMedian: median(c100.builds) * 10, ratioNote: '10x the N=100 build median: 1.00x is linear growth' });
  rows.push({ what: 'full build, per plant', n: 100, samples: perPlant(c100.builds, 100) });
  rows.push({ what: 'full build, per plant', n: 1000, samples: perPlant(c1000.builds, 1000), floorMedian: median(perPlant(c100.builds, 100)), ratioNote: 'per plant at N=100' });

  // --- Where the non-I/O time goes: the JavaScript part of a 100-plant build. ---
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
  rows.push({ what: 'JS only: model + load + chart files (no packing, no I/O)', n: 100, samples: render });

  // --- One changed plant among 100 published: in process, then as a user runs it. ---
  const changedId = benchPlantId(CHANGED);
  let edit = 0;
  const editPlant = () => {
    const replicas = 4 + edit++;
    writePlantFile(values100, CHANGED, { faceReplicas: replicas });
    return replicas;
  };
  const checkRebuilt = (replicas: number) => {
    const written = YAML.parse(readFileSync(path.join(c100.root, 'charts', plantChartName({ id: changedId }), 'values.yaml'), 'utf8')) as {
      face: { replicaCount: number };
    };
    if (written.face.replicaCount !== replicas) throw new Error(`rebuild did not write face.replicaCount ${replicas} for ${changedId}`);
  };
  const rebuild: number[] = [];
  for (let r = 0; r < RUNS.rebuild; r++) {
    const replicas = editPlant();
    rebuild.push(await timeMs(() => build({ projectRoot: c100.root, valuesDir: values100, only: [changedId] })));
    checkRebuilt(replicas);
  }
  const fullAfterEdit: number[] = [];
  for (let r = 0; r < RUNS.rebuild; r++) {
    editPlant();
    let kept = 0;
    fullAfterEdit.push(
      await timeMs(async () => {
        kept = (await build({ projectRoot: c100.root, valuesDir: values100 })).charts.filter((c) => !c.isNew).length;
      }),
    );
    if (kept !== 100) throw new Error(`full build after one edit kept ${kept} charts, expected 100 (99 plants + generic)`);
  }
  const node = process.execPath;
  const bin = path.join('src', 'cli', 'bin.mjs');
  const child = async (label: string, runs: number, before: () => unknown, cmd: string, args: string[]) => {
    const samples: number[] = [];
    for (let r = 0; r < runs; r++) {
      await before();
      samples.push(await timeMs(() => run(cmd, args, { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 })));
    }
    ctx.log(`${label}: ${samples.map((s) => s.toFixed(0)).join(', ')} ms`);
    return samples;
  };
  // The CLI bundle is made (once) before anything is timed.
  await run(node, [bin, 'list', '--values', values1], { cwd: PROJECT_ROOT });
  const rebuildChild = await child('cli build <plant>', RUNS.child, editPlant, node, [bin, 'build', changedId, '--root', c100.root, '--values', values100]);
  checkOutputs(c100.root, ids100);
  ctx.removeTmp(c100.root);
  rows.push({
    what: 'full build after editing 1 of 100 plants (99 kept)',
    n: 100,
    samples: fullAfterEdit,
    floorMedian: floor1,
    ratioNote: 'helm work is one plant (N=1 floor); the rest is comparing with the published versions',
  });
  rows.push({ what: 'rebuild 1 changed plant of 100 (in process)', n: 100, samples: rebuild, floorMedian: floor1, ratioNote: 'same helm work as the N=1 floor (generic + one plant)' });
  rows.push({
    what: 'rebuild 1 changed plant of 100: node src/cli/bin.mjs build <plant>',
    n: 100,
    samples: rebuildChild,
    floorMedian: floor1,
    ratioNote: 'a fresh process, as a user runs it; vs the N=1 helm floor',
    target: '< 1000 ms',
  });

  // --- As a user runs it: a fresh process each time. ---
  const nodeAlone = await child('node -e 0', RUNS.help, () => {}, node, ['-e', '0']);
  rows.push({ what: 'baseline: node -e 0 (a process that does nothing)', n: null, samples: nodeAlone });
  rows.push({
    what: 'node src/cli/bin.mjs --help',
    n: null,
    samples: await child('cli --help', RUNS.help, () => {}, node, [bin, '--help']),
    floorMedian: median(nodeAlone),
    ratioNote: 'vs node -e 0',
    target: '< 300 ms',
  });
  rows.push({
    what: 'child: node src/cli/bin.mjs build',
    n: 1,
    samples: await child('cli build', RUNS.child, () => {}, node, [bin, 'build', '--root', ctx.tmpDir('child'), '--values', values1]),
    floorMedian: floor1,
  });
  rows.push({
    what: 'child: npm run build -- (the documented way)',
    n: 1,
    samples: await child('npm run build', RUNS.child, () => {}, 'npm', ['run', '--silent', 'build', '--', '--root', ctx.tmpDir('child'), '--values', values1]),
    floorMedian: floor1,
  });

  ctx.note(
    `helm floor = only the helm processes for the same charts, invoked as a helm-based build would: \`helm package\` of each ` +
      `chart folder the first build wrote (generic once + each plant) into its catalog's assets folder and \`helm repo index\` of ` +
      `that folder; one (package, index) chain per chart through mapLimit(${concurrency}). Build and floor runs alternate. The ` +
      `build itself packs and indexes in process (src/catalog/archive.ts, index-file.ts).`,
  );
  ctx.note(`rebuilds edit ${changedId} (face.replicaCount) each run; every edit publishes a new version of its chart.`);
  ctx.note('child rows include node start and loading the CLI bundle (src/cli/bundle.mjs, made before the timings), i.e. what a user waits for.');
  return rows;
}

interface Floor {
  time(concurrency: number): Promise<number>;
  dispose(): void;
}

/** Exactly the helm work a helm-based build of `root`'s charts would do. */
function prepareFloor(ctx: BenchContext, root: string, ids: string[]): Floor {
  const work = ctx.tmpDir(`floor-${ids.length}`);
  const jobs = [
    { chart: path.join(root, 'charts', GENERIC_CHART), repo: path.join(work, GENERIC_CATALOG) },
    ...ids.map((id) => ({ chart: path.join(root, 'charts', plantChartName({ id })), repo: path.join(work, id) })),
  ];
  for (const j of jobs) {
    if (!existsSync(path.join(j.chart, 'Chart.yaml'))) throw new Error(`helm floor: the build's layout changed (no ${j.chart}/Chart.yaml): update test/bench/generator.ts`);
  }
  return {
    async time(concurrency) {
      for (const j of jobs) {
        rmSync(j.repo, { recursive: true, force: true });
        mkdirSync(j.repo, { recursive: true });
      }
      const ms = await timeMs(() =>
        mapLimit(
          jobs,
          async (j) => {
            await helmOk(['package', j.chart, '--destination', j.repo]);
            await helmOk(['repo', 'index', j.repo, '--url', 'assets']);
          },
          concurrency,
        ),
      );
      // The floor must have done the build's work: every chart packaged and indexed.
      for (const j of jobs) {
        const found = indexedCharts(path.join(j.repo, 'index.yaml'));
        if (found !== 1) throw new Error(`helm floor: ${j.repo} indexed ${found} charts, expected 1`);
      }
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
  const catalogs = readdirSync(path.join(root, 'catalog')).filter((f) => f !== 'README.md' && f !== FLEET_DIR);
  if (charts.length !== ids.length + 1 || catalogs.length !== ids.length + 1) {
    throw new Error(`build in ${root}: expected ${ids.length + 1} charts and catalogs, found ${charts.length} and ${catalogs.length}`);
  }
  const leftovers = readdirSync(root).filter((f) => f.startsWith('.kubevision-tmp-'));
  if (leftovers.length) throw new Error(`build in ${root} left staging folders: ${leftovers.join(', ')}`);
  // Spot-check the catalog indexes (generic, first and last plant): an empty index is a broken build.
  for (const dir of [GENERIC_CATALOG, ids[0]!, ids.at(-1)!]) {
    if (indexedCharts(path.join(root, 'catalog', dir, 'index.yaml')) < 1) throw new Error(`build in ${root}: catalog/${dir}/index.yaml lists no chart`);
  }
}
