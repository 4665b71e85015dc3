import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.ts';
import { parseHelmYaml } from '../../src/helm/yaml.ts';
import { helmOk } from '../../src/helm/run.ts';
import { parseManifests, type K8sObject } from '../../src/plan/render.ts';
import { catalogDir } from '../support/catalog.ts';
import { PROJECT_ROOT, VALUES_DIR } from '../support/paths.ts';
import { chartVersion, plantChartDir, thePlants, withoutGenerated, writeYaml } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';
import { fleetBundleValues, matchedCustomizations, parseFleetYaml } from '../support/fleet.ts';

/**
 * catalog/fleet/fleet.yaml against Fleet's fleet.yaml reference (fleet-docs
 * docs/ref-fleet-yaml.md), and through what Fleet does with it for a cluster
 * (test/support/fleet.ts: target choice, options Merge, label substitution, valuesFrom).
 */
const LABEL = 'kubevision.io/plant';
const plants = thePlants();
const tempDir = tempDirs();

/** Fields the reference documents, at each level this bundle uses. */
const DOCUMENTED = {
  root: ['defaultNamespace', 'namespace', 'namespaceLabels', 'namespaceAnnotations', 'name', 'labels', 'kustomize', 'helm', 'paused', 'rolloutStrategy', 'targetCustomizations', 'dependsOn'],
  helm: ['chart', 'repo', 'releaseName', 'takeOwnership', 'version', 'values', 'valuesFiles', 'valuesFrom', 'force', 'atomic', 'disablePreProcess', 'waitForJobs'],
  target: ['name', 'namespace', 'defaultNamespace', 'kustomize', 'helm', 'yaml', 'clusterSelector', 'clusterName', 'clusterGroupSelector', 'clusterGroup'],
  valuesFromRef: ['name', 'namespace', 'key'],
};

interface Ref {
  name: string;
  namespace?: string;
  key?: string;
}
interface Target {
  name: string;
  clusterSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  helm?: { values?: Record<string, unknown>; chart?: string; valuesFrom?: unknown[] };
}
interface Fleet {
  defaultNamespace: string;
  helm: {
    chart: string;
    repo: string;
    version: string;
    releaseName: string;
    values?: Record<string, unknown>;
    valuesFrom?: ({ secretKeyRef?: Ref; configMapKeyRef?: Ref } & Record<string, unknown>)[];
  };
  targetCustomizations: Target[];
}

const fleetFile = (root = catalogDir('fleet')) => path.join(root, 'fleet.yaml');
const readFleet = (file = fleetFile()): Fleet => {
  const doc = parseHelmYaml(readFileSync(file, 'utf8'), { uniqueKeys: true });
  expect(doc.errors).toEqual([]);
  return doc.toJS() as Fleet;
};

/** The `values:` part of a plant file, read independently of the build. */
const plantFileValues = (id: string) =>
  (parseHelmYaml(readFileSync(path.join(VALUES_DIR, `${id}.yaml`), 'utf8')).toJS() as { values?: Record<string, unknown> }).values ?? {};

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The customization Fleet picks for a cluster with these labels (test/support/fleet.ts: the first that matches). */
const customizationFor = (labels: Record<string, string>) => matchedCustomizations(parseFleetYaml(readFileSync(fleetFile(), 'utf8')), { name: 'c', labels })[0];

function leaves(v: unknown, at = ''): { at: string; key: string; value: unknown }[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, `${at}[${i}]`));
  if (isMap(v)) return Object.entries(v).flatMap(([k, x]) => [{ at: `${at}.${k}`, key: k, value: x }, ...leaves(x, `${at}.${k}`)]);
  return [];
}

describe('catalog/fleet/fleet.yaml', () => {
  const fleet = readFleet();

  it('uses only fields of the fleet.yaml reference, where the reference puts them', () => {
    for (const k of Object.keys(fleet)) expect(DOCUMENTED.root, `fleet.yaml: ${k}`).toContain(k);
    for (const k of Object.keys(fleet.helm)) expect(DOCUMENTED.helm, `helm.${k}`).toContain(k);
    for (const t of fleet.targetCustomizations) {
      for (const k of Object.keys(t)) expect(DOCUMENTED.target, `targetCustomizations[${t.name}].${k}`).toContain(k);
      for (const k of Object.keys(t.helm ?? {})) expect(DOCUMENTED.helm, `targetCustomizations[${t.name}].helm.${k}`).toContain(k);
    }
    // valuesFrom belongs under helm, not at the root.
    expect(fleet).not.toHaveProperty('valuesFrom');
    expect(Array.isArray(fleet.helm.valuesFrom)).toBe(true);
  });

  it('installs the generic chart of this version from a Helm repository, as release kubevision in namespace kubevision', () => {
    expect(fleet.helm.chart).toBe('kubevision');
    expect(fleet.helm.version).toBe(chartVersion('kubevision'));
    expect(fleet.helm.releaseName).toBe('kubevision');
    expect(fleet.defaultNamespace).toBe('kubevision');
    expect(fleet.helm.repo).toMatch(/^https?:\/\/[^/]+\/.*\/$/);
    // The generic catalog the repo URL stands for holds that chart and version.
    const index = YAML.parse(readFileSync(path.join(catalogDir('generic'), 'index.yaml'), 'utf8')) as { entries: Record<string, { version: string; urls: string[] }[]> };
    const entry = index.entries[fleet.helm.chart]?.find((v) => v.version === fleet.helm.version);
    expect(entry).toBeDefined();
    // Fleet resolves the relative chart URL against helm.repo as a URL reference.
    const resolved = new URL(entry!.urls[0]!, fleet.helm.repo).toString();
    expect(resolved.startsWith(fleet.helm.repo)).toBe(true);
    expect(existsSync(path.join(catalogDir('generic'), resolved.slice(fleet.helm.repo.length)))).toBe(true);
  });

  it('maps every plant to exactly one targetCustomization, selected by the plant cluster label, with the plant file values', () => {
    expect(fleet.targetCustomizations.map((t) => t.name).sort()).toEqual(plants.map((p) => p.id).sort());
    for (const p of plants) {
      const mine = fleet.targetCustomizations.filter((t) => t.clusterSelector?.matchLabels?.[LABEL] === p.id);
      expect(mine, p.id).toHaveLength(1);
      const t = mine[0]!;
      expect(t.clusterSelector).toEqual({ matchLabels: { [LABEL]: p.id } });
      expect(t.helm?.values, p.id).toEqual(plantFileValues(p.id));
      expect(t.helm?.chart ?? fleet.helm.chart, 'the generic chart').toBe('kubevision');
      // What Fleet picks for a cluster labelled with the plant (first match wins).
      expect(customizationFor({ [LABEL]: p.id, 'other/label': 'x' })).toBe(p.id);
    }
    expect(customizationFor({ [LABEL]: 'atlantis' })).toBeUndefined();
    expect(customizationFor({})).toBeUndefined();
  });

  it('takes cluster-local values from Secrets or ConfigMaps by name only, under helm.valuesFrom', () => {
    const refs = fleet.helm.valuesFrom ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      const kinds = Object.keys(r);
      expect(kinds.length).toBe(1);
      expect(['secretKeyRef', 'configMapKeyRef']).toContain(kinds[0]);
      const ref = (r.secretKeyRef ?? r.configMapKeyRef)!;
      for (const k of Object.keys(ref)) expect(DOCUMENTED.valuesFromRef).toContain(k);
      expect(ref.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(ref.namespace).toBe(fleet.defaultNamespace);
      expect(ref.key).toMatch(/^[-._a-zA-Z0-9]+$/);
    }
    expect(refs.some((r) => r.secretKeyRef)).toBe(true);
    for (const t of fleet.targetCustomizations) expect(t.helm?.valuesFrom, t.name).toBeUndefined();
  });

  it('holds no secret value anywhere: Secrets appear by name only', () => {
    const text = readFileSync(fleetFile(), 'utf8');
    expect(text).not.toMatch(/^\s*kind:\s*Secret/m);
    expect(text).not.toContain('-----BEGIN');
    for (const { at, key, value } of leaves(fleet)) {
      expect(key, at).not.toMatch(/^(password|passwd|token|apiKey|privateKey|stringData|data|connectionString|uri|mongodb-root-password|mongodb-uri|face-service-token)$/i);
      if (typeof value !== 'string') continue;
      expect(value, at).not.toMatch(/\/\/[^/\s:@]+:[^/\s@]+@/); // a URL with a password
      expect(value, at).not.toMatch(/^[A-Za-z0-9+/=_-]{32,}$/); // a generated key or token
      if (/(Secret|Secrets|secretName)$/.test(key) || /imagePullSecrets\[\d+\]$/.test(at)) {
        expect(value, at).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      }
    }
  });

  describe.each(plants.map((p) => ({ id: p.id })))('$id through Fleet', ({ id }) => {
    /** A plant's Fleet cluster: its label, and the labels Rancher puts on every cluster. */
    const cluster = {
      name: `${id}-k3s`,
      namespace: 'fleet-default',
      labels: { [LABEL]: id, 'management.cattle.io/cluster-display-name': `${id} k3s`, 'management.cattle.io/cluster-name': 'c-m-8x2kqz7d', 'provider.cattle.io': 'k3s' },
    };
    /** Cluster-local values, as the README tells plants to create them. */
    const local = 'frontend:\n  replicaCount: 4\n';
    const downstream = { secrets: { 'kubevision/kubevision-values': { 'values.yaml': local } } };

    it.each([['current Fleet', false], ['Fleet before v0.6 (global.fleet.clusterLabels)', true]] as const)(
      '%s: helm template of the generic chart with what Fleet gives the cluster renders what the plant chart renders with the same local values',
      async (_fleet, legacy) => {
        const deployment = fleetBundleValues(parseFleetYaml(readFileSync(fleetFile(), 'utf8')), cluster, downstream, { legacy });
        expect(deployment.chart).toBe(fleet.helm.chart);
        expect(deployment.version).toBe(chartVersion('kubevision'));
        if (legacy) expect(deployment.values).toMatchObject({ global: { fleet: { clusterLabels: { [LABEL]: id } } } });
        const file = path.join(tempDir('fleet-values'), 'values.yaml');
        writeYaml(file, deployment.values);
        const localFile = path.join(tempDir('local-values'), 'values.yaml');
        writeFileSync(localFile, local);
        const render = async (chart: string, args: string[]) =>
          normalize(parseManifests(await helmOk(['template', deployment.releaseName, chart, '--namespace', deployment.namespace, ...args])));
        // The chart Fleet pulls: the generic chart of that version from catalog/generic.
        const viaFleet = await render(path.join(catalogDir('generic'), 'charts', deployment.chart, deployment.version), ['-f', file]);
        const plantChart = await render(plantChartDir(id), ['-f', localFile]);
        expect(viaFleet.length).toBeGreaterThan(5);
        expect(viaFleet).toEqual(plantChart);
      },
    );
  });
});

/** The chart's own name and generated secret data differ between the two charts; nothing else may. */
function normalize(objs: K8sObject[]): unknown[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!isMap(v)) return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'helm.sh/chart').map(([k, x]) => [k, strip(x)]));
  };
  return objs
    .map((o) => withoutGenerated([o])[0]!)
    .map(strip)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('catalog/fleet/README.md', () => {
  it("explains the GitRepo, whose targets are exactly the plants' cluster labels, and how to label clusters", () => {
    const readme = readFileSync(path.join(catalogDir('fleet'), 'README.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const gitRepo = YAML.parse(block!) as {
      apiVersion: string;
      kind: string;
      spec: { paths: string[]; targets: { clusterSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] } }[] };
    };
    expect(gitRepo.apiVersion).toBe('fleet.cattle.io/v1alpha1');
    expect(gitRepo.kind).toBe('GitRepo');
    expect(gitRepo.spec.paths).toEqual(['catalog/fleet']);
    expect(gitRepo.spec.targets[0]!.clusterSelector.matchExpressions).toEqual([{ key: LABEL, operator: 'In', values: plants.map((p) => p.id) }]);
    expect(readme).toContain(`kubectl label clusters.fleet.cattle.io -n fleet-default <cluster> ${LABEL}=<plant>`);
    expect(readme).toContain(readFleet().helm.repo);
  });
});

describe('the Fleet bundle in the build', () => {
  it('takes the repository URL from the build option, else $KUBEVISION_FLEET_REPO, and adds the trailing slash', async () => {
    const root = tempDir('fleet-root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR, fleetRepo: 'https://charts.acme.test/kubevision/generic' });
    expect(readFleet(fleetFile(path.join(root, 'catalog', 'fleet'))).helm.repo).toBe('https://charts.acme.test/kubevision/generic/');

    const saved = process.env.KUBEVISION_FLEET_REPO;
    process.env.KUBEVISION_FLEET_REPO = 'http://10.0.0.5:8080/generic/';
    try {
      await build({ projectRoot: root, valuesDir: VALUES_DIR });
    } finally {
      if (saved === undefined) delete process.env.KUBEVISION_FLEET_REPO;
      else process.env.KUBEVISION_FLEET_REPO = saved;
    }
    expect(readFleet(fleetFile(path.join(root, 'catalog', 'fleet'))).helm.repo).toBe('http://10.0.0.5:8080/generic/');
  });

  it('refuses a repository URL that is not http(s), and writes nothing', async () => {
    const root = tempDir('fleet-root');
    await expect(build({ projectRoot: root, valuesDir: VALUES_DIR, fleetRepo: 'oci://ghcr.io/acme' })).rejects.toThrow(/must be http or https/);
    await expect(build({ projectRoot: root, valuesDir: VALUES_DIR, fleetRepo: 'not a url' })).rejects.toThrow(/is not a URL/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('lists every plant also when only one plant is rebuilt, byte for byte as a full build', async () => {
    const root = tempDir('fleet-root');
    cpSync(path.join(PROJECT_ROOT, 'catalog'), path.join(root, 'catalog'), { recursive: true });
    await build({ projectRoot: root, valuesDir: VALUES_DIR, only: ['porto-logistics'] });
    const partial = readFileSync(fleetFile(path.join(root, 'catalog', 'fleet')), 'utf8');
    expect(partial).toBe(readFileSync(fleetFile(), 'utf8'));
    expect(readFleet(fleetFile(path.join(root, 'catalog', 'fleet'))).targetCustomizations).toHaveLength(plants.length);
  });
});
