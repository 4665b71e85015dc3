import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { chartContent, filesAt, type ChartSpec } from '../chart/chart-files.ts';
import { Staging } from '../pipeline/staging.ts';
import { writeTree } from '../tree.ts';
import { helmOk } from '../helm/run.ts';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Writes a chart to a temporary folder and renders it with the real helm. The version is a
 * stand-in: what a chart schedules does not depend on it.
 */
export async function renderChart(spec: ChartSpec, args: string[] = []): Promise<K8sObject[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'kubevision-render-'));
  try {
    const staging = new Staging(root);
    writeTree(staging.path(spec.name), filesAt(chartContent(spec), '0.0.0-plan'));
    const out = await helmOk(['template', 'kubevision', staging.path(spec.name), '--namespace', 'kubevision', ...args]);
    return parseManifests(out);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function parseManifests(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/**
 * Objects as two renders of the same release agree on them without a cluster: generated
 * Secret values are random under `helm template` (only `lookup` in a cluster keeps them),
 * and so are the pods' checksums of them (test/chart/checksums.test.ts checks both with one).
 */
export function withoutGenerated(objs: K8sObject[]): K8sObject[] {
  return objs.map((o) => {
    if (o.kind === 'Secret') return { ...o, data: Object.fromEntries(Object.keys((o.data as Record<string, string>) ?? {}).sort().map((k) => [k, '<generated>'])) };
    const pod = (o.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template?.metadata;
    if (!pod?.annotations || !Object.keys(pod.annotations).some((k) => k.startsWith('checksum/'))) return o;
    const copy = structuredClone(o);
    const annotations = (copy.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;
    for (const k of Object.keys(annotations)) if (k.startsWith('checksum/')) annotations[k] = '<sha256>';
    return copy;
  });
}
