import type { Site } from '../placement/sites.ts';
import { componentName, fullnameOf } from './constructs/context.ts';
import { MONGODB_CONTAINER, mongodbHost } from './constructs/mongodb.ts';
import type { KubeVisionValues } from '../params/kubevision.ts';

/**
 * What a chart's operator guide is written for: the chart, release, namespace, plant and
 * catalog, and the names of the objects the guide's commands touch (from the helpers the
 * constructs name objects with).
 */
/** What Rancher installs by default (Chart.yaml catalog.cattle.io annotations). */
export const DEFAULT_RELEASE = 'kubevision';
export const DEFAULT_NAMESPACE = 'kubevision';
const GENERIC_CHART = 'kubevision';
const PLANT_PREFIX = 'kubevision-';

export interface OpsContext {
  chart: string;
  release: string;
  namespace: string;
  /** The plant id of a plant chart; undefined for the generic chart. */
  plant?: string;
  /** helm repository name and Rancher ClusterRepo name. */
  repo: string;
  /** Where the catalog folder is served over HTTP(S). */
  catalogUrl: string;
  /** The OCI repository path the charts are pushed under (npm run publish -- oci://…). */
  ociRepo: string;
  /** The chart's default values. */
  defaults: KubeVisionValues;
  names: ObjectNames;
}

export interface ObjectNames {
  authDeployment: string;
  faceDeployment: string;
  authContainer: string;
  mongodbStatefulSet: string;
  mongodbPod: string;
  mongodbContainer: string;
  mongodbSecret: string;
  mongodbHost: string;
  credentialsSecret: string;
  adminSecret: string;
}

export function objectNames(release: string, namespace: string): ObjectNames {
  const fullname = fullnameOf(release);
  const mongodb = componentName(fullname, 'mongodb');
  return {
    authDeployment: componentName(fullname, 'auth'),
    faceDeployment: componentName(fullname, 'face'),
    authContainer: 'auth',
    mongodbStatefulSet: mongodb,
    mongodbPod: `${mongodb}-0`,
    mongodbContainer: MONGODB_CONTAINER,
    // The generated Secrets: Naming(t, 'mongodb'), Naming(t, 'credentials') and Naming(t, 'admin').
    mongodbSecret: mongodb,
    mongodbHost: mongodbHost(fullname, namespace),
    credentialsSecret: componentName(fullname, 'credentials'),
    adminSecret: componentName(fullname, 'admin'),
  };
}

export const plantOfChart = (chart: string): string | undefined =>
  chart === GENERIC_CHART ? undefined : chart.startsWith(PLANT_PREFIX) ? chart.slice(PLANT_PREFIX.length) : undefined;

export function opsContext(
  chart: string,
  defaults: KubeVisionValues,
  over: { release?: string; namespace?: string; catalogUrl?: string; ociRepo?: string } = {},
): OpsContext {
  const plant = plantOfChart(chart);
  const release = over.release ?? DEFAULT_RELEASE;
  const namespace = over.namespace ?? DEFAULT_NAMESPACE;
  const repo = plant ?? 'kubevision';
  return {
    chart,
    release,
    namespace,
    plant,
    repo,
    catalogUrl: over.catalogUrl ?? `https://charts.example.com/${repo}`,
    ociRepo: over.ociRepo ?? 'oci://registry.example.com/kubevision',
    defaults,
    names: objectNames(release, namespace),
  };
}

// --- what the values say -------------------------------------------------------------

const sites = (c: OpsContext) => c.defaults.sites;
const face = (c: OpsContext) => c.defaults.face;
export const bundledMongodb = (c: OpsContext) => c.defaults.mongodb.mode === 'bundled';

/** The placement example: face moves to the other site; what else that takes on this chart. */
export function placementMove(c: OpsContext): { target: Site; sets: string[] } {
  const from = face(c).placement;
  const target: Site = from === 'cloud' ? 'onprem' : 'cloud';
  const sets: string[] = [];
  if (!sites(c)[target].enabled) sets.push(`sites.${target}.enabled=true`);
  sets.push(`face.placement=${target}`);
  if (face(c).compute === 'gpu' && !sites(c)[target].gpu.enabled) sets.push('face.compute=cpu');
  return { target, sets };
}
