import { describe, expect, it } from 'vitest';
import { AIRGAPPED, CLUSTER, images, immutableParts, publishedChart, publishedVersions, renderWith } from '../support/consumer-charts.ts';
import { apiServerProblems } from '../support/k8s-validation.ts';
import { chartVersion, thePlants, withoutGenerated } from '../support/plants.ts';
import { answer, appValuesAsRancherShowsThem, helmUpgradeValues, rancherInstall, rancherUpgrade, type Dialect } from '../support/rancher-dashboard.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * Each catalog's charts installed and upgraded exactly as Rancher's Apps & Marketplace does:
 * the values the dashboard sends (test/support/rancher-dashboard.ts, a port of
 * rancher/dashboard install.vue at 17ad8a6 and v2.14.4), rendered by helm 3 (Rancher runs
 * helm 3) under the release name and namespace Rancher takes from the chart's annotations.
 */
const tempDir = tempDirs();
const DIALECTS: Dialect[] = ['v2.14', 'head'];
const catalogs = [
  { catalog: 'generic', chart: 'kubevision', plantRegistry: '' },
  ...thePlants().map((p) => ({ catalog: p.id, chart: `kubevision-${p.id}`, plantRegistry: (p.values.global as { imageRegistry: string }).imageRegistry })),
];

describe.each(catalogs)('$chart from catalog/$catalog: a new install through Rancher', ({ catalog, chart, plantRegistry }) => {
  const newest = () => publishedChart(catalog, chart, chartVersion(chart));

  it.each(DIALECTS)('renders with what the %s dashboard sends, under the annotated release name and namespace', async (dialect) => {
    const c = newest();
    const sent = rancherInstall(c, undefined, CLUSTER, { dialect });
    expect(sent.releaseName).toBe(c.annotations['catalog.cattle.io/release-name']);
    expect(sent.namespace).toBe(c.annotations['catalog.cattle.io/namespace']);
    // What the strict schema must take: Rancher's globals, and the registry keys because
    // values.yaml declares global.cattle.systemDefaultRegistry.
    expect(sent.values).toMatchObject({
      global: { cattle: { clusterId: CLUSTER.clusterId, clusterName: CLUSTER.clusterName, systemProjectId: CLUSTER.systemProjectId, url: CLUSTER.serverUrl }, systemDefaultRegistry: '' },
    });
    const r = await renderWith(c.dir, sent.releaseName, sent.namespace, sent.values, tempDir('render'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.objects.flatMap(apiServerProblems)).toEqual([]);
    for (const image of images(r.objects)) expect(image.startsWith(plantRegistry ? `${plantRegistry}/` : 'kubevision/') || image.startsWith('library/mongo')).toBe(true);
  });

  it("takes Rancher's system default registry for its images, unless the plant has its own mirror", async () => {
    const c = newest();
    const sent = rancherInstall(c, undefined, AIRGAPPED, { dialect: 'head' });
    expect(sent.values).toMatchObject({ global: { cattle: { systemDefaultRegistry: AIRGAPPED.registrySetting }, systemDefaultRegistry: AIRGAPPED.registrySetting } });
    const r = await renderWith(c.dir, sent.releaseName, sent.namespace, sent.values, tempDir('render'));
    expect(r.code, r.stderr).toBe(0);
    const expected = plantRegistry || AIRGAPPED.registrySetting;
    const all = images(r.objects);
    expect(all.length).toBeGreaterThan(2);
    for (const image of all) expect(image.startsWith(`${expected}/`), image).toBe(true);
  });

  it('renders on a cluster with Windows workers, where Rancher adds global.cattle.windows', async () => {
    const c = newest();
    const sent = rancherInstall(c, undefined, { ...CLUSTER, windows: true }, { dialect: 'head' });
    expect(sent.values).toMatchObject({ global: { cattle: { windows: { enabled: true } } } });
    const r = await renderWith(c.dir, sent.releaseName, sent.namespace, sent.values, tempDir('render'));
    expect(r.code, r.stderr).toBe(0);
  });

  it('keeps an answer given in the form', async () => {
    const c = newest();
    const sent = rancherInstall(c, (_values, form) => answer(form!, 'frontend.replicaCount', 5), CLUSTER, { dialect: 'head' });
    expect(sent.values).toMatchObject({ frontend: { replicaCount: 5 } });
    const r = await renderWith(c.dir, sent.releaseName, sent.namespace, sent.values, tempDir('render'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.objects.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'frontend')?.spec?.replicas).toBe(5);
  });

  it('keeps the advanced scheduling answers: node labels required and preferred (key-value editor: objects), taints (list input: strings), a PriorityClass', async () => {
    const c = newest();
    const sent = rancherInstall(
      c,
      (_values, form) => {
        const types = Object.fromEntries(form!.questions.map((q) => [q.variable, q.type]));
        expect(types).toMatchObject({ 'global.nodeSelector': 'map[string]', 'global.preferNodeLabels': 'map[string]', 'global.tolerateTaints': 'array[string]' });
        // QuestionMap.vue's KeyValue emits the map as an object; a string answer is a text field's.
        answer(form!, 'global.nodeSelector', { 'plant.example/line': '7' });
        answer(form!, 'face.preferNodeLabels', { 'plant.example/hall': 'b' });
        // Array.vue's ArrayList emits every row trimmed, a row left empty included.
        answer(form!, 'global.tolerateTaints', ['plant.example/line=7:NoSchedule', '']);
        answer(form!, 'global.priorityClassName', 'plant-high');
      },
      CLUSTER,
      { dialect: 'head' },
    );
    expect(sent.values).toMatchObject({ global: { nodeSelector: { 'plant.example/line': '7' }, priorityClassName: 'plant-high' } });
    const r = await renderWith(c.dir, sent.releaseName, sent.namespace, sent.values, tempDir('render'));
    expect(r.code, r.stderr).toBe(0);
    type Spec = { nodeSelector?: unknown; priorityClassName?: string; tolerations: unknown[]; affinity: { nodeAffinity: Record<string, unknown> } };
    for (const w of r.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      const pod = (w.spec as { template: { spec: Spec } }).template.spec;
      expect(pod.nodeSelector, w.metadata.name).toEqual({ 'plant.example/line': '7' });
      expect(pod.priorityClassName).toBe('plant-high');
      expect(pod.tolerations.at(-1)).toEqual({ key: 'plant.example/line', operator: 'Equal', value: '7', effect: 'NoSchedule' });
      const preferred = pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution;
      if (w.metadata.labels?.['app.kubernetes.io/component'] === 'face') {
        expect(preferred).toEqual([{ weight: 100, preference: { matchExpressions: [{ key: 'plant.example/hall', operator: 'In', values: ['b'] }] } }]);
      } else expect(preferred).toBeUndefined();
    }
  });
});

describe.each(catalogs)('$chart from catalog/$catalog: upgrades through Rancher from every published version', ({ catalog, chart }) => {
  const versions = publishedVersions(catalog, chart);
  const newestVersion = versions.at(-1)!;
  const older = versions.slice(0, -1);

  it('has the newest version of the build at the top of its catalog', () => {
    expect(newestVersion).toBe(chartVersion(chart));
  });

  it.runIf(older.length > 0).each(older)('from %s: the earlier answers are kept, with and without resetValues, and nothing immutable changes', async (from) => {
    const before = publishedChart(catalog, chart, from);
    const after = publishedChart(catalog, chart, newestVersion);
    const work = tempDir('upgrade');
    const edit = (values: Record<string, unknown>) => {
      (values.frontend as { replicaCount: number }).replicaCount = 5;
    };
    // The app as installed: through Rancher when that version took Rancher's values; a version
    // whose schema refused them (0.1.0 and its strict schema without global.cattle) could only
    // have been installed with helm itself.
    const viaRancher = rancherInstall(before, (values) => edit(values), CLUSTER, { dialect: 'head', yamlEditor: true });
    let installed = await renderWith(before.dir, viaRancher.releaseName, viaRancher.namespace, viaRancher.values, work);
    let config = viaRancher.values;
    if (installed.code !== 0) {
      expect(installed.stderr).toMatch(/cattle/);
      config = { frontend: { replicaCount: 5 } };
      installed = await renderWith(before.dir, viaRancher.releaseName, viaRancher.namespace, config, work);
    }
    expect(installed.code, installed.stderr).toBe(0);

    const renders = [];
    for (const resetValues of [false, true]) {
      const existing = { values: appValuesAsRancherShowsThem(config, CLUSTER.registrySetting), name: viaRancher.releaseName, namespace: viaRancher.namespace };
      const sent = rancherUpgrade(after, existing, undefined, CLUSTER, { dialect: 'head', resetValues });
      const values = helmUpgradeValues(sent.values, config, sent.resetValues);
      const r = await renderWith(after.dir, sent.releaseName!, sent.namespace!, values, work);
      expect(r.code, r.stderr).toBe(0);
      expect(r.objects.flatMap(apiServerProblems)).toEqual([]);
      expect(r.objects.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'frontend')?.spec?.replicas).toBe(5);
      expect(immutableParts(r.objects)).toEqual(immutableParts(installed.objects));
      // Generated Secrets keep their names (the values themselves are kept by `lookup`, which
      // only a cluster answers: helm template sees none); a later version may add one (0.1.10: the administrator setup code).
      const secrets = (objs: typeof r.objects) => objs.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name).sort();
      expect(secrets(r.objects)).toEqual(expect.arrayContaining(secrets(installed.objects)));
      renders.push(withoutGenerated(r.objects.filter((o) => o.kind !== 'Secret')));
    }
    // The dashboard sends the earlier answers either way, so resetValues changes nothing.
    expect(renders[1]).toEqual(renders[0]);
  });
});
