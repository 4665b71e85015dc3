import { and, eq, isFalse, isTrue, ne, not, or, same, type Expr } from '../params/expr.ts';
import { WORKLOADS } from '../params/kubevision.ts';
import type { Rule } from '../params/rules.ts';
import { LOGIN_PATH } from './calls.ts';
import { SITES, siteTitle } from './sites.ts';

/**
 * The rules that keep every placement possible: a workload goes only to a site the plant
 * has, a GPU face service only where GPU nodes are, and the two sites stay apart.
 */
const enabled = (w: string): Expr => (w === 'mongodb' ? eq('mongodb.mode', 'bundled') : isTrue(`${w}.enabled`));

export function placementRules(): Rule[] {
  const controller = SITES.map((site) => ({
    key: 'ingress.controllerSite',
    broken: and(isTrue('ingress.enabled'), eq('ingress.controllerSite', site), isFalse(`sites.${site}.enabled`)),
    message: `ingress.controllerSite is ${site} but sites.${site}.enabled is false: the plant has no ${siteTitle[site]} nodes`,
  }));
  return [...controller, ...WORKLOADS.flatMap((w) => [
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
  ])];
}

export function gpuRules(): Rule[] {
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

/**
 * A site that must work on its own keeps everything login needs (src/placement/calls.ts
 * LOGIN_PATH: the dashboard, auth, the bundled MongoDB) on its own nodes, so a WAN outage
 * cannot lock the plant out. The face service may run elsewhere: without it the face step
 * falls back to recovery codes.
 */
export function autonomyRules(): Rule[] {
  return SITES.flatMap((site) => [
    {
      key: 'ingress.controllerSite',
      broken: and(isTrue(`sites.${site}.autonomous`), isTrue('ingress.enabled'), eq('ingress.controllerSite', SITES.find((s) => s !== site)!)),
      message: `ingress.controllerSite is ${SITES.find((s) => s !== site)} but sites.${site}.autonomous is true: users on the ${siteTitle[site]} site reach the dashboard through the Ingress controller, so it must run there too; run it on ${siteTitle[site]} nodes and set ingress.controllerSite to ${site}`,
    },
    {
      key: `sites.${site}.autonomous`,
      broken: and(isTrue(`sites.${site}.autonomous`), isFalse(`sites.${site}.enabled`)),
      message: `sites.${site}.autonomous is true but sites.${site}.enabled is false: the plant has no ${siteTitle[site]} nodes to work on their own`,
    },
    ...LOGIN_PATH.map((w) => ({
      key: `${w}.placement`,
      broken: and(isTrue(`sites.${site}.autonomous`), isTrue(`sites.${site}.enabled`), enabled(w), ne(`${w}.placement`, site)),
      message: `${w}.placement is not ${site} but sites.${site}.autonomous is true: login needs ${LOGIN_PATH.join(', ')} on the ${siteTitle[site]} site, or nobody there can log in while its link is down; set ${w}.placement to ${site}`,
    })),
  ]);
}

/** Kubernetes rules that span two values (k8s.io/kubernetes pkg/apis/.../validation). */
export function siteRules(): Rule[] {
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
