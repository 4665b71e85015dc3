import { and, eq, isFalse, isTrue, or, type Expr } from './expr.ts';
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

const dependencyRules: Rule[] = [
  {
    key: 'ingress.tls.enabled',
    broken: and(isTrue('ingress.enabled'), isTrue('ingress.tls.enabled'), eq('ingress.host', '')),
    message: 'ingress.tls.enabled is true but ingress.host is empty: a certificate needs a hostname',
  },
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
export function rulesOf(): Rule[] {
  return [...placementRules(), ...gpuRules(), ...dependencyRules];
}
