/**
 * Test support: a port of how Rancher Fleet turns a fleet.yaml into the helm values a downstream
 * cluster's release gets, so that tests can send a chart exactly what Fleet sends.
 *
 * Sources (read from bare mirrors, never copied verbatim):
 *   - rancher/fleet HEAD 3b2c622ce176b11644abc7fb768f87c3ffb5a3ab (2026-08-22), /work/.mirror/rancher+fleet
 *   - rancher/wrangler v3.7.1 (the version fleet's go.mod requires; commit f2ad5e9d), /work/.mirror/rancher+wrangler
 *   - rancher/fleet e325a6c1c18141cc4e2570960de03c25f69ba9a2 and 9ee1b90cad92b5c9e46f6b541778ffbf9b09ad5d
 *     (the legacy `global.fleet.clusterLabels` injection, see `LegacyFleet`)
 *   - kubernetes-sigs/yaml yaml.go (sigs.k8s.io/yaml, v1.6.0 in fleet's go.mod): YAML 1.1 via go-yaml v2,
 *     then encoding/json.
 *
 * The pipeline: fleet.yaml -> Bundle (internal/bundlereader) -> per cluster: target matching and
 * options.Merge (internal/cmd/controller/target) -> preprocessHelmValues -> BundleDeployment (JSON) ->
 * agent: helmdeployer getValues (valuesFrom) -> helm install/upgrade.
 */
import { createHash } from 'node:crypto';
import YAML from 'yaml';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyObject = Record<string, any>;

export const FLEET_HEAD_COMMIT = '3b2c622ce176b11644abc7fb768f87c3ffb5a3ab';
export const WRANGLER_TAG = 'v3.7.1';

// ---------------------------------------------------------------------------------------------
// Types: the fleet.yaml / Bundle fields that matter for helm values
// (pkg/apis/fleet.cattle.io/v1alpha1/{fleetyaml,bundle,bundledeployment_types,target}.go @ 3b2c622c)
// ---------------------------------------------------------------------------------------------

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** metav1.LabelSelector */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** ConfigMapKeySelector / SecretKeySelector */
export interface KeySelector {
  name: string;
  namespace?: string;
  key?: string;
}

export interface ValuesFrom {
  configMapKeyRef?: KeySelector | null;
  secretKeyRef?: KeySelector | null;
}

export interface DownstreamResource {
  kind: string;
  name: string;
}

/** HelmOptions (json names) */
export interface HelmOptions {
  chart?: string;
  repo?: string;
  releaseName?: string;
  version?: string;
  timeoutSeconds?: number;
  values?: AnyObject | null;
  templateValues?: Record<string, string> | null;
  valuesFrom?: ValuesFrom[];
  valuesFiles?: string[];
  force?: boolean;
  takeOwnership?: boolean;
  maxHistory?: number;
  waitForJobs?: boolean;
  atomic?: boolean;
  disablePreProcess?: boolean;
  disableDNS?: boolean;
  skipSchemaValidation?: boolean;
  disableDependencyUpdate?: boolean;
}

/** BundleDeploymentOptions, the fields ported (`namespace` is Go's TargetNamespace). */
export interface BundleDeploymentOptions {
  defaultNamespace?: string;
  namespace?: string;
  serviceAccount?: string;
  helm?: HelmOptions | null;
  keepResources?: boolean;
  downstreamResources?: DownstreamResource[];
}

/** BundleTarget (a targetCustomization, or a GitRepo target converted to a bundle target). */
export interface BundleTarget extends BundleDeploymentOptions {
  name?: string;
  clusterName?: string;
  clusterSelector?: LabelSelector | null;
  clusterGroup?: string;
  clusterGroupSelector?: LabelSelector | null;
  doNotDeploy?: boolean;
}

/** GitTarget: a GitRepo's spec.targets entry (or fleet.yaml overrideTargets). */
export interface GitTarget {
  name?: string;
  clusterName?: string;
  clusterSelector?: LabelSelector | null;
  clusterGroup?: string;
  clusterGroupSelector?: LabelSelector | null;
}

/** FleetYAML, as Fleet decodes fleet.yaml (use `parseFleetYaml` to decode it the same way). */
export interface FleetYaml extends BundleDeploymentOptions {
  name?: string;
  labels?: Record<string, string>;
  targetCustomizationMode?: string;
  targets?: BundleTarget[];
  targetCustomizations?: BundleTarget[];
  overrideTargets?: GitTarget[];
}

/** The Fleet Cluster resource, as far as values depend on it. */
export interface FleetCluster {
  name: string;
  /** The Fleet workspace (fleet-default for Rancher's downstream clusters). */
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** Cluster groups the cluster is in: group name -> the group's labels. */
  groups?: Record<string, Record<string, string>>;
}

/** What exists on the downstream cluster for valuesFrom: "namespace/name" -> key -> text. */
export interface FleetDownstream {
  secrets?: Record<string, Record<string, string>>;
  configMaps?: Record<string, Record<string, string>>;
}

/**
 * Fleet before v0.6.0 merged `global.fleet.clusterLabels: <exported labels>` into every bundle
 * deployment's values (rancher/fleet e325a6c1c "Add cluster labels to helm global values",
 * 2020-10-01, first tag v0.3.0; removed by 9ee1b90ca "feat: templatable helm values from cluster",
 * committed 2022-12-01, first tag v0.6.0). The label-reference substitution changed meanwhile:
 *   'v0.3.0': no substitution (v0.3.0 - v0.3.4)
 *   'v0.3.5': maps only, a missing label is an error (v0.3.5; c085dd67f)
 *   'v0.3.6': maps and maps inside lists, a missing label is an error (v0.3.6 - v0.5.1; 403680ce9)
 *   'v0.5.2': as v0.3.6 but a missing label becomes "" (v0.5.2 - v0.5.x; 78b37b058, the backport
 *             of 6b66a578e "Do not fail on missing labels")
 * `legacy: true` means 'v0.5.2'. Everything else (merging, valuesFrom) follows HEAD.
 */
export type LegacyFleet = 'v0.3.0' | 'v0.3.5' | 'v0.3.6' | 'v0.5.2';

export interface FleetOptions {
  legacy?: boolean | LegacyFleet;
  /** The GitRepo's spec.targets. Default: one target selecting every cluster (`clusterSelector: {}`),
   *  i.e. the cluster is assumed to be targeted. A GitRepo without targets means
   *  `[{ name: 'default', clusterGroup: 'default' }]` (gitops/reconciler/targetsyaml.go targetsOrDefault). */
  gitRepoTargets?: GitTarget[];
  /** The Bundle's name, for the release name when helm.releaseName is empty. */
  bundleName?: string;
  /** Files of the bundle directory (path relative to it -> text), for helm.valuesFiles. */
  files?: Record<string, string>;
  /** The agent's default namespace (internal/cmd/agent/operator.go defaultNamespace = "default"). */
  agentDefaultNamespace?: string;
}

export interface FleetDeployment {
  releaseName: string;
  namespace: string;
  chart: string;
  version: string;
  repo: string;
  /** The values the agent hands to helm install/upgrade. */
  values: Record<string, unknown>;
  /** The BundleDeployment's options after Merge and preprocessHelmValues. */
  options: BundleDeploymentOptions;
}

/** Glue: a Go map[string]interface{} as decoded from JSON (a plain object). */
function isGoMap(value: unknown): value is AnyObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Glue: the generated DeepCopy of the Go types. */
function deepCopy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

// ---------------------------------------------------------------------------------------------
// rancher/wrangler
// ---------------------------------------------------------------------------------------------

/**
 * Ports rancher/wrangler pkg/data/merge.go `MergeMaps` @ v3.7.1: a new map with base's entries, then
 * each overlay entry; when both sides are map[string]interface{} they are merged recursively,
 * anything else (lists, scalars, null) replaces. `opaque` marks maps that are not
 * map[string]interface{} in Go (e.g. the legacy map[string]string of cluster labels), which
 * therefore replace instead of merging.
 */
export function mergeMaps(base: AnyObject | null | undefined, overlay: AnyObject | null | undefined, opaque?: WeakSet<object>): AnyObject {
  const result: AnyObject = { ...(base ?? {}) };

  for (const [k, v] of Object.entries(overlay ?? {})) {
    const left = result[k];

    if (isGoMap(left) && isGoMap(v) && !opaque?.has(left) && !opaque?.has(v)) {
      result[k] = mergeMaps(left, v, opaque);
    } else {
      result[k] = v;
    }
  }

  return result;
}

/**
 * Ports rancher/wrangler pkg/yaml/yaml.go `CleanAnnotationsForExport` @ v3.7.1: drops keys with
 * prefix "kubectl.kubernetes.io/" and keys *containing* "cattle.io/".
 */
export function cleanAnnotationsForExport(annotations: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};

  for (const [k, v] of Object.entries(annotations ?? {})) {
    if (k.startsWith('kubectl.kubernetes.io/') || k.includes('cattle.io/')) {
      continue;
    }
    result[k] = v;
  }

  return result;
}

/**
 * The cluster labels Fleet exposes to values: internal/cmd/controller/target/builder.go
 * `preprocessHelmValues` @ 3b2c622c - CleanAnnotationsForExport, then every label with prefix
 * "fleet.cattle.io/" (fleet.FleetLabelPrefix) or "management.cattle.io/" (ManagementLabelPrefix)
 * added back. So e.g. provisioning.cattle.io/*, objectset.rio.cattle.io/* and kubectl.kubernetes.io/*
 * labels are not visible.
 */
export function exportedClusterLabels(labels: Record<string, string> | undefined): Record<string, string> {
  const result = cleanAnnotationsForExport(labels);

  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('fleet.cattle.io/') || k.startsWith('management.cattle.io/')) {
      result[k] = v;
    }
  }

  return result;
}

// ---------------------------------------------------------------------------------------------
// internal/cmd/controller/options/calculate.go and internal/merge/merge.go
// ---------------------------------------------------------------------------------------------

/**
 * Ports rancher/fleet internal/merge/merge.go `ByKey` @ 3b2c622c: custom entries whose non-empty key
 * matches a base entry replace it in place (onCollide returns custom here); other custom entries
 * are appended; entries with an empty key are always appended; a key repeated in custom only
 * counts the first time.
 */
export function mergeByKey<T>(base: T[] | undefined, custom: T[] | undefined, keyFn: (v: T) => string): T[] | undefined {
  if (!custom || custom.length === 0) {
    return base;
  }

  const baseIndex = new Map<string, number>();

  (base ?? []).forEach((v, i) => {
    const k = keyFn(v);

    if (k !== '') {
      baseIndex.set(k, i);
    }
  });

  const result = [...(base ?? [])];
  const seen = new Set<string>();

  for (const v of custom) {
    const k = keyFn(v);

    if (k !== '') {
      if (seen.has(k)) {
        continue;
      }
      seen.add(k);

      const idx = baseIndex.get(k);

      if (idx !== undefined) {
        result[idx] = v;
        continue;
      }
    }
    result.push(v);
  }

  return result;
}

/** Ports calculate.go `valuesFromKey` @ 3b2c622c. */
export function valuesFromKey(v: ValuesFrom): string {
  if (v.configMapKeyRef) {
    return `configmap|${ v.configMapKeyRef.namespace ?? '' }|${ v.configMapKeyRef.name ?? '' }|${ v.configMapKeyRef.key ?? '' }`;
  }
  if (v.secretKeyRef) {
    return `secret|${ v.secretKeyRef.namespace ?? '' }|${ v.secretKeyRef.name ?? '' }|${ v.secretKeyRef.key ?? '' }`;
  }

  return '';
}

/** Ports calculate.go `downstreamResourceKey` @ 3b2c622c. */
function downstreamResourceKey(r: DownstreamResource): string {
  return `${ (r.kind ?? '').toLowerCase() }|${ r.name ?? '' }`;
}

/**
 * Ports rancher/fleet internal/cmd/controller/options/calculate.go `Merge(base, custom)` @ 3b2c622c,
 * for the fields that matter to helm values (a pure function: inputs are not modified).
 * - defaultNamespace / namespace / serviceAccount: custom wins when non-empty (the `== "-"` branch
 *   after `!= ""` is dead code upstream, so "-" is set literally);
 * - helm, when custom has one: timeoutSeconds > 0 wins, < 0 resets to 0; values: base nil -> custom's,
 *   else wrangler MergeMaps(base, custom); templateValues copied over key by key; valuesFrom merged by
 *   key (kind|namespace|name|key); repo, chart, version, releaseName: custom wins when non-empty;
 *   force, atomic, takeOwnership, disablePreProcess, waitForJobs, disableDNS are OR-ed (other helm
 *   fields, e.g. maxHistory, keep base's value);
 * - keepResources OR-ed; downstreamResources merged by lower(kind)|name.
 */
export function mergeOptions(base: BundleDeploymentOptions, custom: BundleDeploymentOptions): BundleDeploymentOptions {
  const result: BundleDeploymentOptions = deepCopy(base) ?? {};
  const next = deepCopy(custom) ?? {};

  if (next.defaultNamespace) {
    result.defaultNamespace = next.defaultNamespace;
  }
  if (next.namespace) {
    result.namespace = next.namespace;
  }
  if (next.serviceAccount) {
    result.serviceAccount = next.serviceAccount;
  }

  if (next.helm) {
    const helm: HelmOptions = result.helm ?? {};
    const c = next.helm;

    result.helm = helm;

    if ((c.timeoutSeconds ?? 0) > 0) {
      helm.timeoutSeconds = c.timeoutSeconds;
    } else if ((c.timeoutSeconds ?? 0) < 0) {
      helm.timeoutSeconds = 0;
    }

    if (helm.values === undefined || helm.values === null) {
      helm.values = c.values;
    } else if (c.values !== undefined && c.values !== null) {
      helm.values = mergeMaps(helm.values, c.values);
    }

    if (helm.templateValues === undefined || helm.templateValues === null) {
      helm.templateValues = c.templateValues;
    } else if (c.templateValues !== undefined && c.templateValues !== null) {
      Object.assign(helm.templateValues, c.templateValues);
    }

    if ((c.valuesFrom?.length ?? 0) > 0) {
      helm.valuesFrom = mergeByKey(helm.valuesFrom, c.valuesFrom, valuesFromKey);
    }

    if (c.repo) {
      helm.repo = c.repo;
    }
    if (c.chart) {
      helm.chart = c.chart;
    }
    if (c.version) {
      helm.version = c.version;
    }
    if (c.releaseName) {
      helm.releaseName = c.releaseName;
    }

    helm.force = !!helm.force || !!c.force;
    helm.atomic = !!helm.atomic || !!c.atomic;
    helm.takeOwnership = !!helm.takeOwnership || !!c.takeOwnership;
    helm.disablePreProcess = !!helm.disablePreProcess || !!c.disablePreProcess;
    helm.waitForJobs = !!helm.waitForJobs || !!c.waitForJobs;
    helm.disableDNS = !!helm.disableDNS || !!c.disableDNS;
  }

  result.keepResources = !!result.keepResources || !!next.keepResources;

  if ((next.downstreamResources?.length ?? 0) > 0) {
    result.downstreamResources = mergeByKey(result.downstreamResources, next.downstreamResources, downstreamResourceKey);
  }

  return result;
}

// ---------------------------------------------------------------------------------------------
// Target matching: internal/cmd/controller/target/matcher/{clustermatcher,bundlematch}.go
// ---------------------------------------------------------------------------------------------

/**
 * k8s.io/apimachinery metav1.LabelSelectorAsSelector + Selector.Matches: matchLabels must all be
 * equal; matchExpressions In / NotIn / Exists / DoesNotExist (NotIn and DoesNotExist also match
 * clusters without the label); an empty selector matches everything. Invalid requirements throw,
 * as selector construction errors do.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, k) || labels[k] !== v) {
      return false;
    }
  }

  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const values = req.values ?? [];

    switch (req.operator) {
    case 'In':
      if (values.length === 0) {
        throw new Error(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
      }
      if (!has || !values.includes(labels[req.key] as string)) {
        return false;
      }
      break;
    case 'NotIn':
      if (values.length === 0) {
        throw new Error(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
      }
      if (has && values.includes(labels[req.key] as string)) {
        return false;
      }
      break;
    case 'Exists':
      if (values.length) {
        throw new Error(`values: Invalid value: values set must be empty for exists and does not exist`);
      }
      if (!has) {
        return false;
      }
      break;
    case 'DoesNotExist':
      if (values.length) {
        throw new Error(`values: Invalid value: values set must be empty for exists and does not exist`);
      }
      if (has) {
        return false;
      }
      break;
    default:
      throw new Error(`"${ req.operator }" is not a valid label selector operator`);
    }
  }

  return true;
}

/**
 * Ports rancher/fleet internal/cmd/controller/target/matcher/clustermatcher.go `NewClusterMatcher` +
 * `Match` @ 3b2c622c: every given criterion must hold - clusterName (the resource name, or the
 * management.cattle.io/cluster-display-name label), clusterGroup, clusterGroupSelector,
 * clusterSelector - and a target with no criterion matches nothing.
 */
export function targetMatches(target: GitTarget, clusterName: string, clusterGroup: string, clusterGroupLabels: Record<string, string> | undefined, clusterLabels: Record<string, string>): boolean {
  const criteria: (() => boolean)[] = [];

  if (target.clusterName) {
    criteria.push(() => target.clusterName === clusterName
      || (Object.hasOwn(clusterLabels, 'management.cattle.io/cluster-display-name') && target.clusterName === clusterLabels['management.cattle.io/cluster-display-name']));
  }
  if (target.clusterGroup) {
    criteria.push(() => target.clusterGroup === clusterGroup);
  }
  if (target.clusterGroupSelector) {
    const sel = target.clusterGroupSelector;

    criteria.push(() => labelSelectorMatches(sel, clusterGroupLabels ?? {}));
  }
  if (target.clusterSelector) {
    const sel = target.clusterSelector;

    criteria.push(() => labelSelectorMatches(sel, clusterLabels));
  }

  if (criteria.length === 0) {
    return false;
  }

  return criteria.every((c) => c());
}

/** Ports bundlematch.go `match` / `matchCustomization` @ 3b2c622c: a target matches when it matches the cluster with any of its groups (or with none when it has none). */
function matchesCluster(target: GitTarget, cluster: FleetCluster): boolean {
  const groups = Object.entries(cluster.groups ?? {});

  if (groups.length === 0) {
    return targetMatches(target, cluster.name, '', undefined, cluster.labels ?? {});
  }

  return groups.some(([group, groupLabels]) => targetMatches(target, cluster.name, group, groupLabels, cluster.labels ?? {}));
}

/** The Bundle, as bundlereader and the GitRepo reconciler build it. */
interface Bundle {
  options: BundleDeploymentOptions;
  targetCustomizationMode?: string;
  targets: BundleTarget[];
  restrictions: GitTarget[];
}

/**
 * Ports rancher/fleet internal/bundlereader/resources.go `parseValuesFiles` / `generateValues` @
 * 3b2c622c: helm.values, then every valuesFiles file (sigs.k8s.io/yaml, YAML 1.1) merged over it with
 * wrangler MergeMaps; the result replaces helm.values only when it is non-empty.
 */
function parseValuesFiles(helm: HelmOptions, files: Record<string, string> | undefined): void {
  if (!helm.valuesFiles?.length) {
    return;
  }

  let values: AnyObject | null | undefined = helm.values ?? {};

  for (const file of helm.valuesFiles) {
    const text = files?.[file];

    if (text === undefined) {
      throw new Error(`reading values file: ${ file }: no such file (pass it in opts.files)`);
    }

    const data = goYamlToJson(text);

    if (data !== null && !isGoMap(data)) {
      throw new Error(`reading values file: ${ file }: json: cannot unmarshal ${ Array.isArray(data) ? 'array' : typeof data } into Go value of type map[string]interface {}`);
    }
    values = mergeMaps(values, data);
  }

  if (Object.keys(values).length !== 0) {
    helm.values = values;
  }
}

/**
 * Ports rancher/fleet internal/bundlereader/read.go `bundleFromDir` @ 3b2c622c (the parts that shape
 * targets and values) and internal/cmd/controller/gitops/reconciler/targetsyaml.go
 * `newTargetsConfigMap`: fleet.yaml's own `targets`, then its targetCustomizations, are the first
 * targets; unnamed ones are named `target%03d`; repo/chart/version propagate from helm into targets
 * that have a helm section; valuesFiles are read (for the top-level helm only when it has a chart or
 * a repo); then overrideTargets, or the GitRepo's targets, are appended as targets *and* restrictions;
 * without any target the bundle gets `{name: default, clusterGroup: default}`.
 */
function bundleFromFleetYaml(fy: FleetYaml, opts: FleetOptions): Bundle {
  const targets: BundleTarget[] = [...deepCopy(fy.targets ?? []), ...deepCopy(fy.targetCustomizations ?? [])];
  const options: BundleDeploymentOptions = deepCopy({
    defaultNamespace:    fy.defaultNamespace,
    namespace:           fy.namespace,
    serviceAccount:      fy.serviceAccount,
    helm:                fy.helm,
    keepResources:       fy.keepResources,
    downstreamResources: fy.downstreamResources,
  });

  targets.forEach((t, i) => {
    if (!t.name) {
      t.name = `target${ String(i).padStart(3, '0') }`;
    }
  });

  if (options.helm) {
    for (const t of targets) {
      if (!t.helm) {
        continue;
      }
      t.helm.repo = t.helm.repo || options.helm.repo;
      t.helm.chart = t.helm.chart || options.helm.chart;
      t.helm.version = t.helm.version || options.helm.version;
    }
  }

  if (options.helm && (options.helm.chart || options.helm.repo)) {
    parseValuesFiles(options.helm, opts.files);
  }
  for (const t of targets) {
    if (t.helm) {
      parseValuesFiles(t.helm, opts.files);
    }
  }

  const restrictions: GitTarget[] = [];
  const appended: GitTarget[] = fy.overrideTargets ?? opts.gitRepoTargets ?? [{ name: 'all', clusterSelector: {} }];

  for (const t of appended) {
    targets.push({
      name:                 t.name,
      clusterName:          t.clusterName,
      clusterSelector:      deepCopy(t.clusterSelector),
      clusterGroup:         t.clusterGroup,
      clusterGroupSelector: deepCopy(t.clusterGroupSelector),
    });
    restrictions.push(deepCopy(t));
  }

  if (targets.length === 0) {
    targets.push({ name: 'default', clusterGroup: 'default' });
  }

  return { options, targetCustomizationMode: fy.targetCustomizationMode, targets, restrictions };
}

/**
 * Ports rancher/fleet internal/cmd/controller/target/matcher/bundlematch.go
 * `MatchAllTargetCustomizations` @ 3b2c622c (its first element is `MatchTargetCustomizations`):
 * the customizations matching the cluster, in list order, restrictions not applied. With no
 * restrictions (no GitRepo) no target counts as a customization (`determineIsCustomization`).
 */
function matchingCustomizations(bundle: Bundle, cluster: FleetCluster): BundleTarget[] {
  const numRestrictions = bundle.restrictions.length;
  const numCustomizations = bundle.targets.length - numRestrictions;

  return bundle.targets.filter((t, i) => numRestrictions !== 0 && i < numCustomizations && matchesCluster(t, cluster));
}

/**
 * The names of the targetCustomizations of `fleetYaml` that match `cluster`, in order (AllMatches
 * uses all, FirstMatch the first one). See `matchingCustomizations`.
 */
export function matchedCustomizations(fleetYaml: FleetYaml, cluster: FleetCluster, opts: FleetOptions = {}): string[] {
  return matchingCustomizations(bundleFromFleetYaml(fleetYaml, opts), cluster).map((t) => t.name ?? '');
}

/**
 * Ports rancher/fleet internal/cmd/controller/target/builder.go `Targets` @ 3b2c622c (target and
 * customization choice) with matcher/bundlematch.go: with restrictions, the first
 * len(targets)-len(restrictions) targets are customizations. The deployment target is the first
 * non-customization target that matches and passes a restriction; none -> no BundleDeployment.
 * Then FirstMatch (default): the first matching customization's options *replace* the target's;
 * AllMatches: every matching customization is Merge-d, in order, onto the target's options. A
 * doNotDeploy on the target or a used customization -> no BundleDeployment. Finally
 * Merge(bundle options, those options).
 */
function optionsForCluster(bundle: Bundle, cluster: FleetCluster): BundleDeploymentOptions | null {
  const numRestrictions = bundle.restrictions.length;
  const numCustomizations = bundle.targets.length - numRestrictions;
  const isCustomization = (i: number): boolean => numRestrictions !== 0 && i < numCustomizations;
  // criteriaWithRestrictions: for one and the same cluster group, some restriction and the target match.
  const groups: [string, Record<string, string> | undefined][] = Object.entries(cluster.groups ?? {});
  const target = bundle.targets.find((t, i) => !isCustomization(i)
    && (groups.length ? groups : [['', undefined] as [string, undefined]]).some(([group, groupLabels]) => {
      const allowed = numRestrictions === 0
        || bundle.restrictions.some((r) => targetMatches(r, cluster.name, group, groupLabels, cluster.labels ?? {}));

      return allowed && targetMatches(t, cluster.name, group, groupLabels, cluster.labels ?? {});
    }));

  if (!target || target.doNotDeploy) {
    return null;
  }

  const optionsOf = (t: BundleTarget): BundleDeploymentOptions => ({
    defaultNamespace:    t.defaultNamespace,
    namespace:           t.namespace,
    serviceAccount:      t.serviceAccount,
    helm:                t.helm,
    keepResources:       t.keepResources,
    downstreamResources: t.downstreamResources,
  });

  let targetOpts = optionsOf(target);
  const customizations = matchingCustomizations(bundle, cluster);

  if (bundle.targetCustomizationMode === 'AllMatches') {
    for (const tc of customizations) {
      if (tc.doNotDeploy) {
        return null;
      }
      targetOpts = mergeOptions(targetOpts, optionsOf(tc));
    }
  } else {
    const first = customizations[0];

    if (first) {
      if (first.doNotDeploy) {
        return null;
      }
      targetOpts = optionsOf(first);
    }
  }

  return mergeOptions(bundle.options, targetOpts);
}

// ---------------------------------------------------------------------------------------------
// internal/cmd/controller/target/builder.go: preprocessHelmValues / processLabelValues
// ---------------------------------------------------------------------------------------------

/** internal/cmd/controller/target/target.go @ 3b2c622c */
const CLUSTER_LABEL_PREFIX = 'global.fleet.clusterLabels.';
const MAX_TEMPLATE_RECURSION_DEPTH = 50;

/**
 * Ports rancher/fleet internal/cmd/controller/target/builder.go `processLabelValues` @ 3b2c622c
 * (mutates `valuesMap`): a string value starting with "global.fleet.clusterLabels." becomes the
 * value of the label named by the rest, or "" when the cluster lacks it; maps are descended into, and
 * so are maps that are direct elements of lists (strings directly in lists, and lists of lists, are
 * left alone). Deeper than 50 levels is an error.
 */
export function processLabelValues(valuesMap: AnyObject, clusterLabels: Record<string, string>, recursionDepth = 0): void {
  processLabelValuesVariant(valuesMap, clusterLabels, recursionDepth, 'head');
}

type LabelVariant = 'head' | LegacyFleet;

/**
 * `processLabelValues` of HEAD (builder.go) and of the legacy pkg/target/target.go: v0.3.5
 * (c085dd67f: maps only, missing label -> error), v0.3.6 (403680ce9: also maps in lists), v0.5.2
 * (78b37b058: missing label -> ""). Only HEAD has the depth limit and the logger argument.
 */
function processLabelValuesVariant(valuesMap: AnyObject, clusterLabels: Record<string, string>, recursionDepth: number, variant: LabelVariant): void {
  if (variant === 'head' && recursionDepth > MAX_TEMPLATE_RECURSION_DEPTH) {
    throw new Error(`maximum recursion depth of ${ MAX_TEMPLATE_RECURSION_DEPTH } exceeded for cluster label prefix processing, too many nested values`);
  }

  for (const [key, val] of Object.entries(valuesMap)) {
    if (typeof val === 'string' && val.startsWith(CLUSTER_LABEL_PREFIX)) {
      const label = val.slice(CLUSTER_LABEL_PREFIX.length);

      if (Object.hasOwn(clusterLabels, label)) {
        valuesMap[key] = clusterLabels[label];
      } else if (variant === 'head' || variant === 'v0.5.2') {
        valuesMap[key] = '';
      } else {
        throw new Error(`invalid_label_reference ${ val } in key ${ key }`);
      }
    }

    if (isGoMap(val)) {
      processLabelValuesVariant(val, clusterLabels, recursionDepth + 1, variant);
    }

    if (Array.isArray(val) && variant !== 'v0.3.5') {
      for (const item of val) {
        if (isGoMap(item)) {
          processLabelValuesVariant(item, clusterLabels, recursionDepth + 1, variant);
        }
      }
    }
  }
}

/** Glue: whether Go text/template with `${ }` delimiters would find an action (see preprocessHelmValues). */
function containsTemplateDelimiter(value: unknown): boolean {
  if (typeof value === 'string') {
    return value.includes('${');
  }
  if (Array.isArray(value)) {
    return value.some(containsTemplateDelimiter);
  }
  if (isGoMap(value)) {
    return Object.entries(value).some(([k, v]) => k.includes('${') || containsTemplateDelimiter(v));
  }

  return false;
}

/**
 * Ports rancher/fleet internal/cmd/controller/target/builder.go `preprocessHelmValues` @ 3b2c622c
 * (mutates `opts`). Nothing happens when the cluster has no exported label (then even
 * "global.fleet.clusterLabels.x" strings stay as they are); without helm options an empty helm
 * section is created; values and templateValues both empty -> nothing; else `processLabelValues`.
 * Unless helm.disablePreProcess, values are then rendered as a Go text/template with `${ }`
 * delimiters and helm.templateValues are rendered and copied over the top-level keys. Templating is
 * not ported: this throws when any value or templateValue contains `${`; without a delimiter the
 * rendering is an identity (a sigs.k8s.io/yaml round trip) except that templateValues are decoded as
 * YAML 1.1 (`"2"` becomes the number 2), which is ported.
 */
export function preprocessHelmValues(opts: BundleDeploymentOptions, cluster: FleetCluster): void {
  const clusterLabels = exportedClusterLabels(cluster.labels);

  if (Object.keys(clusterLabels).length === 0) {
    return;
  }

  if (!opts.helm) {
    opts.helm = {};

    return;
  }

  opts.helm = deepCopy(opts.helm);
  opts.helm.values = opts.helm.values ?? {};

  if ((opts.helm.templateValues === undefined || opts.helm.templateValues === null) && Object.keys(opts.helm.values).length === 0) {
    return;
  }

  processLabelValues(opts.helm.values, clusterLabels, 0);

  if (!opts.helm.disablePreProcess) {
    const templateValues = opts.helm.templateValues ?? {};

    if (containsTemplateDelimiter(opts.helm.values) || Object.values(templateValues).some((v) => v.includes('${'))) {
      throw new Error('fleet port: Go text/template rendering of helm values (disablePreProcess: false with ${ } in values or templateValues) is not ported');
    }

    for (const [k, v] of Object.entries(templateValues)) {
      opts.helm.values[k] = goYamlToJson(v);
    }
  }
}

/**
 * Ports `addClusterLabels` of rancher/fleet pkg/target/target.go, as added by e325a6c1c and as of
 * v0.5.3 (the last version before 9ee1b90ca removed it), mutating `opts`: with exported labels, a
 * bundle without helm options gets `values: {global: {fleet: {clusterLabels}}}`, one without values
 * too; otherwise label references are substituted (per variant) and the values become
 * `MergeMaps(values, {global: {fleet: {clusterLabels}}})` - clusterLabels is a map[string]string in
 * Go, so it replaces any global.fleet.clusterLabels of the values instead of merging into it.
 */
function addClusterLabelsLegacy(opts: BundleDeploymentOptions, labels: Record<string, string>, variant: LegacyFleet): void {
  const clusterLabels = exportedClusterLabels(labels);

  if (Object.keys(clusterLabels).length === 0) {
    return;
  }

  const opaque = new WeakSet<object>([clusterLabels]);
  const newValues = { global: { fleet: { clusterLabels } } };

  if (!opts.helm) {
    opts.helm = { values: newValues };

    return;
  }

  opts.helm = deepCopy(opts.helm);

  if (!opts.helm.values) {
    opts.helm.values = newValues;

    return;
  }

  if (variant !== 'v0.3.0') {
    processLabelValuesVariant(opts.helm.values, clusterLabels, 0, variant);
  }

  opts.helm.values = mergeMaps(opts.helm.values, newValues, opaque);
}

// ---------------------------------------------------------------------------------------------
// internal/helmdeployer (the agent)
// ---------------------------------------------------------------------------------------------

/**
 * Ports rancher/fleet internal/helmdeployer/install.go `mergeValues(dest, src)` @ 3b2c622c (mutates
 * and returns dest; adapted from helm's cmd/helm/install.go): new keys are added; a src value that
 * is not a map overwrites; a src map overwrites a non-map; two maps merge recursively.
 */
export function mergeValues(dest: AnyObject, src: AnyObject | null | undefined): AnyObject {
  for (const [k, v] of Object.entries(src ?? {})) {
    if (!Object.hasOwn(dest, k)) {
      dest[k] = v;
      continue;
    }
    if (!isGoMap(v)) {
      dest[k] = v;
      continue;
    }

    const destMap = dest[k];

    if (!isGoMap(destMap)) {
      dest[k] = v;
      continue;
    }
    dest[k] = mergeValues(destMap, v);
  }

  return dest;
}

/**
 * k8s.io/apimachinery/pkg/util/yaml `NewYAMLToJSONDecoder(...).Decode(&m)` as install.go
 * valuesFromSecret / valuesFromConfigMap use it: only the first document is read (a line starting
 * with `---` ends it; text after `---` other than a comment is a syntax error; leading separators are
 * skipped); no document at all is io.EOF (an error, so an empty value fails the deployment); the
 * document goes through sigs.k8s.io/yaml (YAML 1.1) into a map; null -> no values.
 */
export function decodeFirstYamlDocument(text: string): AnyObject | null {
  const lines = text.split(/(?<=\n)/);
  let buffer = '';
  let doc: string | undefined;

  for (const line of lines) {
    if (line.startsWith('---')) {
      const trimmed = line.slice(3).trim();

      if (trimmed.length > 0 && !trimmed.startsWith('#')) {
        throw new Error(`yaml: invalid document separator: ${ trimmed }`);
      }
      if (buffer.length !== 0) {
        doc = buffer;
        break;
      }
      continue;
    }
    buffer += line;
  }

  if (doc === undefined) {
    doc = buffer;
  }
  if (doc.length === 0) {
    throw new Error('EOF');
  }

  const value = goYamlToJson(doc);

  if (value === null) {
    return null;
  }
  if (!isGoMap(value)) {
    throw new Error(`error unmarshaling JSON: json: cannot unmarshal ${ Array.isArray(value) ? 'array' : typeof value } into Go value of type map[string]interface {}`);
  }

  return value;
}

/**
 * Ports install.go `valuesFromSecret` / `valuesFromConfigMap` @ 3b2c622c: a missing key is an error,
 * the text is decoded with `decodeFirstYamlDocument`.
 */
export function valuesFromData(kind: 'secret' | 'configmap', name: string, namespace: string, key: string, data: Record<string, string>): AnyObject | null {
  if (!Object.hasOwn(data, key)) {
    throw new Error(`key ${ key } is missing from ${ kind } ${ namespace }/${ name }, can't use it in valuesFrom`);
  }

  return decodeFirstYamlDocument(data[key] as string);
}

/** Ports install.go `isInDownstreamResources` @ 3b2c622c: same name, kind compared case-insensitively. */
export function isInDownstreamResources(resourceName: string, kind: string, options: BundleDeploymentOptions): boolean {
  const wanted = kind.toLowerCase();

  return (options.downstreamResources ?? []).some((dr) => dr.name === resourceName && (dr.kind ?? '').toLowerCase() === wanted);
}

/** Ports rancher/fleet internal/namespaces/namespaces.go `GetDeploymentNS` @ 3b2c622c. */
export function getDeploymentNamespace(defaultNamespace: string, o: BundleDeploymentOptions): string {
  return o.namespace || o.defaultNamespace || defaultNamespace;
}

/**
 * Ports install.go `getValues` @ 3b2c622c: helm.values (or {}), then for each valuesFrom entry, in
 * order, its ConfigMap and then its Secret ("merge secret last to be compatible with fleet <= 0.6.0"),
 * each `mergeValues`-d over the values. The object's namespace is the release namespace when the
 * ref has none or when the object is one of downstreamResources; key defaults to values.yaml.
 * Returns null without helm options. A missing object is an error (the agent's Get fails).
 */
export function getValues(options: BundleDeploymentOptions, defaultNamespace: string, downstream: FleetDownstream): AnyObject | null {
  if (!options.helm) {
    return null;
  }

  let values: AnyObject = options.helm.values ?? {};

  for (const vf of options.helm.valuesFrom ?? []) {
    const refs: ['configmap' | 'secret', KeySelector | null | undefined, Record<string, Record<string, string>> | undefined, string][] = [
      ['configmap', vf.configMapKeyRef, downstream.configMaps, 'ConfigMap'],
      ['secret', vf.secretKeyRef, downstream.secrets, 'Secret'],
    ];

    for (const [kind, ref, store, k8sKind] of refs) {
      if (!ref) {
        continue;
      }

      const name = ref.name ?? '';
      const namespace = !ref.namespace || isInDownstreamResources(name, k8sKind, options) ? defaultNamespace : ref.namespace;
      const key = ref.key || 'values.yaml';
      const data = store?.[`${ namespace }/${ name }`];

      if (data === undefined) {
        throw new Error(`${ kind === 'secret' ? 'secrets' : 'configmaps' } "${ name }" not found (namespace ${ namespace })`);
      }

      const temp = valuesFromData(kind, name, namespace, key, data);

      if (temp !== null) {
        values = mergeValues(values, temp);
      }
    }
  }

  return values;
}

/**
 * Ports rancher/fleet internal/names/name.go `HelmReleaseName` (with `Limit` and `Hex`) @ 3b2c622c:
 * the release name derived from a bundle ID when helm.releaseName is empty.
 */
export function helmReleaseName(str: string): string {
  const hex = (s: string, length: number): string => createHash('md5').update(s).digest('hex').slice(0, length);
  const limit = (s: string, count: number): string => {
    if (s.length <= count) {
      return s;
    }

    const hexLen = 5;
    let separator = '-';

    if (count <= hexLen + separator.length) {
      return s.slice(0, count);
    }

    const keep = count - hexLen - separator.length;

    if (s[keep - 1] === separator) {
      separator = '';
    }

    return `${ s.slice(0, keep) }${ separator }${ hex(s, hexLen) }`;
  };
  const disallowed = /[^a-zA-Z0-9-]+/g;
  const original = str;
  let needHex = false;

  str = str.replaceAll('/', '-');
  if (str !== str.toLowerCase()) {
    needHex = true;
  }
  if (/[^a-zA-Z0-9-]+/.test(str)) {
    needHex = true;
  }
  if (needHex) {
    str = `${ str }-${ hex(str, 8) }`;
  }

  str = str.toLowerCase().replace(disallowed, '-').replace(/-+/g, '-').replace(/^-+/, '').replace(/-+$/, '');

  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(str) && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(str)) {
    return limit(str, 53);
  }

  return hex(original, 24);
}

// ---------------------------------------------------------------------------------------------
// The whole pipeline
// ---------------------------------------------------------------------------------------------

/**
 * What Fleet deploys to `cluster` for `fleetYaml`, or null when it creates no BundleDeployment
 * (not targeted, or doNotDeploy). See the module comment for the pipeline; `opts.legacy` replaces
 * preprocessHelmValues by the pre-v0.6 label injection.
 */
export function fleetBundleDeployment(
  fleetYaml: FleetYaml,
  cluster: FleetCluster,
  downstream: FleetDownstream = {},
  opts: FleetOptions = {},
): FleetDeployment | null {
  const bundle = bundleFromFleetYaml(fleetYaml, opts);
  const options = optionsForCluster(bundle, cluster);

  if (!options) {
    return null;
  }

  const legacy: LegacyFleet | undefined = opts.legacy === true ? 'v0.5.2' : (opts.legacy || undefined);

  if (legacy) {
    addClusterLabelsLegacy(options, cluster.labels ?? {}, legacy);
  } else {
    preprocessHelmValues(options, cluster);
  }

  // The BundleDeployment (and its options secret) travel as JSON.
  const shipped: BundleDeploymentOptions = JSON.parse(JSON.stringify(options));
  const namespace = getDeploymentNamespace(opts.agentDefaultNamespace ?? 'default', shipped);
  const values = getValues(shipped, namespace, downstream) ?? {};
  let releaseName = shipped.helm?.releaseName;

  if (!releaseName) {
    if (!opts.bundleName) {
      throw new Error('fleet port: helm.releaseName is empty; pass opts.bundleName to derive the release name');
    }
    releaseName = helmReleaseName(opts.bundleName);
  }

  return {
    releaseName,
    namespace,
    chart:   shipped.helm?.chart ?? '',
    version: shipped.helm?.version ?? '',
    repo:    shipped.helm?.repo ?? '',
    values,
    options: shipped,
  };
}

/** As `fleetBundleDeployment`, but a cluster that gets no BundleDeployment is an error. */
export function fleetBundleValues(
  fleetYaml: FleetYaml,
  cluster: FleetCluster,
  downstream: FleetDownstream = {},
  opts: FleetOptions = {},
): FleetDeployment {
  const deployment = fleetBundleDeployment(fleetYaml, cluster, downstream, opts);

  if (!deployment) {
    throw new Error(`fleet port: cluster ${ cluster.name } gets no BundleDeployment (not targeted, or doNotDeploy)`);
  }

  return deployment;
}

// ---------------------------------------------------------------------------------------------
// YAML as Go reads it: sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) + encoding/json
// ---------------------------------------------------------------------------------------------

const GO_YAML_OPTIONS = {
  version:          '1.1' as const,
  merge:            true,
  uniqueKeys:       false,
  keepSourceTokens: true,
  // go-yaml v2 leaves timestamps and sexagesimal numbers as strings when decoding into interface{}.
  customTags:       (tags: any[]) => tags.filter((t) => t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME'),
};

/** go-yaml v2 `Unmarshal` reads the first document of a stream; its syntax errors are errors. */
function firstDocument(text: string): YAML.Document.Parsed | undefined {
  const docs = YAML.parseAllDocuments(text, GO_YAML_OPTIONS);
  const doc = Array.isArray(docs) ? docs[0] : docs;

  if (doc && doc.errors.length) {
    throw new Error(`error converting YAML to JSON: yaml: ${ doc.errors[0]?.message }`);
  }

  return doc as YAML.Document.Parsed | undefined;
}

/** sigs.k8s.io/yaml `yamlToJSONTarget`: the value must survive json.Marshal (no Inf/NaN, no binary). */
function checkJsonable(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`error converting YAML to JSON: json: unsupported value: ${ value }`);
  }
  if (value instanceof Uint8Array || value instanceof Date || value instanceof Map || value instanceof Set) {
    throw new Error('error converting YAML to JSON: unsupported YAML type (binary/set/omap)');
  }
  if (Array.isArray(value)) {
    value.forEach(checkJsonable);
  } else if (isGoMap(value)) {
    Object.values(value).forEach(checkJsonable);
  }

  return value;
}

/**
 * sigs.k8s.io/yaml `YAMLToJSON` + json.Unmarshal into interface{} (kubernetes-sigs/yaml yaml.go):
 * the first document only, YAML 1.1 (yes/no/on/off/y/n are booleans, 0777 is octal, `<<` merges),
 * non-string keys become strings, numbers are float64, Inf/NaN are errors. Returns null for an empty
 * or null document. Approximation: uses the `yaml` package's YAML 1.1 schema.
 */
export function goYamlToJson(text: string): unknown {
  const doc = firstDocument(text);

  if (!doc) {
    return null;
  }

  return checkJsonable(doc.toJS({ maxAliasCount: -1 }) ?? null);
}

/**
 * Go's strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses when a YAML float lands in a
 * Go string field (fleet.yaml `version: 1.10` becomes "1.1"): the shortest digits that read back as
 * the same float32, %e when the exponent is < -4 or >= 6 (two-digit exponent at least).
 */
export function goFormatFloat32(value: number): string {
  const f = Math.fround(value);

  if (f === 0) {
    return Object.is(f, -0) ? '-0' : '0';
  }
  if (!Number.isFinite(f)) {
    return Number.isNaN(f) ? 'NaN' : (f > 0 ? '+Inf' : '-Inf');
  }

  let exponential = f.toExponential(8);

  for (let p = 0; p <= 8; p++) {
    const candidate = f.toExponential(p);

    if (Math.fround(Number(candidate)) === f) {
      exponential = candidate;
      break;
    }
  }

  const [mantissa, expText] = exponential.split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exp = Number(expText);
  const sign = negative ? '-' : '';

  if (exp < -4 || exp >= 6) {
    const expAbs = Math.abs(exp);

    return `${ sign }${ digits[0] }${ digits.length > 1 ? `.${ digits.slice(1) }` : '' }e${ exp < 0 ? '-' : '+' }${ expAbs < 10 ? `0${ expAbs }` : expAbs }`;
  }

  if (exp < 0) {
    return `${ sign }0.${ '0'.repeat(-exp - 1) }${ digits }`;
  }

  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);

  return `${ sign }${ intPart }${ frac ? `.${ frac }` : '' }`;
}

// A tiny schema of the Go structs, for encoding/json decoding of fleet.yaml.
type FieldKind =
  | 'string' | 'bool' | 'int' | 'any-map' | 'string-map' | 'string-list'
  | { list: Schema } | { struct: Schema };
interface Schema { [jsonName: string]: FieldKind }

const LABEL_SELECTOR: Schema = {
  matchLabels:      'string-map',
  matchExpressions: { list: { key: 'string', operator: 'string', values: 'string-list' } },
};
const KEY_SELECTOR: Schema = { name: 'string', namespace: 'string', key: 'string' };
const HELM_OPTIONS: Schema = {
  valuesFiles:             'string-list',
  chart:                   'string',
  repo:                    'string',
  releaseName:             'string',
  version:                 'string',
  timeoutSeconds:          'int',
  values:                  'any-map',
  templateValues:          'string-map',
  valuesFrom:              { list: { configMapKeyRef: { struct: KEY_SELECTOR }, secretKeyRef: { struct: KEY_SELECTOR } } },
  force:                   'bool',
  takeOwnership:           'bool',
  maxHistory:              'int',
  waitForJobs:             'bool',
  atomic:                  'bool',
  disablePreProcess:       'bool',
  disableDNS:              'bool',
  skipSchemaValidation:    'bool',
  disableDependencyUpdate: 'bool',
};
const DEPLOYMENT_OPTIONS: Schema = {
  defaultNamespace:    'string',
  namespace:           'string',
  helm:                { struct: HELM_OPTIONS },
  serviceAccount:      'string',
  keepResources:       'bool',
  downstreamResources: { list: { kind: 'string', name: 'string' } },
};
const BUNDLE_TARGET: Schema = {
  ...DEPLOYMENT_OPTIONS,
  name:                 'string',
  clusterName:          'string',
  clusterSelector:      { struct: LABEL_SELECTOR },
  clusterGroup:         'string',
  clusterGroupSelector: { struct: LABEL_SELECTOR },
  doNotDeploy:          'bool',
};
const GIT_TARGET: Schema = {
  name:                 'string',
  clusterName:          'string',
  clusterSelector:      { struct: LABEL_SELECTOR },
  clusterGroup:         'string',
  clusterGroupSelector: { struct: LABEL_SELECTOR },
};
const FLEET_YAML: Schema = {
  name:                    'string',
  labels:                  'string-map',
  ...DEPLOYMENT_OPTIONS,
  targetCustomizationMode: 'string',
  targets:                 { list: BUNDLE_TARGET },
  targetCustomizations:    { list: BUNDLE_TARGET },
  overrideTargets:         { list: GIT_TARGET },
};

/** A scalar landing in a Go string: sigs.k8s.io/yaml converts ints, floats and bools to text. */
function scalarToGoString(node: YAML.Scalar, path: string): string | null {
  const v = node.value;

  if (v === null || v === undefined) {
    return null;
  }
  if (typeof v === 'string') {
    return v;
  }
  if (typeof v === 'boolean') {
    return v ? 'true' : 'false';
  }
  if (typeof v === 'number') {
    // go-yaml v2 resolves ints (decimal, 0x, 0b, leading-0 octal) to int, anything else to float64.
    const src = (node.source ?? String(v)).replaceAll('_', '');
    const isInt = /^[-+]?0[xb]/i.test(src) || !/[.eE]/.test(src);

    if (Number.isFinite(v) && isInt && Number.isInteger(v)) {
      if (Number.isSafeInteger(v)) {
        return String(v);
      }
      throw new Error(`fleet port: integer ${ src } at ${ path } exceeds 2^53; not ported`);
    }

    return goFormatFloat32(v);
  }
  throw new Error(`json: cannot unmarshal ${ typeof v } into Go struct field ${ path } of type string`);
}

/** Glue: the JSON type name encoding/json puts in its UnmarshalTypeError messages. */
function typeName(node: unknown): string {
  if (YAML.isMap(node)) {
    return 'object';
  }
  if (YAML.isSeq(node)) {
    return 'array';
  }
  if (YAML.isScalar(node)) {
    const v = node.value;

    return v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v;
  }

  return 'value';
}

/** Glue: a YAML null (or a missing value). */
function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (YAML.isScalar(node) && (node.value === null || node.value === undefined));
}

/** Glue: YAML aliases resolve to their anchor's node, as go-yaml does. */
function resolveAlias(node: unknown, doc: YAML.Document): unknown {
  return YAML.isAlias(node) ? node.resolve(doc) : node;
}

/**
 * encoding/json decoding of one field of the FleetYAML structs (after sigs.k8s.io/yaml's conversion):
 * null leaves strings, bools and ints alone and makes maps, lists and pointers nil.
 */
function decodeField(node: unknown, kind: FieldKind, path: string, doc: YAML.Document): unknown {
  node = resolveAlias(node, doc);

  if (isNullNode(node)) {
    // null: nil for maps, lists and pointers; no change for strings, bools and ints.
    return undefined;
  }

  const mismatch = (goType: string): Error => new Error(`error unmarshaling JSON: json: cannot unmarshal ${ typeName(node) } into Go struct field ${ path } of type ${ goType }`);

  if (kind === 'string') {
    if (!YAML.isScalar(node)) {
      throw mismatch('string');
    }

    return scalarToGoString(node, path) ?? undefined;
  }
  if (kind === 'bool') {
    if (!YAML.isScalar(node) || typeof node.value !== 'boolean') {
      throw mismatch('bool');
    }

    return node.value;
  }
  if (kind === 'int') {
    if (!YAML.isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
      throw mismatch('int');
    }

    return node.value;
  }
  if (kind === 'any-map') {
    if (!YAML.isMap(node)) {
      throw mismatch('map[string]interface {}');
    }

    return checkJsonable(node.toJS(doc, { maxAliasCount: -1 }));
  }
  if (kind === 'string-map') {
    if (!YAML.isMap(node)) {
      throw mismatch('map[string]string');
    }

    const out: Record<string, string> = {};

    for (const pair of node.items) {
      const key = String((resolveAlias(pair.key, doc) as any)?.value ?? (pair.key as any));
      const value = resolveAlias(pair.value, doc);

      if (isNullNode(value)) {
        out[key] = '';
      } else if (YAML.isScalar(value)) {
        out[key] = scalarToGoString(value, `${ path }.${ key }`) ?? '';
      } else {
        throw new Error(`error unmarshaling JSON: json: cannot unmarshal ${ typeName(value) } into Go struct field ${ path } of type string`);
      }
    }

    return out;
  }
  if (kind === 'string-list') {
    if (!YAML.isSeq(node)) {
      throw mismatch('[]string');
    }

    return node.items.map((item, i) => {
      const value = resolveAlias(item, doc);

      if (isNullNode(value)) {
        return '';
      }
      if (!YAML.isScalar(value)) {
        throw new Error(`error unmarshaling JSON: json: cannot unmarshal ${ typeName(value) } into Go struct field ${ path }[${ i }] of type string`);
      }

      return scalarToGoString(value, `${ path }[${ i }]`) ?? '';
    });
  }
  if ('list' in kind) {
    if (!YAML.isSeq(node)) {
      throw mismatch('[]struct');
    }

    return node.items.map((item, i) => decodeStruct(resolveAlias(item, doc), kind.list, `${ path }[${ i }]`, doc) ?? {});
  }

  return decodeStruct(node, kind.struct, path, doc);
}

/**
 * encoding/json into a struct: each key, in document order, goes to the field whose json name equals
 * it, else to one that equals it case-insensitively (so `disablePreprocess` sets disablePreProcess);
 * later keys win; unknown keys are ignored.
 */
function decodeStruct(node: unknown, schema: Schema, path: string, doc: YAML.Document): AnyObject | undefined {
  node = resolveAlias(node, doc);

  if (isNullNode(node)) {
    return undefined;
  }
  if (!YAML.isMap(node)) {
    throw new Error(`error unmarshaling JSON: json: cannot unmarshal ${ typeName(node) } into Go struct field ${ path || 'FleetYAML' } of type struct`);
  }

  const out: AnyObject = {};
  const names = Object.keys(schema);
  const pairs: { key: string; value: unknown }[] = [];

  for (const pair of node.items) {
    const keyNode = resolveAlias(pair.key, doc);

    if (YAML.isScalar(keyNode) && keyNode.value === '<<') {
      throw new Error('fleet port: YAML merge keys in fleet.yaml structure are not ported');
    }
    pairs.push({ key: String(YAML.isScalar(keyNode) ? keyNode.value : keyNode), value: pair.value });
  }

  for (const { key, value } of pairs) {
    const field = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());

    if (field === undefined) {
      continue;
    }

    const decoded = decodeField(value, schema[field] as FieldKind, path ? `${ path }.${ field }` : field, doc);

    if (decoded === undefined) {
      const kind = schema[field];

      if (kind !== 'string' && kind !== 'bool' && kind !== 'int') {
        delete out[field];
      }
    } else {
      out[field] = decoded;
    }
  }

  return out;
}

/**
 * Decodes a fleet.yaml as rancher/fleet internal/bundlereader/read.go `bundleFromDir` does
 * (sigs.k8s.io/yaml.Unmarshal into fleet.FleetYAML): YAML 1.1, field names matched
 * case-insensitively, numbers and booleans in string fields turned into text (`version: 1.10` ->
 * "1.1"), wrong types are errors, unknown fields ignored.
 */
export function parseFleetYaml(text: string): FleetYaml {
  const doc = firstDocument(text);

  if (!doc) {
    return {};
  }

  return (decodeStruct(doc.contents, FLEET_YAML, '', doc) ?? {}) as FleetYaml;
}
