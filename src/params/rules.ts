import { and, eq, greater, isFalse, isTrue, ne, not, or, same, sizeOver, type Expr } from './expr.ts';
import { WORKLOADS } from './kubevision.ts';
import { SITES, siteTitle } from './service.ts';

/**
 * A combination of values that is invalid although every value is valid on its own.
 * Declared once; checked by the build and by the chart's templates (helm fails with
 * the same message), so a plant file and a `--set` meet the same rule.
 */
export interface Rule {
  /** The key the message is about. */
  key: string;
  /** True when the values break the rule. */
  broken: Expr;
  message: string;
}

const enabled = (w: string): Expr => (w === 'mongodb' ? eq('mongodb.mode', 'bundled') : isTrue(`${w}.enabled`));

function placementRules(): Rule[] {
  return WORKLOADS.flatMap((w) => [
    ...SITES.map((site) => ({
      key: `${w}.placement`,
      broken: and(enabled(w), eq(`${w}.placement`, site), isFalse(`sites.${site}.enabled`)),
      message: `${w}.placement is ${site} but sites.${site}.enabled is false: the plant has no ${siteTitle[site]} nodes`,
    })),
    {
      key: `${w}.placement`,
      broken: and(enabled(w), isFalse('sites.onprem.enabled'), isFalse('sites.cloud.enabled')),
      message: `${w}.placement: the plant has no site at all (sites.onprem.enabled and sites.cloud.enabled are false)`,
    },
  ]);
}

function gpuRules(): Rule[] {
  const gpuFace = and(isTrue('face.enabled'), eq('face.compute', 'gpu'));
  const noGpu = (site: string) => or(isFalse(`sites.${site}.enabled`), isFalse(`sites.${site}.gpu.enabled`));
  return [
    ...SITES.map((site) => ({
      key: 'face.compute',
      broken: and(gpuFace, eq('face.placement', site), noGpu(site)),
      message: `face.compute is gpu but the face service is placed on ${site} (face.placement) where the plant declares no GPU nodes (sites.${site}.gpu.enabled)`,
    })),
    {
      key: 'face.compute',
      broken: and(gpuFace, eq('face.placement', 'any'), noGpu('onprem'), noGpu('cloud')),
      message: 'face.compute is gpu but no site of the plant has GPU nodes (sites.onprem.gpu.enabled, sites.cloud.gpu.enabled)',
    },
  ];
}

/** Kubernetes rules that span two values (k8s.io/kubernetes pkg/apis/.../validation). */
function kubernetesRules(): Rule[] {
  const rules: Rule[] = [];
  for (const w of WORKLOADS) {
    const r = `${w}.resources`;
    // ValidateResourceRequirements: "must be less than or equal to <resource> limit".
    rules.push({
      key: `${r}.requests.memory`,
      broken: greater(`${r}.requests.memory`, `${r}.limits.memory`, 'memory'),
      message: `${r}.requests.memory is above ${r}.limits.memory: Kubernetes requires a request at most its limit`,
    });
    rules.push({
      key: `${r}.requests.cpu`,
      broken: and(ne(`${r}.limits.cpu`, ''), greater(`${r}.requests.cpu`, `${r}.limits.cpu`, 'cpu')),
      message: `${r}.requests.cpu is above ${r}.limits.cpu: Kubernetes requires a request at most its limit`,
    });
    if (w === 'mongodb') continue;
    // ValidateHorizontalPodAutoscalerSpec: "must be greater than or equal to minReplicas".
    // Checked with autoscaling off too: the form can switch it on.
    rules.push({
      key: `${w}.autoscaling.maxReplicas`,
      broken: greater(`${w}.autoscaling.minReplicas`, `${w}.autoscaling.maxReplicas`, 'int'),
      message: `${w}.autoscaling.minReplicas is above ${w}.autoscaling.maxReplicas: an autoscaler needs minReplicas <= maxReplicas`,
    });
    // ValidateAnnotationsSize: TotalAnnotationSizeLimitB = 256 KiB of keys and values per object.
    rules.push({
      key: `${w}.podAnnotations`,
      broken: sizeOver(`${w}.podAnnotations`, ANNOTATIONS_MAX),
      message: `${w}.podAnnotations hold more than 256 KiB: Kubernetes allows 256 KiB of annotations per object`,
    });
  }
  rules.push({
    key: 'ingress.annotations',
    // The chart adds cert-manager.io/cluster-issuer (at most 31 + 253 bytes).
    broken: sizeOver('ingress.annotations', ANNOTATIONS_MAX - 284),
    message: 'ingress.annotations hold more than 256 KiB (with the cert-manager annotation the chart adds): Kubernetes allows 256 KiB of annotations per object',
  });
  return rules;
}

const ANNOTATIONS_MAX = 256 * 1024;

function siteRules(): Rule[] {
  const both = and(isTrue('sites.onprem.enabled'), isTrue('sites.cloud.enabled'));
  const gpuFaceAnywhere = and(isTrue('face.enabled'), eq('face.compute', 'gpu'), eq('face.placement', 'any'));
  return [
    {
      key: 'sites.cloud.nodeLabel',
      broken: and(both, same('sites.onprem.nodeLabel.key', 'sites.cloud.nodeLabel.key'), same('sites.onprem.nodeLabel.value', 'sites.cloud.nodeLabel.value')),
      message: 'sites.cloud.nodeLabel is the same label as sites.onprem.nodeLabel: placement could not tell the two sites apart',
    },
    {
      // runtimeClassName is one per pod and the GPU is one resource name per container:
      // a pod that may land on either site's GPU nodes can carry only one of each.
      key: 'face.placement',
      broken: and(
        gpuFaceAnywhere,
        isTrue('sites.onprem.gpu.enabled'),
        isTrue('sites.cloud.gpu.enabled'),
        or(not(same('sites.onprem.gpu.runtimeClassName', 'sites.cloud.gpu.runtimeClassName')), not(same('sites.onprem.gpu.resourceName', 'sites.cloud.gpu.resourceName'))),
      ),
      message:
        'face.placement is any with GPUs at both sites, but sites.onprem.gpu and sites.cloud.gpu differ in runtimeClassName or resourceName: a pod has one RuntimeClass and one GPU resource name, so it could never run on the other site\'s GPU nodes; place the face service on one site, or give both sites the same GPU runtime and resource',
    },
  ];
}

const dependencyRules: Rule[] = [
  {
    key: 'auth.enabled',
    broken: and(isTrue('frontend.enabled'), isFalse('auth.enabled')),
    message: 'auth.enabled is false but the dashboard (frontend.enabled) needs the auth service',
  },
  {
    key: 'ingress.enabled',
    broken: and(isTrue('ingress.enabled'), isFalse('frontend.enabled')),
    message: 'ingress.enabled is true but frontend.enabled is false: the Ingress would route to nothing',
  },
];

/**
 * The rules of the chart. Values required under a condition (`requiredWhen`) are not
 * here: the schema's if/then enforces them, and helm checks the schema first.
 */
/** Each hop waits longer than the one behind it (timeouts.*). */
const timeoutRules: Rule[] = [
  {
    key: 'timeouts.faceSeconds',
    broken: not(greater('timeouts.gatewaySeconds', 'timeouts.faceSeconds', 'int')),
    message: 'timeouts.faceSeconds must be less than timeouts.gatewaySeconds: the dashboard would answer 504 while auth still waits for the face service',
  },
  {
    key: 'timeouts.passwordQueueSeconds',
    broken: not(greater('timeouts.gatewaySeconds', 'timeouts.passwordQueueSeconds', 'int')),
    message: 'timeouts.passwordQueueSeconds must be less than timeouts.gatewaySeconds: the dashboard would answer 504 while a login still waits for its password check',
  },
];

export function rulesOf(): Rule[] {
  return [...placementRules(), ...gpuRules(), ...kubernetesRules(), ...siteRules(), ...dependencyRules, ...timeoutRules];
}

/**
 * Rules for a plant's own defaults only: a placement must name a site of the plant even
 * while its workload is off, because the plant's form can switch the workload on (the
 * bundled database, say) and then offers that placement as it stands.
 */
export function plantRules(): Rule[] {
  return WORKLOADS.flatMap((w) =>
    SITES.map((site) => ({
      key: `${w}.placement`,
      broken: and(eq(`${w}.placement`, site), isFalse(`sites.${site}.enabled`)),
      message: `${w}.placement is ${site}, a site the plant does not have (sites.${site}.enabled is false); set it to ${SITES.find((x) => x !== site)}: the plant's form offers it as it stands when ${w === 'mongodb' ? 'mongodb.mode is switched to bundled' : `${w} is enabled`}`,
    })),
  );
}
