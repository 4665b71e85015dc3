import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../src/plan/render.ts';
import { plantNodes } from '../support/nodes.ts';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadPlants } from '../../src/pipeline/build.ts';
import { formatPlan, planPlant } from '../../src/plan/plan.ts';
import { siteNode, siteReport } from '../../src/placement/nodes.ts';
import { component, helm, genericChartDir, renderWith, template, theModel, writeYaml } from '../support/plants.ts';
import { schedulableOn } from '../support/scheduler.ts';
import { tempDirs } from '../support/temp.ts';

const tempDir = tempDirs();
const valuesFile = (values: unknown) => {
  const file = path.join(tempDir('kv-extras-'), 'values.yaml');
  writeYaml(file, values);
  return file;
};

/**
 * A plant's own scheduling beside placement (src/placement/extras.ts): global and
 * per-service nodeSelector, tolerations and affinity, merged with what placement makes, in
 * the precedence the chart documents; refused where it would change placement's meaning.
 */
interface Pod {
  nodeSelector?: Record<string, string>;
  tolerations?: Record<string, unknown>[];
  affinity: { nodeAffinity: Record<string, unknown>; podAffinity?: unknown; podAntiAffinity?: unknown };
}
const pods = (objs: K8sObject[]) =>
  Object.fromEntries(
    objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => [component(o)!, (o.spec as { template: { spec: Pod } }).template.spec]),
  ) as Record<string, Pod>;
const workload = (objs: K8sObject[], name: string) => objs.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && component(o) === name)!;

describe("a plant's own scheduling", () => {
  it('none by default: the pods carry placement only', async () => {
    for (const [name, pod] of Object.entries(pods(await renderWith()))) {
      expect(pod, name).not.toHaveProperty('nodeSelector');
      expect(Object.keys(pod.affinity), name).toEqual(['nodeAffinity']);
      expect(Object.keys(pod.affinity.nodeAffinity), name).toEqual(['requiredDuringSchedulingIgnoredDuringExecution']);
    }
  });

  it('nodeSelector: global on every workload, the service\'s added and winning on the same key; ANDed with placement', async () => {
    const objs = await renderWith('global.nodeSelector.plant\\.example/line=body', 'global.nodeSelector.plant\\.example/zone=a', 'auth.nodeSelector.plant\\.example/zone=b');
    const all = pods(objs);
    expect(all.face!.nodeSelector).toEqual({ 'plant.example/line': 'body', 'plant.example/zone': 'a' });
    expect(all.auth!.nodeSelector).toEqual({ 'plant.example/line': 'body', 'plant.example/zone': 'b' });
    // No prepared node of the plant carries these labels: nothing schedules until one does.
    expect(schedulableOn(workload(objs, 'auth'), plantNodes)).toEqual([]);
    const labelled = plantNodes.map((n) => ({ ...n, labels: { ...n.labels, 'plant.example/line': 'body', 'plant.example/zone': 'b' } }));
    expect(schedulableOn(workload(objs, 'auth'), labelled)).toEqual(['edge', 'cloud']);
  });

  it('priorityClassName: the service\'s, else the global one, else none', async () => {
    expect(Object.values(pods(await renderWith())).map((p) => (p as { priorityClassName?: string }).priorityClassName)).toEqual([undefined, undefined, undefined, undefined]);
    const all = pods(await renderWith('global.priorityClassName=plant-high', 'mongodb.priorityClassName=plant-critical')) as Record<string, Pod & { priorityClassName?: string }>;
    expect(all.auth!.priorityClassName).toBe('plant-high');
    expect(all.mongodb!.priorityClassName).toBe('plant-critical');
  });

  it("tolerations: placement's first, then the global ones, then the service's", async () => {
    const pod = pods(
      await renderWith('global.tolerations[0].key=plant.example/maintenance', 'global.tolerations[0].operator=Exists', 'mongodb.tolerations[0].key=plant.example/storage', 'mongodb.tolerations[0].value=ssd', 'mongodb.tolerations[0].effect=NoSchedule'),
    ).mongodb!;
    expect(pod.tolerations!.map((t) => t.key)).toEqual([
      'kubevision.io/site',
      'node.kubernetes.io/unreachable',
      'node.kubernetes.io/not-ready',
      'plant.example/maintenance',
      'plant.example/storage',
    ]);
    expect(pod.tolerations!.at(-1)).toEqual({ key: 'plant.example/storage', value: 'ssd', effect: 'NoSchedule' });
  });

  it("affinity: preferred node affinity and pod (anti-)affinity, each the service's or else the global one, beside placement's required terms", async () => {
    const anti = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } } }] };
    const preferred = [{ weight: 50, preference: { matchExpressions: [{ key: 'plant.example/fast', operator: 'In', values: ['true'] }] } }];
    const p = pods(
      await template(genericChartDir(), [
        '-f',
        valuesFile({
          global: { affinity: { podAntiAffinity: anti, nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } } },
          face: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [] } } },
        }),
      ]),
    );
    expect(p.auth!.affinity.podAntiAffinity).toEqual(anti);
    expect(p.auth!.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual(preferred);
    expect(p.auth!.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeDefined();
    expect(p.face!.affinity.podAntiAffinity).toEqual({ requiredDuringSchedulingIgnoredDuringExecution: [] });
  });

  it("tolerateTaints (the form's list): kubectl's taint syntax becomes tolerations, after the objects; empty rows are ignored", async () => {
    const objs = await template(genericChartDir(), [
      '-f',
      valuesFile({
        global: { tolerations: [{ key: 'plant.example/object', operator: 'Exists' }], tolerateTaints: ['plant.example/maintenance', ''] },
        face: { tolerateTaints: ['plant.example/line=7:NoSchedule', 'dedicated:NoExecute'] },
      }),
    ]);
    const face = pods(objs).face!;
    expect(face.tolerations!.slice(-4)).toEqual([
      { key: 'plant.example/object', operator: 'Exists' },
      { key: 'plant.example/maintenance', operator: 'Exists' },
      { key: 'plant.example/line', operator: 'Equal', value: '7', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
    ]);
    expect(pods(objs).auth!.tolerations!.at(-1)).toEqual({ key: 'plant.example/maintenance', operator: 'Exists' });
    // What the scheduler does with them (test/support/scheduler.ts): the line's taint keeps
    // auth off the node, face tolerates it; a value other than 7 is not tolerated.
    const tainted = (value: string) =>
      plantNodes.map((n) => (n.name === 'edge' ? { ...n, taints: [...n.taints, { key: 'plant.example/line', value, effect: 'NoSchedule' as const }] } : n));
    expect(schedulableOn(workload(objs, 'auth'), tainted('7'))).toEqual(['cloud']);
    expect(schedulableOn(workload(objs, 'face'), tainted('7'))).toContain('edge');
    expect(schedulableOn(workload(objs, 'face'), tainted('8'))).not.toContain('edge');
  });

  it("preferNodeLabels (the form's key-value editor): one preferred term of weight 100, global and the service's merged, after the affinity's own", async () => {
    const own = [{ weight: 10, preference: { matchExpressions: [{ key: 'plant.example/ssd', operator: 'Exists' }] } }];
    const p = pods(
      await template(genericChartDir(), [
        '-f',
        valuesFile({
          global: { preferNodeLabels: { 'plant.example/line': '7', 'plant.example/hall': 'a' } },
          face: { preferNodeLabels: { 'plant.example/hall': 'b' }, affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: own } } },
        }),
      ]),
    );
    const term = (hall: string) => ({
      weight: 100,
      preference: {
        matchExpressions: [
          { key: 'plant.example/hall', operator: 'In', values: [hall] },
          { key: 'plant.example/line', operator: 'In', values: ['7'] },
        ],
      },
    });
    expect(p.face!.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([...own, term('b')]);
    expect(p.auth!.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([term('a')]);
  });

  it('refused, naming the value: required node affinity (it would widen placement), a toleration that Kubernetes refuses', async () => {
    const refused = async (values: unknown) => {
      const r = await helm(['template', 'kv', genericChartDir(), '-f', valuesFile(values)]);
      expect(r.code).not.toBe(0);
      return r.stderr;
    };
    expect(await refused({ auth: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } } })).toMatch(/auth\.affinity\.nodeAffinity/);
    expect(await refused({ global: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } })).toMatch(/global\.tolerations\.0\.value/);
    expect(await refused({ face: { tolerations: [{ key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }] } })).toMatch(/face\.tolerations\.0\.effect/);
    // The form's inputs: a misspelt effect, a second '=', a label value with a space.
    expect(await refused({ global: { tolerateTaints: ['ok:NoSchedule', 'k=v:NoShedule'] } })).toMatch(/global\.tolerateTaints\.1/);
    expect(await refused({ auth: { tolerateTaints: ['k=v=w'] } })).toMatch(/auth\.tolerateTaints\.0/);
    expect(await refused({ face: { preferNodeLabels: { 'plant.example/line': 'line 7' } } })).toMatch(/face\.preferNodeLabels\.plant\.example\/line|face\.preferNodeLabels/);
    expect(await refused({ global: { nodeSelector: { zone: 'a/b' } } })).toMatch(/global\.nodeSelector/);
    // The build says the same, with what the value must be.
    expect(theModel().validator.problems({ ...theModel().defaults, global: { ...theModel().defaults.global, tolerateTaints: ['k=v:NoShedule'] } })).toEqual([
      'global.tolerateTaints.0: must be a taint as kubectl writes it: key[=value][:effect] (effect NoSchedule, PreferNoSchedule or NoExecute), e.g. plant.example/line=7:NoSchedule (got "k=v:NoShedule")',
    ]);
  });

  it('plan and site reflect them: the labels a node must have, and why a workload does not run on a node', async () => {
    const dir = tempDir('kv-extras-plant-');
    writeFileSync(
      path.join(dir, 'line-seven.yaml'),
      'plant:\n  displayName: Line Seven\nvalues:\n  global:\n    nodeSelector:\n      plant.example/line: "7"\n    tolerateTaints: ["plant.example/line=7:NoSchedule"]\n  auth:\n    nodeSelector:\n      plant.example/zone: office\n    preferNodeLabels:\n      plant.example/hall: b\n',
    );
    const model = theModel();
    const [plant] = loadPlants(model, dir);
    const plan = await planPlant(model, plant!);
    const auth = plan.workloads.find((w) => w.component === 'auth')!;
    expect(auth.nodeTerms).toEqual([
      { 'kubevision.io/site': 'onprem', 'plant.example/line': '7', 'plant.example/zone': 'office' },
      { 'kubevision.io/site': 'cloud', 'plant.example/line': '7', 'plant.example/zone': 'office' },
    ]);
    expect(formatPlan(plan)).toContain('plant.example/zone=office');
    expect(auth.preferred).toEqual([{ weight: 100, labels: 'plant.example/hall=b' }]);
    expect(formatPlan(plan)).toMatch(/tolerates .*plant\.example\/line=7:NoSchedule/);
    expect(formatPlan(plan)).toContain('prefers plant.example/hall=b (weight 100)');
    const report = siteReport(siteNode(plant!, 'cloud', false), plan);
    expect(report.labels).toEqual({ 'kubevision.io/site': 'cloud', 'topology.kubernetes.io/zone': 'cloud', 'plant.example/line': '7' });
    expect(report.workloads.find((w) => w.component === 'frontend')).toMatchObject({ runs: true });
    expect(report.workloads.find((w) => w.component === 'auth')).toEqual({ component: 'auth', runs: false, reason: 'also needs node labels plant.example/zone=office (auth.nodeSelector)' });
  });
});
