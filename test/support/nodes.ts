import type { Node } from './scheduler.ts';

/**
 * The nodes of a hybrid plant labelled and tainted as the chart README tells a plant to
 * (the default site values), plus a node nobody prepared.
 */
export const plantNodes: Node[] = [
  {
    name: 'edge',
    labels: { 'kubevision.io/site': 'onprem' },
    taints: [{ key: 'kubevision.io/site', value: 'onprem', effect: 'NoSchedule' }],
    capacity: {},
    runtimeClasses: [],
  },
  {
    name: 'edge-gpu',
    labels: { 'kubevision.io/site': 'onprem', 'nvidia.com/gpu.present': 'true' },
    taints: [
      { key: 'kubevision.io/site', value: 'onprem', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
    ],
    capacity: { 'nvidia.com/gpu': 1 },
    runtimeClasses: ['nvidia'],
  },
  { name: 'cloud', labels: { 'kubevision.io/site': 'cloud' }, taints: [], capacity: {}, runtimeClasses: [] },
  {
    name: 'cloud-gpu',
    labels: { 'kubevision.io/site': 'cloud', 'nvidia.com/gpu.present': 'true' },
    taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
    capacity: { 'nvidia.com/gpu': 4 },
    runtimeClasses: ['nvidia'],
  },
  { name: 'unprepared', labels: {}, taints: [], capacity: {}, runtimeClasses: [] },
];
