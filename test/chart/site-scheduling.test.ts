import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlants } from '../../src/pipeline/build.ts';
import { plantChart } from '../../src/pipeline/charts.ts';
import type { Plant } from '../../src/plant/load.ts';
import { renderChart, type K8sObject } from '../../src/plan/render.ts';
import { component, plantChartDir, template, theModel, thePlants } from '../support/plants.ts';
import { schedulableOn, whyNot, type Node } from '../support/scheduler.ts';
import { nodeOf, parseSiteText, siteJson, siteText, type PrintedNode } from '../support/site.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * `kubevision site` prints how to label and taint a node of one site of a plant. Nodes made
 * exactly as printed (the k3s flags, the Rancher registration flags and the kubectl
 * commands, parsed from the text) are checked with the scheduling model against the
 * plant's chart rendered by helm: every workload placed on that site can run there (GPU
 * work only on the GPU node), and nothing placed only on the other site can.
 */
const SITES = ['onprem', 'cloud'] as const;
type Site = (typeof SITES)[number];

interface Taint {
  enabled: boolean;
  key: string;
  value: string;
  effect: Node['taints'][number]['effect'];
}
interface SiteValues {
  enabled: boolean;
  nodeLabel: { key: string; value: string };
  zone: string;
  taint: Taint;
  gpu: { enabled: boolean; nodeLabel: { key: string; value: string }; taint: Taint };
}
interface WorkloadValues {
  placement: 'onprem' | 'cloud' | 'any';
  compute?: string;
}

/** Where the plant's values say a workload belongs, written from the values, not the chart. */
function belongsOn(plant: Plant, workload: string, site: Site, gpuNode: boolean): boolean {
  const sites = plant.values.sites as Record<Site, SiteValues>;
  const w = (plant.values as Record<string, unknown>)[workload] as WorkloadValues;
  const gpuWork = workload === 'face' && w.compute === 'gpu';
  const allowed = w.placement === 'any' ? SITES.filter((s) => sites[s].enabled && (!gpuWork || sites[s].gpu.enabled)) : [w.placement];
  if (!allowed.includes(site)) return false;
  if (gpuWork) return gpuNode;
  // A CPU workload stays off a GPU node only when GPU nodes are tainted.
  return !gpuNode || !sites[site].gpu.taint.enabled;
}

/** The labels and taints the plant's values declare for a node of the site. */
function declared(plant: Plant, site: Site, gpu: boolean): PrintedNode {
  const s = (plant.values.sites as Record<Site, SiteValues>)[site];
  const taint = (t: Taint) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect });
  return {
    labels: {
      [s.nodeLabel.key]: s.nodeLabel.value,
      ...(gpu ? { [s.gpu.nodeLabel.key]: s.gpu.nodeLabel.value } : {}),
      // Services prefer endpoints in the caller's zone (kubevision.trafficDistribution).
      ...(s.zone ? { 'topology.kubernetes.io/zone': s.zone } : {}),
    },
    taints: [...(s.taint.enabled ? [taint(s.taint)] : []), ...(gpu && s.gpu.taint.enabled ? [taint(s.gpu.taint)] : [])],
  };
}

const workloadsOf = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');

/** Every site of the plant, with and without a GPU where the site has GPU nodes. */
function combos(plant: Plant): { site: Site; gpu: boolean }[] {
  const sites = plant.values.sites as Record<Site, SiteValues>;
  return SITES.filter((s) => sites[s].enabled).flatMap((site) => [{ site, gpu: false }, ...(sites[site].gpu.enabled ? [{ site, gpu: true }] : [])]);
}

const sortTaints = (p: PrintedNode) => ({ labels: p.labels, taints: [...p.taints].sort((a, b) => `${a.key}${a.effect}`.localeCompare(`${b.key}${b.effect}`)) });

async function checkSite(plant: Plant, objs: K8sObject[], site: Site, gpu: boolean, extra: string[] = []) {
  const args = [plant.id, site, ...(gpu ? ['--gpu'] : []), ...extra];
  const [text, json] = await Promise.all([siteText(args), siteJson(args)]);
  const printed = parseSiteText(text);

  // One node, however it is prepared: k3s flags, Rancher registration, kubectl, JSON.
  const fromJson: PrintedNode = { labels: json.labels, taints: json.taints.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect })) };
  expect(sortTaints(printed.rancher)).toEqual(sortTaints(printed.k3s));
  expect(sortTaints(printed.kubectl)).toEqual(sortTaints(printed.k3s));
  expect(sortTaints(fromJson)).toEqual(sortTaints(printed.k3s));
  expect(sortTaints(printed.k3s)).toEqual(sortTaints(declared(plant, site, gpu)));
  expect(json.gpuPrerequisites !== null).toBe(gpu);

  const node = nodeOf(`${plant.id}-${site}${gpu ? '-gpu' : ''}`, printed.k3s, json.gpuPrerequisites);
  const workloads = workloadsOf(objs);
  expect(workloads.length).toBeGreaterThan(0);
  const runs: string[] = [];
  for (const w of workloads) {
    const name = component(w)!;
    const why = whyNot(w, node);
    expect(why === null, `${plant.id}: ${name} on the ${site}${gpu ? ' GPU' : ''} node: ${why ?? 'schedules'}`).toBe(belongsOn(plant, name, site, gpu));
    if (why === null) runs.push(name);
  }
  expect(runs.length, `${plant.id} ${site}${gpu ? ' gpu' : ''}: some workload runs there`).toBeGreaterThan(0);
  // What the command says will run there is what the scheduler model lets run there.
  expect(json.workloads.filter((w) => w.runs).map((w) => w.component).sort()).toEqual(runs.sort());
  expect(printed.runs.sort()).toEqual(runs.sort());
  return { node, json, text };
}

describe.each(thePlants().map((p) => ({ id: p.id, plant: p })))('kubevision site for $id', ({ plant }) => {
  it.each(combos(plant).map((c) => ({ ...c, label: `${c.site}${c.gpu ? ' --gpu' : ''}` })))(
    'a node prepared as printed for $label gets exactly the workloads placed there',
    async ({ site, gpu }) => {
      await checkSite(plant, await template(plantChartDir(plant.id)), site, gpu);
    },
  );

  it("the plant's nodes, each prepared as printed, together run every workload", async () => {
    const objs = await template(plantChartDir(plant.id));
    const nodes: Node[] = [];
    for (const { site, gpu } of combos(plant)) {
      const json = await siteJson([plant.id, site, ...(gpu ? ['--gpu'] : [])]);
      nodes.push(nodeOf(`${site}${gpu ? '-gpu' : ''}`, { labels: json.labels, taints: json.taints }, json.gpuPrerequisites));
    }
    for (const w of workloadsOf(objs)) expect(schedulableOn(w, nodes), component(w)).not.toEqual([]);
  });
});

describe('a plant with its own label keys, values and taints (nothing of the defaults is hard-coded)', () => {
  const tempDir = tempDirs();

  it('prints its keys and effects, and nodes made from them get the right workloads', async () => {
    const dir = tempDir('site-values');
    writeFileSync(
      path.join(dir, 'line-three.yaml'),
      `plant:
  displayName: Line Three
values:
  sites:
    onprem:
      nodeLabel: { key: plant.example.com/zone, value: line-3 }
      taint: { enabled: true, key: plant.example.com/dedicated, value: vision, effect: NoExecute }
      gpu:
        enabled: true
        nodeLabel: { key: gpu.example.com/model, value: a2 }
        taint: { enabled: true, key: gpu.example.com/reserved, value: "", effect: NoSchedule }
        resourceName: gpu.example.com/device
        runtimeClassName: nvidia-cdi
    cloud:
      nodeLabel: { key: topology.example.com/provider, value: public }
      taint: { enabled: true, key: topology.example.com/shared, value: "", effect: PreferNoSchedule }
  frontend: { placement: any }
  auth: { placement: cloud }
  face: { placement: any, compute: gpu, gpu: { count: 2 } }
  mongodb: { placement: onprem }
`,
    );
    const [plant] = loadPlants(theModel(), dir);
    const objs = await renderChart(plantChart(theModel(), plant!));
    const values = ['--values', dir];

    const gpuNode = await checkSite(plant!, objs, 'onprem', true, values);
    expect(gpuNode.node.labels).toEqual({ 'plant.example.com/zone': 'line-3', 'gpu.example.com/model': 'a2', 'topology.kubernetes.io/zone': 'onprem' });
    expect(gpuNode.node.taints).toEqual([
      { key: 'plant.example.com/dedicated', value: 'vision', effect: 'NoExecute' },
      { key: 'gpu.example.com/reserved', effect: 'NoSchedule' },
    ]);
    expect(gpuNode.json.gpuPrerequisites).toMatchObject({ resourceName: 'gpu.example.com/device', runtimeClassName: 'nvidia-cdi' });
    expect(gpuNode.text).toContain('--node-taint plant.example.com/dedicated=vision:NoExecute --node-taint gpu.example.com/reserved:NoSchedule');
    expect(gpuNode.text).toContain('RuntimeClass "nvidia-cdi"');

    const edge = await checkSite(plant!, objs, 'onprem', false, values);
    const cloud = await checkSite(plant!, objs, 'cloud', false, values);
    expect(cloud.text).toContain('--node-taint topology.example.com/shared:PreferNoSchedule');
    for (const r of [gpuNode, edge, cloud]) {
      expect(r.text).not.toContain('kubevision.io/site');
      expect(r.text).not.toContain('nvidia.com/');
    }
    expect(edge.json.workloads.filter((w) => w.runs).map((w) => w.component).sort()).toEqual(['frontend', 'mongodb']);
    expect(cloud.json.workloads.filter((w) => w.runs).map((w) => w.component).sort()).toEqual(['auth', 'frontend']);
    expect(gpuNode.json.workloads.filter((w) => w.runs).map((w) => w.component)).toEqual(['face']);
  });
});
