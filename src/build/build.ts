import path from 'node:path';
import { chartFiles } from '../chart/chart-files.ts';
import { catalogReadme } from '../catalog/readme.ts';
import { packageChart, writeRepository, type PackagedChart } from '../catalog/repository.ts';
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
}

export interface BuildResult {
  plants: string[];
  /** Project-relative folders written. */
  outputs: string[];
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
  const plants = loadPlants(model, o.valuesDir ?? path.join(o.projectRoot, 'values'), o.only);
  const full = !o.only;
  const staging = new Staging(o.projectRoot);
  try {
    const generic = genericChart(model);
    const genericDir = staging.path('charts', GENERIC_CHART);
    staging.writeTree(genericDir, chartFiles(generic));
    const genericPkg = await packageChart(genericDir, staging.path('packages'), generic.name, generic.version);
    await writeRepository(staging.path('catalog', GENERIC_CATALOG), [genericPkg], catalogReadme([genericPkg], null));

    let done = 0;
    await mapLimit(plants, async (plant) => {
      const spec = plantChart(model, plant);
      const dir = staging.path('charts', spec.name);
      staging.writeTree(dir, chartFiles(spec));
      const pkg: PackagedChart = await packageChart(dir, staging.path('packages'), spec.name, spec.version);
      await writeRepository(staging.path('catalog', plant.id), [pkg, genericPkg], catalogReadme([pkg, genericPkg], plant));
      o.onProgress?.(++done, plants.length, plant.id);
    });

    const outputs = full
      ? ['charts', 'catalog']
      : [
          path.join('charts', GENERIC_CHART),
          path.join('catalog', GENERIC_CATALOG),
          ...plants.flatMap((p) => [path.join('charts', plantChart(model, p).name), path.join('catalog', p.id)]),
        ];
    if (full) staging.writeTree(staging.path('catalog'), new Map([['README.md', catalogReadme([genericPkg], 'all')]]));
    staging.publish(outputs);
    return { plants: plants.map((p) => p.id), outputs };
  } finally {
    staging.dispose();
  }
}
