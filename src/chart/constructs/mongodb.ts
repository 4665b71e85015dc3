import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { MONGODB_PORT, MONGODB_UID, secretKeys } from '../../../apps/shared/contract.ts';
import { Naming, runs, templaterOf } from './context.ts';
import { generatedSecret } from './credentials.ts';
import { helmObject, typed } from './objects.ts';
import { image, podTemplate } from './pod.ts';
import { include, ref, root } from '../go.ts';

/** The bundled MongoDB's container and its root user (operations docs exec into it). */
export const MONGODB_CONTAINER = 'mongodb';
export const MONGODB_ROOT_USER = 'root';
/** The bundled MongoDB's one member, as the services' connection string names it. */
export const mongodbHost = (fullname: string, namespace: string) => `${fullname}-mongodb-0.${fullname}-mongodb.${namespace}.svc`;

/**
 * The bundled MongoDB: one StatefulSet member with a PersistentVolumeClaim, a headless
 * Service, and a generated root credential kept stable across upgrades. Rendered only
 * when mongodb.mode is bundled; in external mode the services read the connection
 * string from the plant's own Secret.
 */
export class MongoDb extends Construct {
  constructor(scope: Construct) {
    super(scope, 'mongodb');
    const t = templaterOf(this);
    const naming = new Naming(t, 'mongodb');
    const secretName = t.value(include('mongodbSecret', root));

    generatedSecret(this, 'mongodb');

    const sa = new k8s.KubeServiceAccount(this, 'serviceaccount', {
      metadata: naming.metadata(),
      automountServiceAccountToken: false,
    });

    const service = new k8s.KubeService(this, 'service', {
      metadata: naming.metadata(),
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: naming.selector,
        ports: [{ name: 'mongodb', port: MONGODB_PORT, targetPort: k8s.IntOrString.fromString('mongodb') }],
      },
    });

    const tcp = { tcpSocket: { port: k8s.IntOrString.fromString('mongodb') } };
    const statefulSet = helmObject(this, 'statefulset', k8s.KubeStatefulSet.GVK, naming.metadata(), {
      spec: {
        ...typed(k8s.toJson_StatefulSetSpec, {
          serviceName: naming.name,
          replicas: 1,
          selector: { matchLabels: naming.selector },
          template: {},
        }),
        template: podTemplate(t, {
          key: 'mongodb',
          naming,
          uid: MONGODB_UID,
          secrets: ['mongodb'],
          container: {
            name: MONGODB_CONTAINER,
            image: image(t, 'mongodb'),
            imagePullPolicy: t.str(ref('mongodb.image.pullPolicy')),
            args: ['--bind_ip_all'],
            ports: [{ name: 'mongodb', containerPort: MONGODB_PORT, protocol: 'TCP' }],
            env: [
              { name: 'MONGO_INITDB_ROOT_USERNAME', value: MONGODB_ROOT_USER },
              {
                name: 'MONGO_INITDB_ROOT_PASSWORD',
                valueFrom: { secretKeyRef: { name: secretName, key: secretKeys.mongodbRootPassword } },
              },
            ],
            volumeMounts: [
              { name: 'data', mountPath: '/data/db' },
              { name: 'configdb', mountPath: '/data/configdb' },
              { name: 'tmp', mountPath: '/tmp' },
            ],
            startupProbe: { ...tcp, periodSeconds: 5, failureThreshold: 60 },
            livenessProbe: { ...tcp, periodSeconds: 20, timeoutSeconds: 5 },
            readinessProbe: { ...tcp, periodSeconds: 10, timeoutSeconds: 5 },
          },
          volumes: [{ name: 'configdb', emptyDir: {} }],
        }),
        volumeClaimTemplates: [
          {
            // volumeClaimTemplates are immutable: no labels that change with the chart version.
            metadata: { name: 'data', labels: naming.selector },
            spec: {
              ...typed(k8s.toJson_PersistentVolumeClaimSpec, {
                accessModes: ['ReadWriteOnce'],
                resources: { requests: { storage: k8s.Quantity.fromString(t.str(ref('mongodb.persistence.size'))) } },
              }),
              ...t.splice(include('storageClass', root), 'storageClassName'),
            },
          },
        ],
      },
    });

    for (const obj of [sa, service, statefulSet]) t.renderIf(obj, runs('mongodb'));
  }
}
