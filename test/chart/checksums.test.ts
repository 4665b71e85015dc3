import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretKeys } from '../../apps/shared/contract.ts';
import type { HelmMajor } from '../../src/helm/binary.ts';
import type { K8sObject } from '../../src/plan/render.ts';
import { startSecretApi, type SecretApi } from '../support/secret-api.ts';
import { byKind, component, genericChartDir, template } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * A pod reads its Secrets once, into its environment; the chart's checksum annotations make a
 * changed Secret roll the pods that read it (Helm's chart tips, "Automatically Roll
 * Deployments"). What an operator relies on: an upgrade that changes nothing restarts nothing,
 * and a Secret that changed (deleted and made again, rotated by the plant) restarts exactly
 * its readers. Helm's `lookup` runs against a stand-in API (test/support/secret-api.ts).
 */
const temp = tempDirs();
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
type Data = Record<string, string>;

interface Pods {
  /** component -> its pods' annotations */
  annotations: Record<string, Record<string, string>>;
  /** component -> names of the Secrets its containers' environment reads */
  reads: Record<string, string[]>;
  secrets: Record<string, Data>;
}

function podsOf(objs: K8sObject[]): Pods {
  const workloads = [...byKind(objs, 'Deployment'), ...byKind(objs, 'StatefulSet')];
  type Pod = { metadata: { annotations?: Record<string, string> }; spec: { containers: { env?: { valueFrom?: { secretKeyRef?: { name: string } } }[] }[] } };
  const pod = (o: K8sObject) => (o.spec as { template: Pod }).template;
  return {
    annotations: Object.fromEntries(workloads.map((o) => [component(o)!, pod(o).metadata.annotations ?? {}])),
    reads: Object.fromEntries(
      workloads.map((o) => [component(o)!, [...new Set(pod(o).spec.containers.flatMap((c) => (c.env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef?.name ?? [])))].sort()]),
    ),
    secrets: Object.fromEntries(byKind(objs, 'Secret').map((s) => [s.metadata.name, s.data as Data])),
  };
}

const checksums = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('checksum/')));
const names = { credentials: 'kv-kubevision-credentials', mongodb: 'kv-kubevision-mongodb', admin: 'kv-kubevision-admin' };

describe.each([3, 4] as HelmMajor[])('checksums of Secrets on the pods (helm %i)', (major) => {
  let api: SecretApi;
  beforeAll(async () => {
    api = await startSecretApi(temp('secret-api'), { namespace: 'kubevision', release: 'kv' });
  });
  afterAll(() => api.close());
  const inCluster = ['--dry-run=server', '--kubeconfig', '', ...(major === 4 ? ['--disable-openapi-validation'] : [])];
  const render = async (args: string[] = [], cluster = false) =>
    podsOf(await template(genericChartDir(), [...(cluster ? inCluster.map((a) => a || api.kubeconfig) : []), ...args], major));

  it('each pod carries the checksum of exactly the Secrets it reads, of the bytes this render writes', async () => {
    const { annotations, reads, secrets } = await render();
    const kindOf = Object.fromEntries(Object.entries(names).map(([kind, name]) => [name, kind]));
    for (const [service, secretNames] of Object.entries(reads)) {
      expect(Object.keys(checksums(annotations[service]!)).sort(), service).toEqual(secretNames.map((n) => `checksum/secret-${kindOf[n]}`).sort());
    }
    expect(reads.frontend).toEqual([]);
    // The text the helpers write into each Secret's data, hashed.
    const credentials = sha(`${secretKeys.faceServiceToken}: ${secrets[names.credentials]![secretKeys.faceServiceToken]}`);
    const mongodb = secrets[names.mongodb]!;
    const mongodbSum = sha(`${secretKeys.mongodbRootPassword}: ${mongodb[secretKeys.mongodbRootPassword]}\n${secretKeys.mongodbUri}: ${mongodb[secretKeys.mongodbUri]}`);
    expect(annotations.auth).toMatchObject({
      'checksum/secret-credentials': credentials,
      'checksum/secret-mongodb': mongodbSum,
      'checksum/secret-admin': sha(`${secretKeys.adminBootstrapToken}: ${secrets[names.admin]![secretKeys.adminBootstrapToken]}`),
    });
    expect(annotations.face).toMatchObject({ 'checksum/secret-credentials': credentials, 'checksum/secret-mongodb': mongodbSum });
    expect(annotations.mongodb).toEqual({ 'checksum/secret-mongodb': mongodbSum });
  });

  it('an upgrade keeps the Secrets and restarts nothing; a changed Secret restarts exactly its readers', async () => {
    const installed = await render();
    for (const [name, data] of Object.entries(installed.secrets)) api.secrets.set(name, data);
    const upgraded = await render([], true);
    expect(api.reads).toEqual(expect.arrayContaining(Object.values(names)));
    expect(upgraded.secrets).toEqual(installed.secrets);
    expect(upgraded.annotations).toEqual(installed.annotations);

    // The credentials Secret was deleted and the next upgrade made a new one; here: it holds another token.
    api.secrets.set(names.credentials, { [secretKeys.faceServiceToken]: Buffer.from('another-token-of-48-characters-0123456789abcdefgh').toString('base64') });
    const rotated = await render([], true);
    for (const service of ['auth', 'face']) {
      expect(rotated.annotations[service]!['checksum/secret-credentials'], service).not.toBe(installed.annotations[service]!['checksum/secret-credentials']);
      expect(rotated.annotations[service]!['checksum/secret-mongodb'], service).toBe(installed.annotations[service]!['checksum/secret-mongodb']);
    }
    expect(rotated.annotations.mongodb).toEqual(installed.annotations.mongodb);
  });

  it("a Secret the plant brings is checksummed from the cluster's copy, and left alone without a cluster", async () => {
    const own = ['--set', 'serviceCredential.existingSecret=plant-token'];
    const offline = await render(own);
    expect(offline.annotations.auth!['checksum/secret-credentials']).toBeUndefined();
    expect(offline.annotations.auth!['checksum/secret-mongodb']).toBeDefined();

    const token = { [secretKeys.faceServiceToken]: Buffer.from('v1').toString('base64') };
    api.secrets.set('plant-token', token);
    const first = await render(own, true);
    expect(first.annotations.auth!['checksum/secret-credentials']).toBe(sha(JSON.stringify(token)));
    expect(first.annotations.face!['checksum/secret-credentials']).toBe(sha(JSON.stringify(token)));
    api.secrets.set('plant-token', { [secretKeys.faceServiceToken]: Buffer.from('v2').toString('base64') });
    const second = await render(own, true);
    expect(second.annotations.auth!['checksum/secret-credentials']).not.toBe(first.annotations.auth!['checksum/secret-credentials']);
  });

  it("the plant's podAnnotations stay beside the checksums, which win on the same key", async () => {
    const { annotations } = await render(['--set', 'face.podAnnotations.example\\.com/team=vision', '--set', 'face.podAnnotations.checksum/secret-mongodb=mine']);
    expect(annotations.face!['example.com/team']).toBe('vision');
    expect(annotations.face!['checksum/secret-mongodb']).toMatch(/^[0-9a-f]{64}$/);
  });
});
