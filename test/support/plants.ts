import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPlants } from '../../src/build/build.ts';
import { buildModel, type Model } from '../../src/model.ts';
import type { Plant } from '../../src/plant/load.ts';
import { parseManifests, type K8sObject } from '../../src/plan/render.ts';
import { helm, helmOk } from '../../src/helm/run.ts';
import { parseHelmYaml, toHelmYaml } from '../../src/helm/yaml.ts';
import type { HelmMajor } from '../../src/helm/binary.ts';
import { BUILD_ROOT, VALUES_DIR } from './paths.ts';

let model: Model | undefined;
export const theModel = (): Model => (model ??= buildModel());
export const thePlants = (): Plant[] => loadPlants(theModel(), VALUES_DIR);
export const plantIds = (): string[] => thePlants().map((p) => p.id);

export const chartDir = (name: string) => path.join(BUILD_ROOT, 'charts', name);
export const genericChartDir = () => chartDir('kubevision');
export const plantChartDir = (id: string) => chartDir(`kubevision-${id}`);

/** The `values:` part of a plant file, as a standalone helm values file. */
export function plantOverridesFile(id: string, dir: string): string {
  const raw = parseHelmYaml(readFileSync(path.join(VALUES_DIR, `${id}.yaml`), 'utf8')).toJS() as { values: unknown };
  const file = path.join(dir, `${id}-overrides.yaml`);
  writeYaml(file, raw.values);
  return file;
}

export function writeYaml(file: string, value: unknown): void {
  writeFileSync(file, toHelmYaml(value));
}

export async function template(chart: string, args: string[] = [], major: HelmMajor = 3): Promise<K8sObject[]> {
  return parseManifests(await helmOk(['template', 'kv', chart, '--namespace', 'kubevision', ...args], { major }));
}

export { helm };

export const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
export const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];
