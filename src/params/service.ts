import { bool, group, int, map, oneOf, str, type Param } from './dsl.ts';
import { and, eq, isTrue } from './expr.ts';
import { formats, optional } from './patterns.ts';

import { PLACEMENTS, siteTitle, type Placement, type Site } from '../placement/sites.ts';
import { schedulingExtras } from '../placement/extras.ts';

export interface ServiceSpec<E extends Record<string, Param> = Record<never, Param>> {
  title: string;
  placement: Placement;
  replicas: number;
  cpu: string;
  memory: string;
  cpuLimit: string;
  memoryLimit: string;
  /** Extra values of this service only (face: compute). */
  extra?: E;
}

/**
 * The values every workload shares. Declared by one function so the four services
 * cannot drift apart in shape, names or constraints.
 */
export function placementParam(service: string, title: string, def: Placement) {
  return oneOf(PLACEMENTS, def, `Where ${title} runs: onprem (edge nodes in the plant), cloud, or any node`, {
    question: {
      label: `${title}: site`,
      group: 'Placement',
      showIf: service === 'mongodb' ? eq('mongodb.mode', 'bundled') : isTrue(`${service}.enabled`),
    },
  });
}

export function imageParams(service: string, title: string, repository: string, tag = '') {
  return group(`Container image of ${title}`, {
    repository: str(repository, `Image repository (global.imageRegistry, or else Rancher's system default registry, is put in front of it)`, {
      format: formats.repository,
    }),
    tag: str(tag, tag ? 'Image tag' : 'Image tag; empty means the chart appVersion', { format: tag ? formats.tag : optional(formats.tag, 'empty (the appVersion)') }),
    pullPolicy: oneOf(['IfNotPresent', 'Always', 'Never'], 'IfNotPresent', 'Image pull policy'),
  });
}

export function resourceParams(title: string, s: Pick<ServiceSpec, 'cpu' | 'memory' | 'cpuLimit' | 'memoryLimit'>) {
  return group(`Compute resources of ${title}`, {
    requests: group('Guaranteed resources, used for scheduling', {
      cpu: str(s.cpu, 'CPU request', { format: formats.cpu }),
      memory: str(s.memory, 'Memory request', { format: formats.memory }),
    }),
    limits: group('Upper bounds', {
      cpu: str(s.cpuLimit, 'CPU limit, at least the request; empty for none (avoids throttling)', { format: optional(formats.cpu, 'empty (no limit)') }),
      memory: str(s.memoryLimit, 'Memory limit, at least the request', { format: formats.memory }),
    }),
  });
}

export function appService<E extends Record<string, Param> = Record<never, Param>>(service: string, s: ServiceSpec<E>) {
  const enabled = isTrue(`${service}.enabled`);
  return group(`The ${s.title}`, {
    enabled: bool(true, `Deploy the ${s.title}`),
    placement: placementParam(service, s.title, s.placement),
    replicaCount: int(s.replicas, 'Replicas when autoscaling is off', {
      min: 1,
      max: 50,
      question: { label: `${s.title}: replicas`, group: 'Scaling', showIf: and(enabled, eq(`${service}.autoscaling.enabled`, false)) },
    }),
    image: imageParams(service, s.title, `kubevision/${service}`),
    resources: resourceParams(s.title, s),
    autoscaling: group('HorizontalPodAutoscaler on CPU utilisation', {
      enabled: bool(false, 'Scale replicas with CPU load', {
        question: { label: `${s.title}: autoscaling`, group: 'Scaling', showIf: enabled },
      }),
      minReplicas: int(Math.max(1, s.replicas), 'Fewest replicas', {
        min: 1,
        max: 50,
        question: { label: 'Minimum replicas', group: 'Scaling', under: `${service}.autoscaling.enabled` },
      }),
      maxReplicas: int(Math.max(4, s.replicas * 2), 'Most replicas', {
        min: 1,
        max: 100,
        question: { label: 'Maximum replicas', group: 'Scaling', under: `${service}.autoscaling.enabled` },
      }),
      targetCPUUtilizationPercentage: int(75, 'Average CPU utilisation to aim for, in percent of the request', {
        min: 10,
        max: 100,
      }),
    }),
    podDisruptionBudget: group('PodDisruptionBudget, so node drains keep the service up', {
      enabled: bool(true, 'Create a PodDisruptionBudget (only when more than one replica can run)'),
      maxUnavailable: int(1, 'Pods that may be down at once during voluntary disruptions', { min: 1, max: 50 }),
    }),
    podAnnotations: map({}, 'Extra annotations on the pods (at most 256 KiB in all)', { keys: formats.annotationKey }),
    ...schedulingExtras({ whose: `the ${s.title}'s`, label: s.title, showIf: enabled }),
    ...(s.extra as E),
  });
}

/** The GPU-related facts of one site. */
export function siteParams(site: Site, o: { taint: boolean; enabled: boolean }) {
  const title = siteTitle[site];
  const Title = title.charAt(0).toUpperCase() + title.slice(1);
  const enabled = isTrue(`sites.${site}.enabled`);
  return group(`How the plant marks its ${title} nodes`, {
    // A fact about the plant, not an install-time choice: the form does not offer it (with
    // a workload placed there, switching it off could only fail).
    enabled: bool(o.enabled, `The plant has ${title} nodes`),
    nodeLabel: group(`The label every ${title} node carries`, {
      key: str('kubevision.io/site', 'Label key', {
        format: formats.labelKey,
        question: { label: `${Title} node label key`, group: 'Sites', showIf: enabled },
      }),
      value: str(site, 'Label value', {
        format: formats.labelValue,
        question: { label: `${Title} node label value`, group: 'Sites', showIf: enabled },
      }),
    }),
    zone: str(site, `The topology.kubernetes.io/zone label of ${title} nodes: Services prefer endpoints in their caller's zone (Kubernetes 1.31+), so calls between services both on this site stay on it; empty when the nodes keep a zone label of their own (a cloud provider's)`, {
      format: optional(formats.labelValue),
    }),
    taint: group(`A taint that keeps other workloads off ${title} nodes`, {
      enabled: bool(o.taint, `${title} nodes carry this taint, so KubeVision tolerates it`, {
        question: { label: `${Title} nodes are tainted`, group: 'Sites', showIf: enabled },
      }),
      key: str('kubevision.io/site', 'Taint key', {
        format: formats.taintKey,
        question: { label: 'Taint key', group: 'Sites', under: `sites.${site}.taint.enabled` },
      }),
      value: str(site, 'Taint value; empty matches the key alone', { format: formats.labelValue }),
      effect: oneOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], 'NoSchedule', 'Taint effect'),
    }),
    // Kubernetes evicts the pods of a node that stops reporting after 300 s (the
    // DefaultTolerationSeconds admission plugin); an edge node cut off from its server by a
    // WAN outage would then lose its workloads while it could still run them. OpenShift's
    // remote-worker guidance: NoExecute tolerations without tolerationSeconds.
    outage: group(`When a ${title} node stops reporting to the Kubernetes server (a link outage)`, {
      keepPods: bool(site === 'onprem', `Pods stay on a ${title} node that stops reporting instead of being evicted after Kubernetes' 300 s (they tolerate node.kubernetes.io/unreachable and not-ready); with placement any, only when every site keeps them`, {
        question: { label: `${Title} pods stay through a link outage`, group: 'Sites', showIf: enabled },
      }),
      tolerationSeconds: int(0, 'How long they stay before eviction; 0: as long as the outage lasts', {
        min: 0,
        max: 31_536_000,
        question: { label: 'Seconds before eviction (0: never)', group: 'Sites', under: `sites.${site}.outage.keepPods` },
      }),
    }),
    // The plant's requirement, set in its values file: not offered by the form, whose
    // placement answers must each work with it (src/chart/files/questions.ts offeredOptions).
    autonomous: bool(false, `The ${title} site must keep working on its own when its link to the other site drops: the build refuses a dashboard, auth or bundled MongoDB placed anywhere else, and \`kubevision site\` says where the k3s servers must run`),
    gpu: group(`GPU nodes at the ${title} site`, {
      // A fact about the plant, like the site itself: not offered by the form.
      enabled: bool(false, `Some ${title} nodes have NVIDIA GPUs (device plugin installed)`),
      nodeLabel: group('The label GPU nodes carry (NVIDIA GPU feature discovery sets this one)', {
        key: str('nvidia.com/gpu.present', 'Label key', { format: formats.labelKey }),
        value: str('true', 'Label value', { format: formats.labelValue }),
      }),
      taint: group('The taint GPU nodes carry', {
        enabled: bool(true, 'GPU nodes are tainted, so the face service tolerates it'),
        key: str('nvidia.com/gpu', 'Taint key', { format: formats.taintKey }),
        value: str('', 'Taint value; empty matches the key alone', { format: formats.labelValue }),
        effect: oneOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], 'NoSchedule', 'Taint effect'),
      }),
      resourceName: str('nvidia.com/gpu', 'Extended resource the device plugin advertises', { format: formats.extendedResource }),
      runtimeClassName: str('nvidia', 'RuntimeClass that exposes the GPU to containers (k3s: nvidia); empty for the node default', {
        format: optional(formats.resourceName),
        question: { label: `${Title} GPU RuntimeClass`, group: 'Sites', showIf: isTrue(`sites.${site}.gpu.enabled`) },
      }),
    }),
  });
}
