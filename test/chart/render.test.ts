import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { K8sObject } from '../../src/plan/render.ts';
import { validateOpenApi } from '../support/k8s-openapi.ts';
import { genericChartDir, plantChartDir, plantIds, template, withoutGenerated } from '../support/plants.ts';

// Generated Secrets and the checksums of them differ on every render: shown by name only.
const snapshot = (objs: K8sObject[]) => withoutGenerated(objs).map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n');

const cases: [string, string, string[]][] = [
  ['generic', genericChartDir(), []],
  ['generic-all-features', genericChartDir(), [
    '--set', 'sites.cloud.gpu.enabled=true', '--set', 'face.placement=cloud', '--set', 'face.compute=gpu',
    '--set', 'auth.autoscaling.enabled=true', '--set', 'global.imageRegistry=mirror.example.com:5000',
    '--set', 'global.imagePullSecrets[0]=pull', '--set', 'ingress.host=kv.example.com', '--set', 'ingress.tls.enabled=true',
    '--set', 'ingress.tls.mode=certManager', '--set', 'ingress.tls.clusterIssuer=issuer', '--set', 'global.storageClass=fast',
    '--set', 'mongodb.auth.existingSecret=my-mongo', '--set', 'serviceCredential.existingSecret=my-token',
  ]],
  ...plantIds().map((id): [string, string, string[]] => [id, plantChartDir(id), []]),
];

describe.each(cases)('rendered manifests: %s', (name, chart, args) => {
  it('match the reviewed snapshot', async () => {
    await expect(snapshot(await template(chart, args))).toMatchFileSnapshot(`__snapshots__/${name}.yaml`);
  });

  it('are valid Kubernetes objects (official OpenAPI schemas)', async () => {
    const objs = await template(chart, args);
    expect(objs.length).toBeGreaterThan(10);
    for (const o of objs) validateOpenApi(o);
  });

  it('put every object in the release namespace, named in its metadata (kubectl apply of the rendered manifests keeps it)', async () => {
    const objs = await template(chart, [...args, '--namespace', 'plant-a']);
    expect(objs.filter((o) => (o.metadata as { namespace?: string }).namespace !== 'plant-a').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it('run every container least-privileged', async () => {
    for (const o of await template(chart, args)) {
      if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
      const pod = (o.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
        automountServiceAccountToken: boolean;
        securityContext: Record<string, unknown>;
        containers: { securityContext: Record<string, unknown>; resources: { limits: { memory?: string } } }[];
      };
      expect(pod.automountServiceAccountToken, o.metadata.name).toBe(false);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of pod.containers) {
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.resources.limits.memory, `${o.metadata.name} has a memory limit`).toBeTruthy();
      }
    }
  });
});

describe('upgrades', () => {
  const stable = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component'];

  it.each(cases.map(([n, c, a]) => [n, c, a] as const))(
    '%s: immutable fields (selectors, volume claim templates) carry only labels that never change with a chart version',
    async (_name, chart, args) => {
      for (const o of await template(chart, [...args])) {
        const spec = o.spec as {
          selector?: { matchLabels?: Record<string, string> };
          volumeClaimTemplates?: { metadata: { labels?: Record<string, string> } }[];
        };
        if (o.kind === 'Deployment' || o.kind === 'StatefulSet') {
          expect(Object.keys(spec.selector!.matchLabels!).sort()).toEqual([...stable].sort());
          expect(spec.selector!.matchLabels!['app.kubernetes.io/name']).toBe('kubevision');
        }
        for (const vct of spec?.volumeClaimTemplates ?? []) {
          for (const key of Object.keys(vct.metadata.labels ?? {})) expect(stable).toContain(key);
        }
      }
    },
  );
});

describe('a plant chart is the generic chart with the plant overrides', () => {
  it.each(plantIds())('%s renders the same objects as the generic chart with its values file', async (id) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kv-same-')), 'values.yaml');
    copyFileSync(path.join(plantChartDir(id), 'values.yaml'), file);
    const strip = (objs: K8sObject[]) =>
      snapshot(objs).replace(/helm\.sh\/chart: .*\n/g, '').replace(/# Source: .*\n/g, '');
    expect(strip(await template(plantChartDir(id)))).toBe(strip(await template(genericChartDir(), ['-f', file])));
  });
});
