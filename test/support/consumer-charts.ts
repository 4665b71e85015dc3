import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { compare } from 'semver';
import { parseHelmYaml } from '../../src/helm/yaml.ts';
import { helm } from '../../src/helm/run.ts';
import { parseManifests, type K8sObject } from '../../src/plan/render.ts';
import { catalogDir } from './catalog.ts';
import type { Question, RancherChart, RancherCluster } from './rancher-dashboard.ts';

/**
 * Published chart versions as a consumer gets them from a catalog of the fresh build: the
 * values.yaml, questions and annotations Rancher's API hands the dashboard (it reads
 * Chart.yaml, values.yaml and questions.yaml from the archive and serves them as JSON:
 * rancher/rancher pkg/catalogv2/helm/info.go InfoFromTarball).
 */
export interface PublishedChart extends RancherChart {
  name: string;
  version: string;
  /** The unpacked chart (charts/<name>/<version>/ of the catalog). */
  dir: string;
  questions: Question[];
  annotations: Record<string, string>;
}

const readYaml = (file: string) => parseHelmYaml(readFileSync(file, 'utf8')).toJS() as Record<string, unknown>;

export function publishedChart(catalog: string, name: string, version: string): PublishedChart {
  const dir = path.join(catalogDir(catalog), 'charts', name, version);
  const chartYaml = readYaml(path.join(dir, 'Chart.yaml')) as { annotations?: Record<string, string> };
  const questions = (readYaml(path.join(dir, 'questions.yaml')) as { questions?: Question[] }).questions ?? [];
  // Through JSON, as Rancher's API serves it.
  const values = JSON.parse(JSON.stringify(readYaml(path.join(dir, 'values.yaml')))) as Record<string, unknown>;
  return { name, version, dir, values, questions, annotations: chartYaml.annotations ?? {} };
}

/** Every version a catalog publishes of a chart, oldest first. */
export function publishedVersions(catalog: string, name: string): string[] {
  const index = YAML.parse(readFileSync(path.join(catalogDir(catalog), 'index.yaml'), 'utf8')) as { entries: Record<string, { version: string }[]> };
  return (index.entries[name] ?? []).map((v) => v.version).sort(compare);
}

/** A Rancher-managed cluster as the dashboard sees it. */
export const CLUSTER: RancherCluster = {
  clusterId: 'c-m-8x2kqz7d',
  clusterName: 'plant-k3s',
  serverUrl: 'https://rancher.example.com',
  rkePathPrefix: '',
  rkeWindowsPathPrefix: '',
  windows: false,
  systemProjectId: 'p-x7k2v',
  registrySetting: '',
};
/** The same with Rancher's system-default-registry setting (an air-gapped Rancher). */
export const AIRGAPPED: RancherCluster = { ...CLUSTER, registrySetting: 'registry.rancher.plant.local:5000' };

export interface Render {
  code: number;
  stderr: string;
  objects: K8sObject[];
}

/** helm template with the values a consumer sends, given as a values file as Rancher's helm operation does. */
export async function renderWith(
  dir: string,
  release: string,
  namespace: string,
  values: Record<string, unknown>,
  work: string,
  extra: string[] = [],
): Promise<Render> {
  const file = path.join(work, `values-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(values));
  const r = await helm(['template', release, dir, '--namespace', namespace, '--values', file, ...extra]);
  return { code: r.code, stderr: r.stderr, objects: r.code === 0 ? parseManifests(r.stdout) : [] };
}

/** Every image the rendered pod templates pull: init containers and containers. */
export function images(objs: K8sObject[]): string[] {
  return objs.flatMap((o) => {
    const spec = (o.spec as { template?: { spec?: Record<string, { image: string }[] | undefined> } } | undefined)?.template?.spec;
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image);
  });
}

/**
 * The fields Kubernetes refuses to change on an existing object, so an upgrade whose new
 * render differs in them fails at the API server: a StatefulSet may change only replicas,
 * template, updateStrategy, minReadySeconds, ordinals and the PVC retention policy
 * (apps/validation ValidateStatefulSetUpdate), a Deployment not its selector
 * (ValidateDeploymentUpdate), a Service not its clusterIP (ValidateServiceUpdate).
 */
export function immutableParts(objs: K8sObject[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of objs) {
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    const key = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'StatefulSet') {
      const { replicas: _r, template: _t, updateStrategy: _u, minReadySeconds: _m, ordinals: _o, persistentVolumeClaimRetentionPolicy: _p, ...fixed } = spec;
      out[key] = fixed;
    } else if (o.kind === 'Deployment') out[key] = { selector: spec.selector };
    else if (o.kind === 'Service') out[key] = { clusterIP: spec.clusterIP ?? null, type: spec.type ?? null };
  }
  return out;
}
