import { expect } from 'vitest';
import { kubevision } from './cli.ts';
import type { Node } from './scheduler.ts';

type Effect = Node['taints'][number]['effect'];

export interface PrintedNode {
  labels: Record<string, string>;
  taints: Node['taints'];
}

/** key=value */
export function parseLabel(arg: string): [string, string] {
  const m = /^([^=\s]+)=([^=\s]*)$/.exec(arg);
  if (!m) throw new Error(`not a label: ${arg}`);
  return [m[1]!, m[2]!];
}

/** key[=value]:Effect, as kubelet's --register-with-taints reads it. */
export function parseTaint(arg: string): Node['taints'][number] {
  const m = /^([^=:\s]+)(?:=([^:\s]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(arg);
  if (!m) throw new Error(`not a taint: ${arg}`);
  return { key: m[1]!, ...(m[2] ? { value: m[2] } : {}), effect: m[3] as Effect };
}

/** The words after `flagName` in a printed command line (`--node-label a=b --node-label c=d`). */
function flagValues(words: string[], flagName: string): string[] {
  const out: string[] = [];
  words.forEach((w, i) => {
    if (w === flagName) out.push(words[i + 1]!);
  });
  return out;
}

const unquote = (w: string) => w.replace(/^'(.*)'$/, '$1');

/** The labels and taints a printed command gives a node. */
export function nodeFromFlags(words: string[], labelFlag: string, taintFlag: string): PrintedNode {
  return {
    labels: Object.fromEntries(flagValues(words, labelFlag).map(unquote).map(parseLabel)),
    taints: flagValues(words, taintFlag).map(unquote).map(parseTaint),
  };
}

/** Reads the text `kubevision site` prints: the k3s, Rancher and kubectl commands, each as a node. */
export function parseSiteText(text: string): { k3s: PrintedNode; rancher: PrintedNode; kubectl: PrintedNode; k3sExec: string; runs: string[] } {
  const lines = text.split('\n').map((l) => l.trim());
  const install = lines.find((l) => l.startsWith('curl -sfL https://get.k3s.io |'));
  expect(install, 'the k3s install line').toBeDefined();
  const exec = /INSTALL_K3S_EXEC="([^"]*)"/.exec(install!)?.[1];
  expect(exec).toBeDefined();
  const registration = lines.find((l) => l.includes('/system-agent-install.sh'));
  expect(registration, 'the Rancher registration line').toBeDefined();

  const kubectlLabels = lines.filter((l) => l.startsWith('kubectl label node '));
  expect(kubectlLabels).toHaveLength(1);
  const labelWords = kubectlLabels[0]!.split(/\s+/).slice(4).filter((w) => !w.startsWith('--'));
  const taintWords = lines.filter((l) => l.startsWith('kubectl taint node ')).map((l) => l.split(/\s+/)[4]!);

  const start = lines.findIndex((l) => /^Workloads of .* that will run on such a node:$/.test(l));
  const runs: string[] = [];
  for (let i = start + 1; i < lines.length && lines[i] !== ''; i++) if (lines[i] !== 'none') runs.push(lines[i]!.split(/\s+/)[0]!);

  return {
    k3sExec: exec!,
    k3s: nodeFromFlags(exec!.split(/\s+/), '--node-label', '--node-taint'),
    rancher: nodeFromFlags(registration!.split(/\s+/), '--label', '--taint'),
    kubectl: { labels: Object.fromEntries(labelWords.map(unquote).map(parseLabel)), taints: taintWords.map(unquote).map(parseTaint) },
    runs,
  };
}

export interface SiteJson {
  plant: { id: string };
  site: string;
  gpu: boolean;
  role: string;
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: Effect }[];
  k3s: { flags: string[]; install: string; config: { 'node-label': string[]; 'node-taint'?: string[] } };
  kubectl: string[];
  rancher: { flags: string[]; registration: string };
  workloads: { component: string; runs: boolean; reason?: string; gpus?: { resource: string; count: number; runtimeClassName: string | null } }[];
  gpuPrerequisites: { resourceName: string; runtimeClassName: string; steps: string[] } | null;
  outage: { keepPods: boolean; autonomous: boolean; advice: string[] };
  warnings: string[];
}

export async function siteJson(args: string[]): Promise<SiteJson> {
  const r = await kubevision(['site', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as SiteJson;
}

export async function siteText(args: string[]): Promise<string> {
  const r = await kubevision(['site', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/**
 * The node a plant's platform team gets by running the printed command: its labels and
 * taints, and for a GPU node what the NVIDIA prerequisites give it (the device plugin's
 * resource, the RuntimeClass).
 */
export function nodeOf(name: string, printed: PrintedNode, gpu: SiteJson['gpuPrerequisites']): Node {
  return {
    name,
    labels: printed.labels,
    taints: printed.taints,
    capacity: gpu ? { [gpu.resourceName]: 8 } : {},
    runtimeClasses: gpu?.runtimeClassName ? [gpu.runtimeClassName] : [],
  };
}
