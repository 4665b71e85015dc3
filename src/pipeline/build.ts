import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chartContent, type ChartContent } from '../chart/chart-files.ts';
import { catalogReadme } from '../catalog/readme.ts';
import { buildCatalog, type CatalogChart } from '../catalog/repository.ts';
import { DEFAULT_FLEET_REPO, FLEET_DIR, FLEET_REPO_ENV, fleetFiles, fleetRepoUrl } from '../fleet/bundle.ts';
import { buildModel, type Model } from '../model.ts';
import { PlantError } from '../plant/errors.ts';
import { loadPlant, plantFiles, type Plant } from '../plant/load.ts';
import { checkChartFiles } from '../plant/limits.ts';
import { project } from '../project.ts';
import { GENERIC_CHART, genericChart } from './charts.ts';
import { mapLimit } from './pool.ts';
import { Staging } from './staging.ts';
import { linkTree, writeTree } from '../tree.ts';
import { OCI_DIGESTS } from '../catalog/oci.ts';
import { plantChartContent } from './plant-content.ts';
import type { Signer } from '../catalog/provenance.ts';

export const GENERIC_CATALOG = 'generic';

export interface BuildOptions {
  projectRoot: string;
  /** Folder of plant files; default <projectRoot>/values. */
  valuesDir?: string;
  /** Build only these plants (ids); default all. */
  only?: string[];
  onProgress?: (done: number, total: number, plant: string) => void;
  /**
   * Where catalog/generic is served over HTTP, for catalog/fleet/fleet.yaml's helm.repo;
   * default $KUBEVISION_FLEET_REPO, else a placeholder (DEFAULT_FLEET_REPO).
   */
  fleetRepo?: string;
  /** `created` of chart versions this build publishes; default now (or $SOURCE_DATE_EPOCH). */
  now?: Date;
  /** Signs the archives (helm provenance, .prov beside each); default unsigned. */
  signer?: Signer;
}

export interface BuildResult {
  plants: string[];
  /** Project-relative folders written. */
  outputs: string[];
  /** Every chart of the build at the version its catalog now offers. */
  charts: (Pick<CatalogChart, 'name' | 'version' | 'isNew'> & { catalog: string })[];
  /** Published catalogs of plants that have no plant file any more: kept as they are. */
  orphans: string[];
  /** Published chart versions that left a catalog ("catalog: chart version"). */
  dropped: string[];
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
  const wanted = only ? files.filter((f) => only.includes(f.id)) : files;
  const missing = (only ?? []).filter((id) => !files.some((f) => f.id === id));
  const errors: PlantError[] = missing.map((id) => new PlantError(path.join(valuesDir, `${id}.yaml`), ['no such plant file']));
  const plants: Plant[] = [];
  for (const f of wanted) {
    try {
      plants.push(loadPlant(f.file, model.defaults, model.validator, path.relative(process.cwd(), f.file) || f.file));
    } catch (e) {
      if (e instanceof PlantError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length) throw new InvalidPlantsError(errors);
  return plants;
}

function createdAt(o: BuildOptions): string {
  if (o.now) return o.now.toISOString();
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString();
}

/**
 * plant values -> validated model -> cdk8s constructs -> Helm charts -> catalogs.
 * Everything is validated before anything is written, and written to a staging folder
 * that replaces the outputs only once the whole build succeeded. The published catalogs
 * in <projectRoot>/catalog are the history each chart's version is decided against.
 */
export async function build(o: BuildOptions): Promise<BuildResult> {
  const model = buildModel();
  const valuesDir = o.valuesDir ?? path.join(o.projectRoot, 'values');
  const plants = loadPlants(model, valuesDir, o.only);
  // The Fleet bundle lists every plant, also when only some are rebuilt: all must be valid.
  const fleetPlants = o.only ? loadPlants(model, valuesDir) : plants;
  const fleetRepo = fleetRepoUrl(o.fleetRepo ?? (process.env[FLEET_REPO_ENV] || DEFAULT_FLEET_REPO));
  const created = createdAt(o);
  const projectVersion = project().version;
  const published = (id: string) => path.join(o.projectRoot, 'catalog', id);

  const staging = new Staging(o.projectRoot);
  try {
    const catalog = async (id: string, content: ChartContent, plant: Plant | null) => {
      checkChartFiles(content, plant);
      const result = await buildCatalog({
        label: path.join('catalog', id),
        publishedDir: published(id),
        outDir: staging.path('catalog', id),
        charts: [content],
        projectVersion,
        created,
        readme: (charts) => catalogReadme(charts, plant),
        signer: o.signer,
      });
      for (const c of result.charts) linkTree(c.dir, staging.path('charts', c.name), c.files.keys());
      return { id, ...result };
    };

    const generic = await catalog(GENERIC_CATALOG, chartContent(genericChart(model)), null);
    let done = 0;
    const plantCatalogs = await mapLimit(plants, async (plant) => {
      const r = await catalog(plant.id, await plantChartContent(model, plant), plant);
      o.onProgress?.(++done, plants.length, plant.id);
      return r;
    });
    const catalogs = [generic, ...plantCatalogs];

    const genericVersion = generic.charts[0]!.version;
    writeTree(staging.path('catalog', FLEET_DIR), fleetFiles(fleetPlants, fleetRepo, genericVersion));

    const full = !o.only;
    const orphans = full ? keepOrphans(o.projectRoot, staging, new Set([GENERIC_CATALOG, FLEET_DIR, ...plants.map((p) => p.id)])) : [];
    const outputs = full
      ? ['charts', 'catalog']
      : [
          path.join('charts', GENERIC_CHART),
          path.join('catalog', GENERIC_CATALOG),
          path.join('catalog', FLEET_DIR),
          ...plantCatalogs.flatMap((c) => [...c.charts.map((ch) => path.join('charts', ch.name)), path.join('catalog', c.id)]),
        ];
    if (full) writeFileSync(staging.path('catalog', 'README.md'), catalogReadme(generic.charts, 'all'));
    // The digests `publish` recorded belong to versions this build keeps as they are.
    if (full && existsSync(path.join(o.projectRoot, 'catalog', OCI_DIGESTS))) linkTree(path.join(o.projectRoot, 'catalog'), staging.path('catalog'), [OCI_DIGESTS]);
    staging.publish(outputs);
    return {
      plants: plants.map((p) => p.id),
      outputs,
      charts: catalogs.flatMap((c) => c.charts.map((ch) => ({ catalog: c.id, name: ch.name, version: ch.version, isNew: ch.isNew }))),
      orphans,
      dropped: catalogs.flatMap((c) => c.dropped.map((d) => `catalog/${c.id}: ${d}`)),
    };
  } finally {
    staging.dispose();
  }
}

/**
 * A full build replaces catalog/ whole; a published catalog whose plant file is gone is
 * carried over unchanged rather than deleted (removing a plant's catalog is a decision).
 */
function keepOrphans(root: string, staging: Staging, built: Set<string>): string[] {
  const dir = path.join(root, 'catalog');
  if (!existsSync(dir)) return [];
  const orphans = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !built.has(e.name))
    .map((e) => e.name);
  for (const id of orphans) linkTree(path.join(dir, id), staging.path('catalog', id));
  return orphans;
}
