import { and, greater, isFalse, isTrue, ne, not, sizeOver, type Expr } from './expr.ts';
import { WORKLOADS } from './kubevision.ts';
import { autonomyRules, gpuRules, placementRules, siteRules } from '../placement/rules.ts';

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
  return [...placementRules(), ...gpuRules(), ...autonomyRules(), ...kubernetesRules(), ...siteRules(), ...dependencyRules, ...timeoutRules];
}

export { plantRules } from '../placement/rules.ts';
