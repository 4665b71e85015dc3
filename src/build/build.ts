import path from 'node:path';
import { chartFiles } from '../chart/chart-files.ts';
import { catalogReadme } from '../catalog/readme.ts';
import type { ChartSpec } from '../chart/chart-files.ts';
import { packageChart, Repository, type ChartSource, type PackagedChart } from '../catalog/repository.ts';
import { DEFAULT_FLEET_REPO, FLEET_DIR, FLEET_REPO_ENV, fleetFiles, fleetRepoUrl } from '../fleet/bundle.ts';
import { buildModel, type Model } from '../model.ts';
import { PlantError } from '../plant/errors.ts';
import { loadPlant, plantFiles, plantIdOf, type Plant } from '../plant/load.ts';
import { GENERIC_CHART, genericChart, plantChart } from './charts.ts';
import { mapLimit } from './pool.ts';
import { Staging } from './staging.ts';

export const GENERIC_CATALOG = 'generic';

export interface BuildOptions {
  projectRoot: string;
  /** Folder of plant files; default <projectRoot>/values. */
  valuesDir?: string;
  /** Build only these plants (ids); default all. */
  only?: string[];
  onProgress?: (done: number, total: number, plant: string) => void;
  /** Repackage every catalog even when its published sources are unchanged. */
  force?: boolean;
  /**
   * Where catalog/generic is served over HTTP, for catalog/fleet/fleet.yaml's helm.repo;
   * default $KUBEVISION_FLEET_REPO, else a placeholder (DEFAULT_FLEET_REPO).
   */
  fleetRepo?: string;
}

export interface BuildResult {
  plants: string[];
  /** Project-relative folders written. */
  outputs: string[];
  /** Catalogs whose published archives and index were kept: their sources did not change. */
  reused: string[];
}

/** Thrown when one or more plant files are invalid; nothing was written. */
export class InvalidPlantsError extends Error {
  constructor(readonly errors: PlantError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'InvalidPlantsError';
  }
}

/** Every plant file, validated; all problems of all files are reported together. */
export function loadPlants(model: Model, valuesDir: string, only?: string[]): Plant[] {
  const files = plantFiles(valuesDir);
  const wanted = only ? files.filter((f) => only.includes(plantIdOf(f))) : files;
  const missing = (only ?? []).filter((id) => !files.some((f) => plantIdOf(f) === id));
  const errors: PlantError[] = missing.map((id) => new PlantError(path.join(valuesDir, `${id}.yaml`), ['no such plant file']));
  const plants: Plant[] = [];
  for (const file of wanted) {
    try {
      plants.push(loadPlant(file, model.defaults, model.validator, path.relative(process.cwd(), file) || file));
    } catch (e) {
      if (e instanceof PlantError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length) throw new InvalidPlantsError(errors);
  return plants;
}

/**
 * plant values -> validated model -> cdk8s constructs -> Helm charts -> catalogs.
 * Everything is validated before anything is written, and written to a staging folder
 * that replaces the outputs only once the whole build succeeded.
 */
export async function build(o: BuildOptions): Promise<BuildResult> {
  const model = buildModel();
  const valuesDir = o.valuesDir ?? path.join(o.projectRoot, 'values');
  const plants = loadPlants(model, valuesDir, o.only);
  // The Fleet bundle lists every plant, also when only some are rebuilt: all must be valid.
  const fleetPlants = o.only ? loadPlants(model, valuesDir) : plants;
  const fleetRepo = fleetRepoUrl(o.fleetRepo ?? (process.env[FLEET_REPO_ENV] || DEFAULT_FLEET_REPO));
  const staging = new Staging(o.projectRoot);
  try {
    const stage = (spec: ChartSpec): ChartSource => {
      const dir = staging.path('charts', spec.name);
      staging.writeTree(dir, chartFiles(spec));
      return { name: spec.name, version: spec.version, dir };
    };
    const generic = stage(genericChart(model));
    let genericPackage: Promise<PackagedChart> | undefined;
    const packaged = (c: ChartSource) =>
      c === generic
        ? (genericPackage ??= packageChart(generic, staging.path('packages')))
        : packageChart(c, staging.path('packages'));

    /** One catalog folder; true when the published one could be kept as it is. */
    const catalog = async (id: string, charts: ChartSource[], readme: string): Promise<boolean> => {
      const repo = new Repository(staging.path('catalog', id));
      repo.writeSources(charts, readme);
      if (!o.force && repo.reuse(path.join(o.projectRoot, 'catalog', id), charts)) return true;
      await repo.index(await Promise.all(charts.map(packaged)));
      return false;
    };

    const jobs: { id: string; run: () => Promise<boolean> }[] = [
      { id: GENERIC_CATALOG, run: () => catalog(GENERIC_CATALOG, [generic], catalogReadme([generic], null)) },
      ...plants.map((plant) => ({
        id: plant.id,
        run: () => {
          const own = stage(plantChart(model, plant));
          return catalog(plant.id, [own, generic], catalogReadme([own, generic], plant));
        },
      })),
    ];
    let done = 0;
    const reused = await mapLimit(jobs, async (job) => {
      const kept = await job.run();
      if (job.id !== GENERIC_CATALOG) o.onProgress?.(++done, plants.length, job.id);
      return kept;
    });

    staging.writeTree(staging.path('catalog', FLEET_DIR), fleetFiles(model, fleetPlants, fleetRepo));

    const full = !o.only;
    const outputs = full
      ? ['charts', 'catalog']
      : [
          path.join('charts', GENERIC_CHART),
          path.join('catalog', GENERIC_CATALOG),
          path.join('catalog', FLEET_DIR),
          ...plants.flatMap((p) => [path.join('charts', plantChart(model, p).name), path.join('catalog', p.id)]),
        ];
    if (full) staging.writeTree(staging.path('catalog'), new Map([['README.md', catalogReadme([generic], 'all')]]));
    staging.publish(outputs);
    return {
      plants: plants.map((p) => p.id),
      outputs,
      reused: jobs.filter((_, i) => reused[i]).map((j) => j.id),
    };
  } finally {
    staging.dispose();
  }
}
