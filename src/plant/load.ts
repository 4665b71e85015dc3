import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseHelmYaml } from '../helm/yaml.ts';
import { PlantError } from './errors.ts';
import { coalesce, isMap } from './merge.ts';
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
  values: Record<string, unknown>;
}

export const PLANT_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** kubevision-<id> must stay a valid chart and release-name prefix. */
export const PLANT_ID_MAX = 40;
/** Catalog folders the build uses for itself. */
export const RESERVED_IDS = new Set(['generic', 'kubevision', 'fleet']);

const PLANT_KEYS = new Set(['displayName', 'description']);

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
  const raw: unknown = doc.toJS() ?? {};
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
    } else displayName = meta.displayName.trim();
    if (meta.description !== undefined) {
      if (typeof meta.description !== 'string') problems.push('plant.description: must be a string');
      else description = meta.description.trim();
    }
  }
  const overrides = raw.values ?? {};
  if (!isMap(overrides)) {
    problems.push('values: must be a mapping of chart values');
    throw new PlantError(label, problems);
  }
  const values = coalesce(defaults, overrides);
  problems.push(...validator.problems(values, 'values.'));
  if (problems.length) throw new PlantError(label, problems);
  return { id, file, displayName, description, overrides, values };
}

export function plantFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}
