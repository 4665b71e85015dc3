import { describe, expect, it } from 'vitest';
import { APP_UID, MONGODB_UID } from '../../../apps/shared/contract.ts';
import type { K8sObject } from '../../../src/plan/render.ts';
import { component, renderWith } from '../../support/plants.ts';

/**
 * The pod every workload runs (src/chart/constructs/pod.ts podTemplate), in each of the four
 * workloads as helm renders them. Least privilege for every plant is in render.test.ts;
 * placement in placement.test.ts; checksums in credentials.test.ts.
 */
interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  enableServiceLinks: boolean;
  imagePullSecrets?: { name: string }[];
  securityContext: { runAsUser: number; runAsGroup: number; fsGroup: number };
  volumes: { name: string; emptyDir?: { sizeLimit?: string } }[];
  containers: { volumeMounts: { name: string; mountPath: string }[]; resources: { requests: Record<string, unknown>; limits: Record<string, unknown> } }[];
}
const pods = (objs: K8sObject[]) =>
  Object.fromEntries(
    objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => [component(o)!, (o.spec as { template: { spec: PodSpec } }).template.spec]),
  );

describe('podTemplate', () => {
  it('each workload runs as its own user with its own ServiceAccount, no API token and no service links in its environment', async () => {
    const objs = await renderWith();
    const all = pods(objs);
    expect(Object.keys(all).sort()).toEqual(['auth', 'face', 'frontend', 'mongodb']);
    for (const [name, pod] of Object.entries(all)) {
      const uid = name === 'mongodb' ? MONGODB_UID : APP_UID;
      expect(pod.securityContext, name).toMatchObject({ runAsUser: uid, runAsGroup: uid, fsGroup: uid });
      expect(pod.serviceAccountName).toBe(objs.find((o) => o.kind === 'ServiceAccount' && component(o) === name)!.metadata.name);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.enableServiceLinks).toBe(false);
    }
  });

  it('the root filesystem is read-only: a bounded /tmp is the one place every container writes', async () => {
    for (const [name, pod] of Object.entries(pods(await renderWith()))) {
      expect(pod.volumes.find((v) => v.name === 'tmp'), name).toEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
      expect(pod.containers[0]!.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
  });

  it("pull secrets: none by default, the plant's on every pod when given", async () => {
    for (const pod of Object.values(pods(await renderWith()))) expect(pod).not.toHaveProperty('imagePullSecrets');
    for (const pod of Object.values(pods(await renderWith('global.imagePullSecrets={plant-registry,mirror}')))) {
      expect(pod.imagePullSecrets).toEqual([{ name: 'plant-registry' }, { name: 'mirror' }]);
    }
  });

  it("resources from each service's values: requests and a memory limit always", async () => {
    const all = pods(await renderWith('auth.resources.requests.memory=300Mi', 'auth.resources.limits.memory=600Mi'));
    expect(all.auth!.containers[0]!.resources).toMatchObject({ requests: { memory: '300Mi' }, limits: { memory: '600Mi' } });
    for (const [name, pod] of Object.entries(all)) expect(pod.containers[0]!.resources.limits.memory, name).toBeTruthy();
  });
});
