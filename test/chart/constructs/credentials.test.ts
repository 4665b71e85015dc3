import { describe, expect, it } from 'vitest';
import { env, secretKeys } from '../../../apps/shared/contract.ts';
import type { K8sObject } from '../../../src/plan/render.ts';
import { appContainer, renderWith } from '../../support/plants.ts';

/**
 * The Secrets the chart generates (src/chart/constructs/credentials.ts): the service
 * credential, the administrator setup code and the bundled database's root credential. Each
 * renders exactly when the release makes it ("kubevision.generatesSecret"), survives an
 * uninstall, and the pods that read it carry its checksum. How the values survive upgrades
 * is test/chart/checksums.test.ts (it needs `lookup` against an API).
 */
const secrets = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'Secret');
const names = (objs: K8sObject[]) => secrets(objs).map((o) => o.metadata.name).sort();
const annotations = (objs: K8sObject[], service: string) =>
  (objs.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith(`-${service}`))!.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations ?? {};
const checksums = (objs: K8sObject[], service: string) => Object.keys(annotations(objs, service)).filter((k) => k.startsWith('checksum/')).sort();
const secretRef = (objs: K8sObject[], service: string, variable: string) => appContainer(objs, service).env.find((e) => e.name === variable)!.valueFrom!.secretKeyRef!;

describe('generated Secrets', () => {
  it('at the defaults: the three, kept on uninstall (resource-policy keep), each with the keys its readers take', async () => {
    const objs = await renderWith();
    expect(names(objs)).toEqual(['kv-kubevision-admin', 'kv-kubevision-credentials', 'kv-kubevision-mongodb']);
    for (const s of secrets(objs)) {
      expect(s.metadata.annotations?.['helm.sh/resource-policy'], s.metadata.name).toBe('keep');
      expect(s.type).toBe('Opaque');
    }
    const keys = Object.fromEntries(secrets(objs).map((s) => [s.metadata.name, Object.keys(s.data as object).sort()]));
    expect(keys).toEqual({
      'kv-kubevision-admin': [secretKeys.adminBootstrapToken],
      'kv-kubevision-credentials': [secretKeys.faceServiceToken],
      'kv-kubevision-mongodb': [secretKeys.mongodbUri, secretKeys.mongodbRootPassword].sort(),
    });
    expect(secretRef(objs, 'auth', env.faceServiceToken)).toEqual({ name: 'kv-kubevision-credentials', key: secretKeys.faceServiceToken });
    expect(secretRef(objs, 'face', env.faceServiceToken)).toEqual({ name: 'kv-kubevision-credentials', key: secretKeys.faceServiceToken });
    expect(secretRef(objs, 'auth', env.authAdminBootstrapToken)).toEqual({ name: 'kv-kubevision-admin', key: secretKeys.adminBootstrapToken });
  });

  it('each pod carries a checksum of exactly the Secrets it reads, and the dashboard none', async () => {
    const objs = await renderWith();
    expect(checksums(objs, 'auth')).toEqual(['checksum/secret-admin', 'checksum/secret-credentials', 'checksum/secret-mongodb']);
    expect(checksums(objs, 'face')).toEqual(['checksum/secret-credentials', 'checksum/secret-mongodb']);
    expect(checksums(objs, 'frontend')).toEqual([]);
    for (const v of Object.values(annotations(objs, 'auth'))) expect(v).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the plant's own service credential: no generated one, both services read the plant's, no checksum without a cluster to read it from", async () => {
    const objs = await renderWith('serviceCredential.existingSecret=plant-token');
    expect(names(objs)).toEqual(['kv-kubevision-admin', 'kv-kubevision-mongodb']);
    for (const service of ['auth', 'face']) expect(secretRef(objs, service, env.faceServiceToken).name).toBe('plant-token');
    expect(checksums(objs, 'face')).toEqual(['checksum/secret-mongodb']);
  });

  it('no Secret that nothing reads: without auth no setup code, without auth and face no service credential', async () => {
    expect(names(await renderWith('frontend.enabled=false', 'ingress.enabled=false', 'auth.enabled=false'))).toEqual(['kv-kubevision-credentials', 'kv-kubevision-mongodb']);
    expect(names(await renderWith('frontend.enabled=false', 'ingress.enabled=false', 'auth.enabled=false', 'face.enabled=false'))).toEqual(['kv-kubevision-mongodb']);
  });

  it("a plant annotation stays beside the checksums, and a checksum wins over one of the same key", async () => {
    const objs = await renderWith('face.podAnnotations.example\\.com/team=vision', 'face.podAnnotations.checksum/secret-mongodb=stale');
    const a = annotations(objs, 'face');
    expect(a['example.com/team']).toBe('vision');
    expect(a['checksum/secret-mongodb']).toMatch(/^[0-9a-f]{64}$/);
  });
});
