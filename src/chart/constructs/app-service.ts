import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { APP_UID, HTTP_PORT, MANAGEMENT_PORT, env } from '../../../apps/shared/contract.ts';
import { Naming, runs, templaterOf } from './context.ts';
import { helmObject, typed } from './objects.ts';
import { httpPort, httpProbes, image, managementPort, podTemplate, type ChartSecret } from './pod.ts';
import { call, include, lit, ref, root, type Go } from '../go.ts';

export interface AppServiceProps {
  /** Values key and component name: frontend, auth or face. */
  component: 'frontend' | 'auth' | 'face';
  env: k8s.EnvVar[];
  /** The Secrets `env` reads from: a change to one of them restarts the pods. */
  secrets?: ChartSecret[];
  /** True when the pods need a GPU (face on a GPU site). */
  gpu?: Go;
  /** The image tag suffix (the GPU variant). */
  imageSuffix?: Go;
  /**
   * Probes and metrics on MANAGEMENT_PORT instead of the service port: for the dashboard,
   * whose service port the Ingress exposes (auth and face have no Ingress, and their
   * NetworkPolicies admit only their callers).
   */
  management?: boolean;
}

/**
 * One stateless application service: Deployment, Service, ServiceAccount, and the
 * HorizontalPodAutoscaler and PodDisruptionBudget its values ask for.
 */
export class AppService extends Construct {
  constructor(scope: Construct, props: AppServiceProps) {
    super(scope, props.component);
    const t = templaterOf(this);
    const key = props.component;
    const naming = new Naming(t, key);
    const enabled = runs(key);
    const gpu = props.gpu ?? lit(false);

    const sa = new k8s.KubeServiceAccount(this, 'serviceaccount', {
      metadata: naming.metadata(),
      automountServiceAccountToken: false,
    });

    const deployment = helmObject(this, 'deployment', k8s.KubeDeployment.GVK, naming.metadata(), {
      spec: {
        ...typed(k8s.toJson_DeploymentSpec, {
          revisionHistoryLimit: 5,
          selector: { matchLabels: naming.selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
          template: {},
        }),
        ...t.splice(include('replicas', ref(key)), 'replicas'),
        template: podTemplate(t, {
          key,
          naming,
          uid: APP_UID,
          gpu,
          secrets: props.secrets ?? [],
          container: {
            name: key,
            image: image(t, key, props.imageSuffix),
            imagePullPolicy: t.str(ref(`${key}.image.pullPolicy`)),
            ports: props.management ? [httpPort, managementPort] : [httpPort],
            env: [
              { name: env.port, value: String(HTTP_PORT) },
              ...(props.management ? [{ name: env.managementPort, value: String(MANAGEMENT_PORT) }] : []),
              { name: env.logFormat, value: 'json' },
              ...props.env,
            ],
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            ...httpProbes(props.management ? 'management' : 'http'),
          },
        }),
      },
    });

    const service = helmObject(this, 'service', k8s.KubeService.GVK, naming.metadata(), {
      spec: {
        ...typed(k8s.toJson_ServiceSpec, {
          type: 'ClusterIP',
          selector: naming.selector,
          ports: [{ name: 'http', port: HTTP_PORT, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        }),
        ...t.splice(include('trafficDistribution', root), 'trafficDistribution'),
      },
    });

    const hpa = new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: naming.metadata(),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: naming.name },
        minReplicas: t.int(ref(`${key}.autoscaling.minReplicas`)),
        maxReplicas: t.int(ref(`${key}.autoscaling.maxReplicas`)),
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: t.int(ref(`${key}.autoscaling.targetCPUUtilizationPercentage`)) },
            },
          },
        ],
      },
    });

    const pdb = new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: naming.metadata(),
      spec: {
        // Not quoted: a number here must stay a number ("1" is refused as a non-percentage string).
        maxUnavailable: k8s.IntOrString.fromString(t.value(ref(`${key}.podDisruptionBudget.maxUnavailable`))),
        selector: { matchLabels: naming.selector },
      },
    });

    for (const obj of [sa, deployment, service, hpa, pdb]) t.renderIf(obj, enabled);
    t.renderIf(hpa, ref(`${key}.autoscaling.enabled`));
    t.renderIf(pdb, call('and', ref(`${key}.podDisruptionBudget.enabled`), include('multiReplica', ref(key))));
  }
}
