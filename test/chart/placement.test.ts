import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/plan/render.ts';
import { plantNodes } from '../support/nodes.ts';
import { component, genericChartDir, plantChartDir, template } from '../support/plants.ts';
import { schedulableOn, whyNot } from '../support/scheduler.ts';

const workloads = (objs: K8sObject[]) =>
  Object.fromEntries(
    objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => [component(o)!, o]),
  ) as Record<string, K8sObject>;

const where = (objs: K8sObject[]) =>
  Object.fromEntries(Object.entries(workloads(objs)).map(([c, o]) => [c, schedulableOn(o, plantNodes)]));

describe('each plant: where every workload can be scheduled', () => {
  it('Stuttgart (fully on-premise): everything on the edge nodes, nothing in the cloud', async () => {
    const objs = await template(plantChartDir('stuttgart-body-shop'));
    // GPU nodes are tainted for GPU work: CPU workloads stay off them.
    expect(where(objs)).toEqual({ frontend: ['edge'], auth: ['edge'], face: ['edge'], mongodb: ['edge'] });
    expect(JSON.stringify(objs)).not.toContain('nvidia.com/gpu"');
  });

  it('Linz (hybrid): face only on the on-premise GPU node, MongoDB on-premise, dashboard and auth in the cloud', async () => {
    const objs = await template(plantChartDir('linz-assembly'));
    expect(where(objs)).toEqual({ frontend: ['cloud'], auth: ['cloud'], face: ['edge-gpu'], mongodb: ['edge'] });
    const face = workloads(objs).face!;
    expect(whyNot(face, plantNodes.find((n) => n.name === 'cloud-gpu')!)).toBe('node affinity');
    expect(whyNot(face, plantNodes.find((n) => n.name === 'edge')!)).toBe('node affinity');
  });

  it('Porto (cloud, external MongoDB): everything in the cloud, no bundled database', async () => {
    const objs = await template(plantChartDir('porto-logistics'));
    expect(where(objs)).toEqual({ frontend: ['cloud'], auth: ['cloud'], face: ['cloud'] });
    expect(objs.filter((o) => component(o) === 'mongodb' && o.kind !== 'NetworkPolicy')).toEqual([]);
  });
});

describe('generic chart: placement values drive affinity, tolerations and GPUs', () => {
  const face = async (...set: string[]) =>
    workloads(await template(genericChartDir(), set.flatMap((s) => ['--set', s]))).face!;

  it('placement any lands on any prepared node of either site, never on an unprepared or a GPU node', async () => {
    expect(schedulableOn(await face('face.placement=any'), plantNodes)).toEqual(['edge', 'cloud']);
  });

  it('placement cloud with a GPU requests the GPU, its runtime and the GPU image, on cloud GPU nodes only', async () => {
    const f = await face('face.placement=cloud', 'sites.cloud.gpu.enabled=true', 'face.compute=gpu', 'face.gpu.count=2');
    expect(schedulableOn(f, plantNodes)).toEqual(['cloud-gpu']);
    const spec = (f.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
      runtimeClassName: string;
      containers: { image: string; env: { name: string; value?: string }[]; resources: { limits: Record<string, unknown> } }[];
    };
    expect(spec.runtimeClassName).toBe('nvidia');
    expect(spec.containers[0]!.resources.limits['nvidia.com/gpu']).toBe(2);
    expect(spec.containers[0]!.image).toMatch(/face:[^:]+-gpu$/);
    expect(spec.containers[0]!.env).toContainEqual({ name: 'FACE_BACKEND', value: 'tensorflow-gpu' });
  });

  it('placement any with a GPU uses the GPU nodes of every site that has them', async () => {
    const f = await face('face.placement=any', 'sites.onprem.gpu.enabled=true', 'sites.cloud.gpu.enabled=true', 'face.compute=gpu');
    expect(schedulableOn(f, plantNodes)).toEqual(['edge-gpu', 'cloud-gpu']);
  });

  it('placement any with a GPU on one site only stays on that site', async () => {
    const f = await face('face.placement=any', 'sites.onprem.gpu.enabled=true', 'face.compute=gpu');
    expect(schedulableOn(f, plantNodes)).toEqual(['edge-gpu']);
  });

  it('a plant with its own node labels and taints is honoured', async () => {
    const f = await face(
      'face.placement=onprem',
      'sites.onprem.nodeLabel.key=plant.example.com/zone',
      'sites.onprem.nodeLabel.value=line-3',
      'sites.onprem.taint.key=plant.example.com/dedicated',
      'sites.onprem.taint.value=vision',
      'sites.onprem.taint.effect=NoExecute',
    );
    const line3 = {
      name: 'line-3',
      labels: { 'plant.example.com/zone': 'line-3' },
      taints: [{ key: 'plant.example.com/dedicated', value: 'vision', effect: 'NoExecute' as const }],
      capacity: {},
      runtimeClasses: [],
    };
    expect(schedulableOn(f, [...plantNodes, line3])).toEqual(['line-3']);
  });

  it('an untainted on-premise site needs no toleration (but those of a link outage, test/chart/outage.test.ts)', async () => {
    const f = await face('face.placement=onprem', 'sites.onprem.taint.enabled=false', 'sites.onprem.outage.keepPods=false');
    expect((f.spec as { template: { spec: { tolerations?: unknown } } }).template.spec.tolerations).toBeUndefined();
  });

  it('cpu compute never asks for a GPU and leaves the tainted GPU nodes free, even on a GPU site', async () => {
    const f = await face('face.placement=onprem', 'sites.onprem.gpu.enabled=true', 'face.compute=cpu');
    expect(JSON.stringify(f)).not.toContain('nvidia');
    expect(schedulableOn(f, plantNodes)).toEqual(['edge']);
  });
});
