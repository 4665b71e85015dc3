import { k8s } from 'cdk8s-plus-27';
import { HTTP_PORT, MANAGEMENT_PORT, probes } from '../../../apps/shared/contract.ts';
import type { Templater } from '../template.ts';
import type { Naming } from './context.ts';
import { only, typed, type Json } from './objects.ts';
import type { Workload } from '../../params/kubevision.ts';
import { call, include, lit, ref, root, type Go } from '../go.ts';

export interface PodOptions {
  /** Values key of the workload: `.Values.<key>`. */
  key: Workload;
  naming: Naming;
  uid: number;
  /** The one container; its resources and securityContext are the pod's to decide. */
  container: Omit<k8s.Container, 'resources' | 'securityContext'>;
  /** True when the pod needs a GPU. */
  gpu?: Go;
  volumes?: k8s.Volume[];
  /** The Secrets the container's environment reads: a change to one of them restarts the pods. */
  secrets: readonly ChartSecret[];
}

/** The Secrets the chart's pods may read; each pod's annotations carry a checksum of those it reads. */
export type ChartSecret = 'credentials' | 'mongodb' | 'admin';

/**
 * The pod every workload runs: least privilege by default (non-root, read-only root,
 * no privilege escalation, no capabilities, RuntimeDefault seccomp, no API token),
 * scheduled by its placement, sized by its resources, annotated with its Secrets' checksums.
 */
export function podTemplate(t: Templater, o: PodOptions): Json {
  const gpu = o.gpu ?? lit(false);
  const spec = typed(k8s.toJson_PodSpec, {
    serviceAccountName: o.naming.name,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: o.uid,
      runAsGroup: o.uid,
      fsGroup: o.uid,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        ...o.container,
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        },
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }, ...(o.volumes ?? [])],
  });
  return {
    metadata: {
      labels: { ...o.naming.selector },
      ...t.splice(include('podAnnotations', { ctx: root, values: ref(o.key), secrets: call('list', ...o.secrets.map(lit)) }), 'annotations'),
    },
    spec: {
      ...spec,
      ...t.splice(include('imagePullSecrets', root), 'imagePullSecrets'),
      ...t.splice(include('scheduling', { ctx: root, values: ref(o.key), placement: ref(`${o.key}.placement`), gpu }), 'affinity'),
      containers: [{ ...only(spec, 'containers'), resources: t.block(include('resources', { ctx: root, service: lit(o.key), gpu })) }],
    },
  };
}

export function image(t: Templater, key: Workload, suffix: Go = lit('')): string {
  return t.str(include('image', { ctx: root, image: ref(`${key}.image`), suffix }));
}

/** The HTTP probes every application service answers, on its service port or its management port. */
export function httpProbes(portName: 'http' | 'management' = 'http'): Pick<k8s.Container, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> {
  const port = k8s.IntOrString.fromString(portName);
  return {
    startupProbe: { httpGet: { path: probes.liveness, port }, periodSeconds: 2, failureThreshold: 60 },
    livenessProbe: { httpGet: { path: probes.liveness, port }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: probes.readiness, port }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
  };
}

export const httpPort: k8s.ContainerPort = { name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' };
/** Probes and metrics only: no Service port leads here, so no Ingress does either. */
export const managementPort: k8s.ContainerPort = { name: 'management', containerPort: MANAGEMENT_PORT, protocol: 'TCP' };
