import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPlants } from '../../src/pipeline/build.ts';
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
/** The version a chart of the fresh build has (its newest in the catalog). */
export const chartVersion = (name: string) =>
  (parseHelmYaml(readFileSync(path.join(chartDir(name), 'Chart.yaml'), 'utf8')).toJS() as { version: string }).version;

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

/** The generic chart rendered with `--set` answers, as a form or `helm install --set` gives them. */
export const renderWith = (...set: string[]): Promise<K8sObject[]> => template(genericChartDir(), set.flatMap((s) => ['--set', s]));

/** The objects of one component (app.kubernetes.io/component), by kind. */
export const kindsOf = (objs: K8sObject[], name: string): string[] => objs.filter((o) => component(o) === name).map((o) => o.kind).sort();

export { helm };

export const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
export const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];

/** An application container (frontend, auth, face) as the chart renders it. */
export interface AppContainer {
  image: string;
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  startupProbe: { httpGet: { path: string; port: string } };
}

/** The first of a kind's objects that belongs to a component, e.g. ('Deployment', 'auth'). */
export function ofComponent(objs: K8sObject[], kind: string, name: string): K8sObject {
  const o = objs.find((x) => x.kind === kind && component(x) === name);
  if (!o) throw new Error(`no ${kind} of component ${name} in the rendered chart`);
  return o;
}

/** The container of a service's Deployment in rendered objects. */
export const appContainer = (objs: K8sObject[], service: string): AppContainer =>
  (ofComponent(objs, 'Deployment', service).spec as { template: { spec: { containers: AppContainer[] } } }).template.spec.containers[0]!;

/**
 * What stands in for a Secret's value when a rendered container's environment is loaded as
 * a service's config: as long as the longest value the chart generates (48 alphanumerics).
 */
export const SECRET_STAND_IN = 'a-value-from-a-secret-0123456789abcdefghijklmnop';

/**
 * The environment a container gets: plain values as rendered; a value that comes from a
 * Secret (known only at run time) is what `fromSecret` stands in for it.
 */
export function containerEnv(c: AppContainer, fromSecret: (variable: string, ref: { name: string; key: string }) => string): Record<string, string> {
  return Object.fromEntries(
    c.env.map((e) => {
      if (e.value !== undefined) return [e.name, e.value];
      const ref = e.valueFrom?.secretKeyRef;
      if (!ref) throw new Error(`${e.name} has neither a value nor a secretKeyRef`);
      return [e.name, fromSecret(e.name, ref)];
    }),
  );
}

// Shared with `kubevision diff`, which compares two renders the same way.
export { withoutGenerated } from '../../src/plan/render.ts';
