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
