import { bool, group, map, str, type StringParam } from './dsl.ts';
import { formats, optional } from './patterns.ts';

/**
 * Values the chart's consumers add to every install, declared so the strict schema accepts
 * them (typed) and refuses everything else. Taken from their source:
 *
 * - Rancher's dashboard, on every install and upgrade (rancher/dashboard
 *   shell/pages/c/_cluster/apps/charts/install.vue, addGlobalValuesTo, the same from v2.9.0
 *   to v2.14.4 and at 17ad8a6): global.cattle.{clusterId, clusterName, systemProjectId, url,
 *   rkePathPrefix, rkeWindowsPathPrefix}, global.cattle.windows.enabled on clusters with
 *   Windows workers, and, because values.yaml declares global.cattle.systemDefaultRegistry
 *   (showCustomRegistry), global.cattle.systemDefaultRegistry and global.systemDefaultRegistry.
 * - Nothing at the root: a root systemDefaultRegistry in an app's values was proposed
 *   (rancher/rancher 755ae8b888, pull request 28621) but never merged; helm3.go at v2.9.0
 *   and v2.14.4 adds nothing, and since v2.10 the dashboard reads an app's values from its
 *   helm release as they were installed.
 * - Fleet before v0.6 (Rancher 2.5), which merged global.fleet.clusterLabels into every bundle
 *   deployment's values (rancher/fleet e325a6c1c, removed in 9ee1b90ca); current Fleet
 *   substitutes "global.fleet.clusterLabels.<label>" strings instead and adds no key.
 */
const rancher = (p: StringParam): StringParam => ({ ...p, injected: 'rancher' });
const set = 'set by Rancher when it installs the chart; leave empty';

const registry = (description: string) =>
  rancher(str('', description, { format: optional(formats.registry) }));

export const consumerGlobals = {
  cattle: group("Rancher's own values (rancher/dashboard install.vue addGlobalValuesTo): set by Rancher, not by a plant", {
    clusterId: rancher(str('', `Rancher cluster id, ${set}`)),
    clusterName: rancher(str('', `Rancher cluster display name, ${set}`)),
    systemDefaultRegistry: registry(
      "Rancher's system default registry (Rancher fills it in, and its install form shows it as Container Registry): put in front of every image unless global.imageRegistry is set",
    ),
    systemProjectId: rancher(str('', `Id of Rancher's System project, ${set}`)),
    url: rancher(str('', `Rancher server URL, ${set}`)),
    rkePathPrefix: rancher(str('', `RKE1 path prefix of the cluster, ${set}`)),
    rkeWindowsPathPrefix: rancher(str('', `RKE1 Windows path prefix of the cluster, ${set}`)),
    windows: group('Set by Rancher on clusters with Windows workers (KubeVision runs on Linux nodes only)', {
      enabled: { ...bool(false, `Whether the cluster has Windows workers, ${set}`), injected: 'rancher' },
    }),
  }),
  systemDefaultRegistry: registry("Rancher's system default registry as Rancher's own charts read it; Rancher sets it together with global.cattle.systemDefaultRegistry"),
  fleet: group('Set by Rancher Fleet before v0.6 (Rancher 2.5)', {
    clusterLabels: { ...map({}, 'The Fleet cluster labels, set by Fleet before v0.6; not read by the chart', { keys: formats.labelKey }), injected: 'fleet' },
  }),
};
