import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseHelmYaml } from '../helm/yaml.ts';
import { PlantError } from './errors.ts';
import { coalesce, isMap } from './merge.ts';
import type { KubeVisionValues } from '../params/kubevision.ts';
import type { ValuesValidator } from './validate.ts';

/** A plant: one customer site, validated and merged over the chart defaults. */
export interface Plant {
  /** From the file name: values/<id>.yaml. */
  id: string;
  file: string;
  displayName: string;
  description: string;
  /** Only what the plant file sets. */
  overrides: Record<string, unknown>;
  /** The chart defaults with the overrides applied: the plant chart's values.yaml. */
  values: KubeVisionValues;
}

export const PLANT_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** kubevision-<id> must stay a valid chart and release-name prefix. */
export const PLANT_ID_MAX = 40;
/** Catalog folders the build uses for itself. */
export const RESERVED_IDS = new Set(['generic', 'kubevision', 'fleet']);

/** Alias uses a plant file may make; plant files need none or a few. */
const MAX_ALIASES = 100;

const PLANT_KEYS = new Set(['displayName', 'description']);
/**
 * The display name is Rancher's chart title; the description goes into the chart's
 * app-readme.md and README.md, which Rancher shows above the form.
 */
export const DISPLAY_NAME_MAX = 80;
export const DESCRIPTION_MAX = 2000;

export function plantIdOf(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/, '');
}

export function loadPlant(file: string, defaults: Record<string, unknown>, validator: ValuesValidator, label = file): Plant {
  const id = plantIdOf(file);
  const problems: string[] = [];
  if (!PLANT_ID.test(id) || id.length > PLANT_ID_MAX) {
    problems.push(`file name: the plant id "${id}" must be lowercase letters, digits and dashes, at most ${PLANT_ID_MAX} characters`);
  }
  if (RESERVED_IDS.has(id)) {
    problems.push(`file name: "${id}" is reserved for ${id === 'fleet' ? 'the Fleet bundle (catalog/fleet)' : 'the generic chart'}`);
  }

  const doc = parseHelmYaml(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new PlantError(label, doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`));
  }
  let raw: unknown;
  try {
    // The yaml library refuses documents whose aliases expand excessively (a "billion laughs").
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (e) {
    throw new PlantError(label, [`not valid YAML: ${e instanceof Error ? e.message : String(e)} (at most ${MAX_ALIASES} alias uses)`]);
  }
  if (!isMap(raw)) throw new PlantError(label, ['(top level): must be a mapping with keys plant and values']);

  for (const key of Object.keys(raw)) {
    if (key !== 'plant' && key !== 'values') problems.push(`${key}: unknown key (a plant file has plant and values)`);
  }
  const meta = raw.plant;
  let displayName = id;
  let description = '';
  if (!isMap(meta)) {
    problems.push('plant: must be a mapping with displayName (and optionally description)');
  } else {
    for (const key of Object.keys(meta)) if (!PLANT_KEYS.has(key)) problems.push(`plant.${key}: unknown key`);
    if (typeof meta.displayName !== 'string' || !meta.displayName.trim()) {
      problems.push('plant.displayName: must be a non-empty string');
    } else if (meta.displayName.trim().length > DISPLAY_NAME_MAX) {
      problems.push(`plant.displayName: at most ${DISPLAY_NAME_MAX} characters (got ${meta.displayName.trim().length})`);
    } else displayName = meta.displayName.trim();
    if (meta.description !== undefined) {
      if (typeof meta.description !== 'string') problems.push('plant.description: must be a string');
      else if (meta.description.trim().length > DESCRIPTION_MAX) {
        problems.push(`plant.description: at most ${DESCRIPTION_MAX} characters (got ${meta.description.trim().length})`);
      } else description = meta.description.trim();
    }
  }
  const overrides = raw.values ?? {};
  if (!isMap(overrides)) {
    problems.push('values: must be a mapping of chart values');
    throw new PlantError(label, problems);
  }
  const values = coalesce(defaults, overrides);
  problems.push(...validator.plantProblems(overrides, values, 'values.'));
  if (problems.length) throw new PlantError(label, problems);
  // Checked above against the schema generated from the declarations KubeVisionValues is computed from.
  return { id, file, displayName, description, overrides, values: values as KubeVisionValues };
}

/** A folder that cannot be a plant folder: every build or plan stops before writing anything. */
export class ValuesFolderError extends Error {
  override name = 'ValuesFolderError';
}

export interface PlantFile {
  id: string;
  file: string;
}

/**
 * The plant files of a folder, one per plant. A missing or empty folder is an error, not
 * "no plants": a build of no plants would replace every published chart with nothing.
 */
export function plantFiles(dir: string): PlantFile[] {
  if (!existsSync(dir)) throw new ValuesFolderError(`values folder ${dir} does not exist (--values names the folder of plant files)`);
  if (!statSync(dir).isDirectory()) throw new ValuesFolderError(`values folder ${dir} is not a folder`);
  const names = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (!names.length) throw new ValuesFolderError(`values folder ${dir} holds no plant files (<plant>.yaml); create one with: kubevision new <plant>`);
  const byId = new Map<string, string[]>();
  for (const n of names) byId.set(plantIdOf(n), [...(byId.get(plantIdOf(n)) ?? []), n]);
  const twice = [...byId].filter(([, fs]) => fs.length > 1);
  if (twice.length) {
    throw new ValuesFolderError(
      twice.map(([id, fs]) => `${path.join(dir, fs.join(' and '))}: two files for plant ${id}; keep one`).join('\n'),
    );
  }
  return [...byId].map(([id, fs]) => ({ id, file: path.join(dir, fs[0]!) }));
}
