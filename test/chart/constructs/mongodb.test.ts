import { describe, expect, it } from 'vitest';
import { MONGODB_PORT, env, secretKeys } from '../../../apps/shared/contract.ts';
import type { K8sObject } from '../../../src/plan/render.ts';
import { appContainer, kindsOf, ofComponent, renderWith } from '../../support/plants.ts';

/**
 * MongoDb (src/chart/constructs/mongodb.ts): the bundled database as one StatefulSet member
 * with its volume, a headless Service and a generated root credential; nothing of it when the
 * plant uses its own database. Rendered by real helm from the generic chart.
 */
type Spec = Record<string, unknown>;
const spec = (o: K8sObject) => o.spec as Spec;
interface Pod {
  containers: { env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[]; ports: { name: string; containerPort: number }[] }[];
}
const pod = (o: K8sObject) => (spec(o).template as { spec: Pod }).spec;
const uriRef = (objs: K8sObject[], service: string) => appContainer(objs, service).env.find((e) => e.name === env.mongodbUri)!.valueFrom!.secretKeyRef;

describe('MongoDb', () => {
  it('bundled: one member behind a headless Service that names it in DNS before it is ready, its data on a claim of the size asked', async () => {
    const objs = await renderWith('mongodb.persistence.size=50Gi', 'global.storageClass=local-path');
    expect(kindsOf(objs, 'mongodb')).toEqual(['NetworkPolicy', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet']);
    const sts = ofComponent(objs, 'StatefulSet', 'mongodb');
    const svc = ofComponent(objs, 'Service', 'mongodb');
    // The StatefulSet's pod DNS names come from its governing headless Service (serviceName).
    expect(spec(sts)).toMatchObject({ serviceName: svc.metadata.name, replicas: 1 });
    expect(spec(svc)).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'mongodb', port: MONGODB_PORT, targetPort: 'mongodb' }] });
    expect(spec(sts).volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'data', labels: spec(svc).selector },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'local-path' },
      },
    ]);
    const password = pod(sts).containers[0]!.env.find((e) => e.name === 'MONGO_INITDB_ROOT_PASSWORD')!.valueFrom!.secretKeyRef;
    const secret = ofComponent(objs, 'Secret', 'mongodb');
    expect(password).toEqual({ name: secret.metadata.name, key: secretKeys.mongodbRootPassword });
    // auth and face read the connection string from the same Secret.
    for (const service of ['auth', 'face']) expect(uriRef(objs, service)).toEqual({ name: secret.metadata.name, key: secretKeys.mongodbUri });
  });

  it('without a storage class the claim names none, so the cluster default provisions it', async () => {
    const sts = ofComponent(await renderWith(), 'StatefulSet', 'mongodb');
    const [claim] = spec(sts).volumeClaimTemplates as { spec: Spec }[];
    expect(claim!.spec).not.toHaveProperty('storageClassName');
  });

  it("the plant's own root Secret: the chart makes none and the database and services read the plant's", async () => {
    const objs = await renderWith('mongodb.auth.existingSecret=plant-db');
    expect(kindsOf(objs, 'mongodb')).not.toContain('Secret');
    const password = pod(ofComponent(objs, 'StatefulSet', 'mongodb')).containers[0]!.env.find((e) => e.name === 'MONGO_INITDB_ROOT_PASSWORD')!.valueFrom!.secretKeyRef;
    expect(password.name).toBe('plant-db');
    expect(uriRef(objs, 'auth')).toEqual({ name: 'plant-db', key: secretKeys.mongodbUri });
  });

  it('external: no object of the bundled database at all; the services read the plant Secret by its own key', async () => {
    const objs = await renderWith('mongodb.mode=external', 'mongodb.external.existingSecret=atlas', 'mongodb.external.uriKey=url');
    expect(kindsOf(objs, 'mongodb')).toEqual([]);
    for (const service of ['auth', 'face']) expect(uriRef(objs, service)).toEqual({ name: 'atlas', key: 'url' });
  });
});
