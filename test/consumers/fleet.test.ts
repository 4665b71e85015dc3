/**
 * Unit tests of test/support/fleet.ts. Cases marked "upstream" transcribe the inputs and expected
 * outputs of rancher/fleet's own Go tests at 3b2c622ce176b11644abc7fb768f87c3ffb5a3ab; the others
 * cover branches those tests do not reach. Pure functions only.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeFirstYamlDocument,
  exportedClusterLabels,
  fleetBundleDeployment,
  fleetBundleValues,
  getValues,
  goFormatFloat32,
  goYamlToJson,
  helmReleaseName,
  isInDownstreamResources,
  matchedCustomizations,
  mergeMaps,
  mergeOptions,
  mergeValues,
  parseFleetYaml,
  preprocessHelmValues,
  processLabelValues,
  targetMatches,
  valuesFromData,
  type BundleDeploymentOptions,
  type BundleTarget,
  type FleetCluster,
  type FleetYaml,
} from '../support/fleet.ts';
import { helmUpgradeValues } from '../support/rancher-dashboard.ts';

// ---------------------------------------------------------------------------------------------
// upstream: internal/cmd/controller/options/calculate_test.go
// ---------------------------------------------------------------------------------------------

describe('calculate_test.go (upstream)', () => {
  it('TestMerge_DownstreamResources_Appends', () => {
    const base: BundleDeploymentOptions = { downstreamResources: [{ kind: 'Secret', name: 'base-secret' }] };
    const custom: BundleDeploymentOptions = { downstreamResources: [{ kind: 'ConfigMap', name: 'target-cm' }] };
    const result = mergeOptions(base, custom);

    expect(result.downstreamResources).toStrictEqual([{ kind: 'Secret', name: 'base-secret' }, { kind: 'ConfigMap', name: 'target-cm' }]);
    expect(base.downstreamResources).toHaveLength(1);
    expect(custom.downstreamResources).toHaveLength(1);
  });

  it('TestMerge_DownstreamResources_DeduplicatesExact', () => {
    const result = mergeOptions({ downstreamResources: [{ kind: 'Secret', name: 'shared' }] }, { downstreamResources: [{ kind: 'Secret', name: 'shared' }] });

    expect(result.downstreamResources).toStrictEqual([{ kind: 'Secret', name: 'shared' }]);
  });

  it('TestMerge_DownstreamResources_DeduplicatesCaseInsensitiveKind', () => {
    expect(mergeOptions({ downstreamResources: [{ kind: 'Secret', name: 'sec' }] }, { downstreamResources: [{ kind: 'secret', name: 'sec' }] }).downstreamResources).toHaveLength(1);
  });

  it('TestMerge_DownstreamResources_EmptyCustom / EmptyBase', () => {
    const base: BundleDeploymentOptions = { downstreamResources: [{ kind: 'Secret', name: 'base-secret' }] };
    const custom: BundleDeploymentOptions = { downstreamResources: [{ kind: 'Secret', name: 'target-secret' }] };

    expect(mergeOptions(base, {}).downstreamResources).toStrictEqual(base.downstreamResources);
    expect(mergeOptions({}, custom).downstreamResources).toStrictEqual(custom.downstreamResources);
  });

  it('TestMerge_ValuesFrom_Appends', () => {
    const result = mergeOptions(
      { helm: { valuesFrom: [{ configMapKeyRef: { name: 'base-cm', namespace: 'ns', key: 'values.yaml' } }] } },
      { helm: { valuesFrom: [{ secretKeyRef: { name: 'custom-sec', namespace: 'ns', key: 'values.yaml' } }] } },
    );

    expect(result.helm?.valuesFrom).toHaveLength(2);
  });

  it('TestMerge_ValuesFrom_DeduplicatesConfigMap / DeduplicatesSecret', () => {
    const cm = { configMapKeyRef: { name: 'cm', namespace: 'ns', key: 'values.yaml' } };
    const sec = { secretKeyRef: { name: 'sec', namespace: 'ns', key: 'values.yaml' } };

    expect(mergeOptions({ helm: { valuesFrom: [cm] } }, { helm: { valuesFrom: [cm] } }).helm?.valuesFrom).toHaveLength(1);
    expect(mergeOptions({ helm: { valuesFrom: [sec] } }, { helm: { valuesFrom: [sec] } }).helm?.valuesFrom).toHaveLength(1);
  });

  it('TestMerge_ValuesFrom_SameNameDifferentKey', () => {
    const result = mergeOptions(
      { helm: { valuesFrom: [{ configMapKeyRef: { name: 'cm', namespace: 'ns', key: 'key1' } }] } },
      { helm: { valuesFrom: [{ configMapKeyRef: { name: 'cm', namespace: 'ns', key: 'key2' } }] } },
    );

    expect(result.helm?.valuesFrom).toHaveLength(2);
  });

  it('TestMergeChain', () => {
    const base: BundleDeploymentOptions = { defaultNamespace: 'base-ns', helm: { releaseName: 'base-release', values: { source: 'base', edge: 'false', extra: 'false' } } };
    const edge: BundleDeploymentOptions = { helm: { values: { source: 'edge', edge: 'true' } } };
    const extra: BundleDeploymentOptions = { helm: { values: { source: 'extra', extra: 'true' } } };
    const result = mergeOptions(mergeOptions(base, edge), extra);

    expect(result.defaultNamespace).toBe('base-ns');
    expect(result.helm?.releaseName).toBe('base-release');
    expect(result.helm?.values).toStrictEqual({ source: 'extra', edge: 'true', extra: 'true' });
  });

  it('TestMergeChain_ValuesFrom', () => {
    const result = mergeOptions(mergeOptions({}, { helm: { valuesFrom: [{ configMapKeyRef: { name: 'cm-edge' } }] } }), { helm: { valuesFrom: [{ configMapKeyRef: { name: 'cm-extra' } }] } });

    expect(result.helm?.valuesFrom?.map((v) => v.configMapKeyRef?.name)).toStrictEqual(['cm-edge', 'cm-extra']);
  });

  it('TestMergeChain_ScalarLastWins', () => {
    expect(mergeOptions(mergeOptions({ defaultNamespace: 'base-ns' }, { defaultNamespace: 'first-ns' }), { defaultNamespace: 'second-ns' }).defaultNamespace).toBe('second-ns');
  });

  it('TestMergeChain_BoolSticky', () => {
    expect(mergeOptions(mergeOptions({}, { helm: { force: true } }), { helm: { force: false } }).helm?.force).toBe(true);
  });
});

describe('options.Merge branches the upstream tests do not reach', () => {
  it('chart/repo/version/releaseName replaced when non-empty; disablePreProcess OR-ed; values deep-merged', () => {
    const result = mergeOptions(
      { helm: { chart: 'a', repo: 'r', version: '1', releaseName: 'x', disablePreProcess: true, values: { m: { a: 1, l: [1, 2] }, s: 1 } } },
      { helm: { chart: 'b', version: '', values: { m: { b: 2, l: [3] }, s: null } } },
    );

    expect(result.helm).toMatchObject({ chart: 'b', repo: 'r', version: '1', releaseName: 'x', disablePreProcess: true });
    expect(result.helm?.values).toStrictEqual({ m: { a: 1, b: 2, l: [3] }, s: null });
  });

  it('"-" is set literally (the reset branch is dead code upstream); timeoutSeconds < 0 resets', () => {
    const result = mergeOptions({ defaultNamespace: 'ns', helm: { timeoutSeconds: 30 } }, { defaultNamespace: '-', helm: { timeoutSeconds: -1 } });

    expect(result.defaultNamespace).toBe('-');
    expect(result.helm?.timeoutSeconds).toBe(0);
  });

  it('a valuesFrom key seen twice in custom only counts once; same key replaces in place', () => {
    const a = { secretKeyRef: { name: 'a' } };
    const b = { secretKeyRef: { name: 'b' } };
    const b2 = { secretKeyRef: { name: 'b', key: '' } };

    expect(mergeOptions({ helm: { valuesFrom: [b, a] } }, { helm: { valuesFrom: [b2, b2, { }] } }).helm?.valuesFrom).toStrictEqual([b2, a, {}]);
  });

  it('wrangler MergeMaps: maps merge, everything else (lists, null) replaces', () => {
    expect(mergeMaps({ a: { x: 1 }, l: [1], n: { y: 1 } }, { a: { z: 2 }, l: [2], n: null })).toStrictEqual({ a: { x: 1, z: 2 }, l: [2], n: null });
    expect(mergeMaps(undefined, { a: 1 })).toStrictEqual({ a: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// upstream: internal/cmd/controller/target/matcher/{clustermatcher,bundlematch}_test.go
// ---------------------------------------------------------------------------------------------

describe('clustermatcher_test.go (upstream)', () => {
  const display = 'management.cattle.io/cluster-display-name';

  it.each([
    ['match by cluster resource name', 'c-m-12345', 'c-m-12345', {}, true],
    ['match by display name label', 'my-cluster', 'c-m-12345', { [display]: 'my-cluster' }, true],
    ['no match when neither name matches', 'my-cluster', 'c-m-12345', { [display]: 'other-cluster' }, false],
    ['match resource name even with different display name', 'c-m-12345', 'c-m-12345', { [display]: 'my-cluster' }, true],
    ['no match when display name label is missing', 'my-cluster', 'c-m-12345', {}, false],
    ['match display name for imported cluster', 'specific-name-1', 'c-12345', { [display]: 'specific-name-1' }, true],
  ])('TestNewClusterMatcher_DisplayNameMatching: %s', (_name, clusterName, testClusterName, labels, expected) => {
    expect(targetMatches({ clusterName }, testClusterName, '', undefined, labels)).toBe(expected);
  });

  it('TestNewClusterMatcher_EmptyClusterName', () => {
    expect(targetMatches({}, 'any-cluster', '', undefined, {})).toBe(false);
  });

  it('TestNewClusterMatcher_ClusterGroup', () => {
    expect(targetMatches({ clusterGroup: 'my-group' }, 'any-cluster', 'my-group', undefined, {})).toBe(true);
    expect(targetMatches({ clusterGroup: 'my-group' }, 'any-cluster', 'other-group', undefined, {})).toBe(false);
  });

  it('TestNewClusterMatcher_CombinedCriteria', () => {
    const t = { clusterName: 'my-cluster', clusterGroup: 'my-group' };

    expect(targetMatches(t, 'c-12345', 'my-group', undefined, { [display]: 'my-cluster' })).toBe(true);
    expect(targetMatches(t, 'c-12345', 'other-group', undefined, { [display]: 'my-cluster' })).toBe(false);
    expect(targetMatches(t, 'c-12345', 'my-group', undefined, { [display]: 'other-cluster' })).toBe(false);
  });
});

describe('bundlematch_test.go (upstream, through fleet.yaml targetCustomizations)', () => {
  const gitRepoTargets = [{ name: 'gitrepo', clusterSelector: {} }];
  const sel = (labels: Record<string, string>) => ({ matchLabels: labels });
  const local = (labels: Record<string, string>): FleetCluster => ({ name: 'local', labels });

  it.each([
    ['no customizations match', [{ name: 'edge', clusterSelector: sel({ edge: 'true' }) }], {}, []],
    ['one customization matches', [{ name: 'edge', clusterSelector: sel({ edge: 'true' }) }, { name: 'extra', clusterSelector: sel({ extra: 'true' }) }], { edge: 'true' }, ['edge']],
    ['both customizations match', [{ name: 'edge', clusterSelector: sel({ edge: 'true' }) }, { name: 'extra', clusterSelector: sel({ extra: 'true' }) }], { edge: 'true', extra: 'true' }, ['edge', 'extra']],
    ['order is preserved', [{ name: 'extra', clusterSelector: sel({ extra: 'true' }) }, { name: 'edge', clusterSelector: sel({ edge: 'true' }) }], { edge: 'true', extra: 'true' }, ['extra', 'edge']],
    ['catch-all customization matches everything', [{ name: 'edge', clusterSelector: sel({ edge: 'true' }) }, { name: 'all', clusterSelector: {} }], { edge: 'true' }, ['edge', 'all']],
  ] as [string, BundleTarget[], Record<string, string>, string[]][])('TestMatchAllTargetCustomizations_NoGroups: %s', (_name, targetCustomizations, labels, want) => {
    expect(matchedCustomizations({ targetCustomizations }, local(labels), { gitRepoTargets })).toStrictEqual(want);
  });

  it('TestMatchAllTargetCustomizations_DoNotDeployIncluded', () => {
    const fy: FleetYaml = {
      targetCustomizationMode: 'AllMatches',
      targetCustomizations:    [{ name: 'edge', clusterSelector: sel({ edge: 'true' }) }, { name: 'stopper', doNotDeploy: true, clusterSelector: sel({ edge: 'true' }) }],
    };

    expect(matchedCustomizations(fy, local({ edge: 'true' }), { gitRepoTargets })).toStrictEqual(['edge', 'stopper']);
    // builder.go then creates no BundleDeployment.
    expect(fleetBundleDeployment(fy, local({ edge: 'true' }), {}, { gitRepoTargets, bundleName: 'b' })).toBeNull();
  });

  it('TestMatchTargetCustomizations_StillFirstMatch', () => {
    const fy: FleetYaml = {
      helm:                 { releaseName: 'r' },
      targetCustomizations: [
        { name: 'edge', clusterSelector: sel({ edge: 'true' }), helm: { values: { from: 'edge' } } },
        { name: 'extra', clusterSelector: sel({ extra: 'true' }), helm: { values: { from: 'extra', extra: true } } },
      ],
    };

    expect(matchedCustomizations(fy, local({ edge: 'true', extra: 'true' }), { gitRepoTargets })[0]).toBe('edge');
    expect(fleetBundleValues(fy, local({ edge: 'true', extra: 'true' }), {}, { gitRepoTargets }).values).toStrictEqual({ from: 'edge' });
  });

  it('TestCustomizationWithSameSelectorsAsGitRepoTarget', () => {
    const fy: FleetYaml = { targetCustomizations: [{ name: 'production', clusterSelector: sel({ env: 'prod' }) }] };
    const opts = { gitRepoTargets: [{ name: 'production', clusterSelector: sel({ env: 'prod' }) }] };

    expect(matchedCustomizations(fy, { name: 'cluster1', labels: { env: 'prod' } }, opts)).toStrictEqual(['production']);
  });

  it('TestDetermineIsCustomization: standalone bundle (no restrictions) has no customizations', () => {
    const fy: FleetYaml = { helm: { releaseName: 'r' }, targetCustomizations: [{ name: 'a', clusterSelector: {}, helm: { values: { a: 1 } } }] };

    expect(matchedCustomizations(fy, local({}), { gitRepoTargets: [] })).toStrictEqual([]);
    // ...but its targets still match first-match, so the options are the same.
    expect(fleetBundleValues(fy, local({}), {}, { gitRepoTargets: [] }).values).toStrictEqual({ a: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// upstream: internal/cmd/controller/target/target_test.go
// ---------------------------------------------------------------------------------------------

const bundleYaml = `namespace: default
helm:
  releaseName: labels
  values:
    clusterName: global.fleet.clusterLabels.name
    customStruct:
      - name: global.fleet.clusterLabels.name
        key1: value1
        key2: value2
      - element1: global.fleet.clusterLabels.envType
      - element2: global.fleet.clusterLabels.name
diff:
  comparePatches:
  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    name: labels-fleetlabelsdemo
    namespace: default
    operations:
    - op: remove
      path: /spec/rules/0/host
`;

// clusterYamlWithTemplateValues: name test-cluster, namespace test-namespace, labels testLabel.
const testCluster: FleetCluster = { name: 'test-cluster', namespace: 'test-namespace', labels: { testLabel: 'test-label-value' } };

describe('target_test.go (upstream)', () => {
  it('TestProcessLabelValues', () => {
    const values = parseFleetYaml(bundleYaml).helm?.values as any;

    processLabelValues(values, { name: 'local', envType: 'dev' });
    expect(values.clusterName).toBe('local');
    expect(values.customStruct[0].name).toBe('local');
    expect(values.customStruct[1].element1).toBe('dev');
    expect(values.customStruct[2].element2).toBe('local');
  });

  it('TestDisablePreProcessFlagEnabled (note the yaml key is `disablePreprocess`: Go json matches it case-insensitively)', () => {
    const opts = parseFleetYaml(`namespace: default
helm:
  disablePreprocess: true
  releaseName: labels
  values:
    clusterName: "\${ .ClusterName }"
    clusterContext: "\${ .Values.someKey }"
    templateFn: '\${ index .ClusterLabels "testLabel" }'
    syntaxError: "\${ non_existent_function }"
`);

    preprocessHelmValues(opts, testCluster);
    expect(opts.helm?.values).toStrictEqual({
      clusterName:    '${ .ClusterName }',
      clusterContext: '${ .Values.someKey }',
      templateFn:     '${ index .ClusterLabels "testLabel" }',
      syntaxError:    '${ non_existent_function }',
    });
  });

  it('TestDisablePreProcessFlagDisabled / TestDisablePreProcessFlagMissing: templating is not ported and throws', () => {
    const disabled = parseFleetYaml(`namespace: default
helm:
  disablePreprocess: false
  releaseName: labels
  templateValues:
    overridden: "something_templated"
  values:
    clusterName: "\${ .ClusterName }"
    overridden: ""
`);
    const missing = parseFleetYaml(`namespace: default
helm:
  releaseName: labels
  values:
    clusterName: "\${ .ClusterName }"
`);

    expect(() => preprocessHelmValues(disabled, testCluster)).toThrow('not ported');
    expect(() => preprocessHelmValues(missing, testCluster)).toThrow('not ported');
  });
});

describe('preprocessHelmValues branches', () => {
  it('a missing label becomes ""; strings directly inside lists are not substituted', () => {
    const values: any = { a: 'global.fleet.clusterLabels.missing', l: ['global.fleet.clusterLabels.env', { x: 'global.fleet.clusterLabels.env' }] };

    processLabelValues(values, { env: 'dev' });
    expect(values).toStrictEqual({ a: '', l: ['global.fleet.clusterLabels.env', { x: 'dev' }] });
  });

  it('nesting deeper than 50 levels is an error', () => {
    let deep: any = { v: 'x' };

    for (let i = 0; i < 52; i++) {
      deep = { n: deep };
    }
    expect(() => processLabelValues(deep, {})).toThrow('maximum recursion depth of 50');
  });

  it('a cluster without exported labels leaves label references untouched', () => {
    const opts: BundleDeploymentOptions = { helm: { disablePreProcess: true, values: { plant: 'global.fleet.clusterLabels.plant' } } };

    preprocessHelmValues(opts, { name: 'c', labels: { 'provisioning.cattle.io/x': 'y' } });
    expect(opts.helm?.values).toStrictEqual({ plant: 'global.fleet.clusterLabels.plant' });
  });

  it('templateValues without ${ } are decoded as YAML 1.1 and override top-level values', () => {
    const opts: BundleDeploymentOptions = { helm: { values: { a: 'x', n: 1 }, templateValues: { n: '2', b: 'yes', c: '{k: v}' } } };

    preprocessHelmValues(opts, testCluster);
    expect(opts.helm?.values).toStrictEqual({ a: 'x', n: 2, b: true, c: { k: 'v' } });
  });

  it('exported labels: CleanAnnotationsForExport (drops kubectl.kubernetes.io/ prefixes and anything containing cattle.io/) plus fleet.cattle.io/ and management.cattle.io/ prefixes', () => {
    expect(exportedClusterLabels({
      env:                                           'dev',
      'kubevision.io/plant':                         'linz',
      'management.cattle.io/cluster-display-name':   'linz',
      'fleet.cattle.io/cluster':                     'c-1',
      'provisioning.cattle.io/management-cluster-name': 'c-1',
      'objectset.rio.cattle.io/hash':                'abc',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'x.fleet.cattle.io/y':                         'dropped',
    })).toStrictEqual({
      env:                                         'dev',
      'kubevision.io/plant':                       'linz',
      'management.cattle.io/cluster-display-name': 'linz',
      'fleet.cattle.io/cluster':                   'c-1',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// upstream: internal/helmdeployer/install_test.go
// ---------------------------------------------------------------------------------------------

describe('install_test.go (upstream)', () => {
  it('TestValuesFrom', () => {
    const key = 'values.yaml';
    const configMapValues = valuesFromData('configmap', 'configmap-name', 'configmap-namespace', key, { [key]: 'replication: "true"\nreplicas: "2"\nserviceType: NodePort' });
    const secretValues = valuesFromData('secret', 'secret-name', 'secret-namespace', key, { [key]: 'replication: "false"\nreplicas: "3"\nserviceType: NodePort\nfoo: bar' });
    let totalValues: Record<string, unknown> = { beforeMerge: 'value' };

    totalValues = mergeValues(totalValues, secretValues);
    totalValues = mergeValues(totalValues, configMapValues);
    expect(totalValues).toStrictEqual({ beforeMerge: 'value', replicas: '2', replication: 'true', serviceType: 'NodePort', foo: 'bar' });
  });

  it('TestIsInDownstreamResources', () => {
    const opts: BundleDeploymentOptions = { downstreamResources: [{ kind: 'ConfigMap', name: 'my-config' }, { kind: 'Secret', name: 'some-secret' }] };

    expect(isInDownstreamResources('my-config', 'ConfigMap', opts)).toBe(true);
    expect(isInDownstreamResources('not-present', 'ConfigMap', opts)).toBe(false);
    expect(isInDownstreamResources('my-config', 'SomeOtherKind', opts)).toBe(false);
    expect(isInDownstreamResources('some-secret', 'Secret', opts)).toBe(true);
    expect(isInDownstreamResources('not-present', 'Secret', opts)).toBe(false);
    expect(isInDownstreamResources('my-config', 'configmap', opts)).toBe(true);
    expect(isInDownstreamResources('my-config', 'CONFIGMAP', opts)).toBe(true);
    expect(isInDownstreamResources('some-secret', 'secret', opts)).toBe(true);
    expect(isInDownstreamResources('some-secret', 'SECRET', opts)).toBe(true);
    expect(isInDownstreamResources('my-config', 'CoNfIgMaP', opts)).toBe(true);
    expect(isInDownstreamResources('not-present', 'configmap', opts)).toBe(false);

    const lower: BundleDeploymentOptions = { downstreamResources: [{ kind: 'configmap', name: 'my-config-lower' }, { kind: 'secret', name: 'some-secret-lower' }] };

    expect(isInDownstreamResources('my-config-lower', 'ConfigMap', lower)).toBe(true);
    expect(isInDownstreamResources('my-config-lower', 'CONFIGMAP', lower)).toBe(true);
    expect(isInDownstreamResources('some-secret-lower', 'Secret', lower)).toBe(true);

    const upper: BundleDeploymentOptions = { downstreamResources: [{ kind: 'CONFIGMAP', name: 'my-config-upper' }, { kind: 'SECRET', name: 'some-secret-upper' }] };

    expect(isInDownstreamResources('my-config-upper', 'ConfigMap', upper)).toBe(true);
    expect(isInDownstreamResources('my-config-upper', 'configmap', upper)).toBe(true);
    expect(isInDownstreamResources('some-secret-upper', 'secret', upper)).toBe(true);

    const mixed: BundleDeploymentOptions = { downstreamResources: [{ kind: 'CoNfIgMaP', name: 'my-config-mixed' }] };

    expect(isInDownstreamResources('my-config-mixed', 'ConfigMap', mixed)).toBe(true);
    expect(isInDownstreamResources('my-config-mixed', 'configmap', mixed)).toBe(true);
  });

  it('TestValuesFromUsesDefaultNamespaceWhenResourceCopiedDownstream', () => {
    const vals = getValues({
      helm: {
        valuesFrom: [
          { configMapKeyRef: { name: 'cm-down' } },
          { secretKeyRef: { name: 'sec-down', namespace: 'ignored-ns' } },
        ],
      },
      downstreamResources: [{ kind: 'ConfigMap', name: 'cm-down' }, { kind: 'Secret', name: 'sec-down' }],
    }, 'helm-default', {
      configMaps: { 'helm-default/cm-down': { 'values.yaml': 'cmVal: cmDefault' } },
      secrets:    { 'helm-default/sec-down': { 'values.yaml': 'secVal: secDefault' } },
    });

    expect(vals?.cmVal).toBe('cmDefault');
    expect(vals?.secVal).toBe('secDefault');
  });

  it('TestValuesFromUsesProvidedNamespaceWhenNotCopiedDownstream', () => {
    const vals = getValues({
      helm:                { valuesFrom: [{ configMapKeyRef: { name: 'cm-provided', namespace: 'explicit-ns' } }] },
      downstreamResources: [{ kind: 'ConfigMap', name: 'some-other' }],
    }, 'helm-default', { configMaps: { 'explicit-ns/cm-provided': { 'values.yaml': 'cmVal: cmProvided' } } });

    expect(vals?.cmVal).toBe('cmProvided');
  });
});

describe('helmdeployer branches', () => {
  it('mergeValues prefers src scalars over maps and src maps over scalars; merges maps', () => {
    expect(mergeValues({ a: { x: 1 }, b: 1, c: { y: 1 } }, { a: 'v', b: { z: 1 }, c: { w: 2 } })).toStrictEqual({ a: 'v', b: { z: 1 }, c: { y: 1, w: 2 } });
  });

  it('one valuesFrom entry with both refs: its ConfigMap first, its Secret over it; entries in order', () => {
    const vals = getValues({
      helm: {
        values:     { a: 'values', b: 'values' },
        valuesFrom: [{ secretKeyRef: { name: 's', namespace: 'n' }, configMapKeyRef: { name: 'c', namespace: 'n' } }, { configMapKeyRef: { name: 'c2', namespace: 'n', key: 'k' } }],
      },
    }, 'rel', {
      secrets:    { 'n/s': { 'values.yaml': 'a: secret' } },
      configMaps: { 'n/c': { 'values.yaml': 'a: configmap\nb: configmap' }, 'n/c2': { k: 'b: second' } },
    });

    expect(vals).toStrictEqual({ a: 'secret', b: 'second' });
  });

  it('missing objects and keys are errors; no helm options means no values', () => {
    const opts: BundleDeploymentOptions = { helm: { valuesFrom: [{ secretKeyRef: { name: 's', namespace: 'n' } }] } };

    expect(() => getValues(opts, 'rel', {})).toThrow('not found');
    expect(() => getValues(opts, 'rel', { secrets: { 'n/s': { other: 'a: 1' } } })).toThrow('key values.yaml is missing from secret n/s');
    expect(getValues({}, 'rel', {})).toBeNull();
  });

  it('valuesFrom decoding: first document only, YAML 1.1, empty is an error, comment-only is nothing', () => {
    expect(decodeFirstYamlDocument('a: 1\n---\nb: 2\n')).toStrictEqual({ a: 1 });
    expect(decodeFirstYamlDocument('---\n---\na: yes\nb: on\nc: 0777\nd: 2001-12-14\n')).toStrictEqual({ a: true, b: true, c: 511, d: '2001-12-14' });
    expect(() => decodeFirstYamlDocument('')).toThrow('EOF');
    expect(decodeFirstYamlDocument('# nothing\n')).toBeNull();
    expect(() => decodeFirstYamlDocument('a: 1\n--- x\n')).toThrow('invalid document separator');
    expect(() => decodeFirstYamlDocument('- 1\n')).toThrow('cannot unmarshal array');
    expect(() => decodeFirstYamlDocument('a: .inf\n')).toThrow('unsupported value');
  });

  it('helmReleaseName: valid names pass, others are lower-cased with a hash, long ones shortened', () => {
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');

    expect(helmReleaseName('kubevision-catalog-fleet')).toBe('kubevision-catalog-fleet');
    expect(helmReleaseName('My/Bundle')).toBe(`my-bundle-${ md5('My-Bundle').slice(0, 8) }`);
    expect(helmReleaseName('a'.repeat(60))).toBe(`${ 'a'.repeat(47) }-${ md5('a'.repeat(60)).slice(0, 5) }`);
    expect(helmReleaseName('---')).toBe(md5('---').slice(0, 24));
  });
});

// ---------------------------------------------------------------------------------------------
// fleet.yaml decoding (sigs.k8s.io/yaml) and the whole pipeline
// ---------------------------------------------------------------------------------------------

describe('parseFleetYaml / goYamlToJson', () => {
  it('YAML 1.1 scalars; timestamps stay strings; non-string keys become strings', () => {
    expect(goYamlToJson('a: yes\nb: off\nc: ~\nd: 0x1F\n1: one\nyes: key\n')).toStrictEqual({ a: true, b: false, c: null, d: 31, 1: 'one', true: 'key' });
  });

  it('numbers and booleans in Go string fields become text (FormatFloat(f, \'g\', -1, 32))', () => {
    const fy = parseFleetYaml('helm:\n  version: 1.10\n  chart: 2\n  releaseName: 1e6\n  repo: true\nname: 0.1\n');

    expect(fy.helm).toStrictEqual({ version: '1.1', chart: '2', releaseName: '1e+06', repo: 'true' });
    expect(fy.name).toBe('0.1');
  });

  it('Go json: field names match case-insensitively, unknown fields are ignored, wrong types fail', () => {
    expect(parseFleetYaml('Helm:\n  DisablePreProcess: true\n  ReleaseName: x\nunknown: 1\n')).toStrictEqual({ helm: { disablePreProcess: true, releaseName: 'x' } });
    expect(() => parseFleetYaml('helm:\n  force: "true"\n')).toThrow('of type bool');
    expect(() => parseFleetYaml('helm:\n  timeoutSeconds: "30"\n')).toThrow('of type int');
    expect(() => parseFleetYaml('helm:\n  timeoutSeconds: 1.5\n')).toThrow('of type int');
    expect(parseFleetYaml('helm:\n  values: null\n  timeoutSeconds: 30\n')).toStrictEqual({ helm: { timeoutSeconds: 30 } });
    expect(parseFleetYaml('labels:\n  a: 1\n  b: yes\n')).toStrictEqual({ labels: { a: '1', b: 'true' } });
  });

  it('goFormatFloat32', () => {
    expect([0.1, 1.1, 3.14159265, 123456, 1234567, 0.0001, 0.00001, -2.5, 100].map(goFormatFloat32))
      .toStrictEqual(['0.1', '1.1', '3.1415927', '123456', '1.234567e+06', '0.0001', '1e-05', '-2.5', '100']);
  });
});

const FLEET_YAML = `defaultNamespace: kubevision
helm:
  releaseName: kubevision
  repo: https://charts.example.com/kubevision/generic/
  chart: kubevision
  version: 0.1.0
  disablePreProcess: true
  values:
    plantLabel: global.fleet.clusterLabels.kubevision.io/plant
  valuesFrom:
    - secretKeyRef:
        name: kubevision-values
        namespace: kubevision
        key: values.yaml
targetCustomizations:
  - name: linz
    clusterSelector:
      matchLabels:
        kubevision.io/plant: linz
    helm:
      values:
        face:
          compute: gpu
        ingress:
          host: kv.linz.example.com
  - name: any-plant
    clusterSelector:
      matchExpressions:
        - key: kubevision.io/plant
          operator: Exists
    helm:
      values:
        face:
          compute: cpu
`;

describe('fleetBundleValues', () => {
  const downstream = { secrets: { 'kubevision/kubevision-values': { 'values.yaml': 'ingress:\n  tls: true\nface:\n  replicas: 2\n' } } };
  const linz: FleetCluster = { name: 'c-m-linz', labels: { 'kubevision.io/plant': 'linz', 'management.cattle.io/cluster-display-name': 'linz' } };

  it('the first matching customization is Merge-d over the bundle options; valuesFrom merged over; labels substituted', () => {
    const result = fleetBundleValues(parseFleetYaml(FLEET_YAML), linz, downstream);

    expect(result).toMatchObject({
      releaseName: 'kubevision',
      namespace:   'kubevision',
      chart:       'kubevision',
      version:     '0.1.0',
      repo:        'https://charts.example.com/kubevision/generic/',
    });
    expect(result.values).toStrictEqual({
      plantLabel: 'linz',
      face:       { compute: 'gpu', replicas: 2 },
      ingress:    { host: 'kv.linz.example.com', tls: true },
    });
  });

  it('the second customization only applies when the first does not match', () => {
    const porto: FleetCluster = { name: 'c-m-porto', labels: { 'kubevision.io/plant': 'porto' } };

    expect(fleetBundleValues(parseFleetYaml(FLEET_YAML), porto, downstream).values).toStrictEqual({
      plantLabel: 'porto', face: { compute: 'cpu', replicas: 2 }, ingress: { tls: true },
    });
  });

  it('AllMatches merges every matching customization in order', () => {
    const fy = { ...parseFleetYaml(FLEET_YAML), targetCustomizationMode: 'AllMatches' };

    expect(fleetBundleValues(fy, linz, downstream).values).toStrictEqual({
      plantLabel: 'linz', face: { compute: 'cpu', replicas: 2 }, ingress: { host: 'kv.linz.example.com', tls: true },
    });
  });

  it('a cluster outside the GitRepo targets gets nothing; the default GitRepo target is clusterGroup "default"', () => {
    const opts = { gitRepoTargets: [{ name: 'default', clusterGroup: 'default' }] };

    expect(fleetBundleDeployment(parseFleetYaml(FLEET_YAML), linz, downstream, opts)).toBeNull();
    expect(fleetBundleDeployment(parseFleetYaml(FLEET_YAML), { ...linz, groups: { default: {} } }, downstream, opts)).not.toBeNull();
    expect(() => fleetBundleValues(parseFleetYaml(FLEET_YAML), linz, downstream, opts)).toThrow('no BundleDeployment');
  });

  it('current Fleet does not inject global.fleet.clusterLabels', () => {
    expect(fleetBundleValues(parseFleetYaml(FLEET_YAML), linz, downstream).values).not.toHaveProperty('global');
  });

  it('the release name comes from the bundle name when helm.releaseName is empty; namespace defaults to "default"', () => {
    const result = fleetBundleValues({ helm: { chart: 'c' } }, { name: 'x', labels: {} }, {}, { bundleName: 'kv-catalog-fleet' });

    expect(result.releaseName).toBe('kv-catalog-fleet');
    expect(result.namespace).toBe('default');
    expect(() => fleetBundleValues({ helm: { chart: 'c' } }, { name: 'x', labels: {} })).toThrow('bundleName');
  });

  it('helm.valuesFiles are merged over helm.values when the bundle has a chart or repo', () => {
    const fy: FleetYaml = { helm: { chart: 'c', releaseName: 'r', values: { a: 1, m: { x: 1 } }, valuesFiles: ['v.yaml'] } };
    const result = fleetBundleValues(fy, { name: 'x', labels: {} }, {}, { files: { 'v.yaml': 'm:\n  z: 2\n  y: 3\nb: on\n' } });

    // go-yaml v2 resolves a plain `y` (also as a key) to the boolean true, which becomes the key "true".
    expect(result.values).toStrictEqual({ a: 1, m: { x: 1, z: 2, true: 3 }, b: true });
    expect(() => fleetBundleValues(fy, { name: 'x', labels: {} })).toThrow('no such file');
    // Without chart and repo the top-level valuesFiles are not read.
    expect(fleetBundleValues({ helm: { releaseName: 'r', valuesFiles: ['v.yaml'] } }, { name: 'x', labels: {} }).values).toStrictEqual({});
  });

  it('Fleet sets neither --reset-values nor --reuse-values: empty values on an upgrade keep the old Config', () => {
    const result = fleetBundleValues({ helm: { releaseName: 'r' } }, { name: 'x', labels: {} });

    expect(result.values).toStrictEqual({});
    expect(helmUpgradeValues(result.values, { old: true }, false)).toStrictEqual({ old: true });
  });
});

describe('legacy Fleet (< v0.6.0): global.fleet.clusterLabels injection', () => {
  const cluster: FleetCluster = { name: 'c', labels: { env: 'dev', 'objectset.rio.cattle.io/hash': 'h' } };
  const values = { ref: 'global.fleet.clusterLabels.env', l: [{ x: 'global.fleet.clusterLabels.env' }], global: { fleet: { other: 1, clusterLabels: { mine: 'x' } } } };
  const fy = (v: Record<string, unknown> | undefined): FleetYaml => ({ helm: { releaseName: 'r', values: v } });

  it('legacy: true (v0.5.2+) substitutes and merges global.fleet.clusterLabels, replacing any given map', () => {
    expect(fleetBundleValues(fy(values), cluster, {}, { legacy: true }).values).toStrictEqual({
      ref:    'dev',
      l:      [{ x: 'dev' }],
      global: { fleet: { other: 1, clusterLabels: { env: 'dev' } } },
    });
  });

  it('bundles without helm options or values get the labels too', () => {
    const none = fleetBundleValues({}, cluster, {}, { legacy: true, bundleName: 'b' });

    expect(none.values).toStrictEqual({ global: { fleet: { clusterLabels: { env: 'dev' } } } });
    expect(fleetBundleValues(fy(undefined), cluster, {}, { legacy: true }).values).toStrictEqual({ global: { fleet: { clusterLabels: { env: 'dev' } } } });
  });

  it('variants: v0.3.0 does not substitute, v0.3.5 skips lists and fails on missing labels', () => {
    expect(fleetBundleValues(fy({ ref: 'global.fleet.clusterLabels.env' }), cluster, {}, { legacy: 'v0.3.0' }).values.ref).toBe('global.fleet.clusterLabels.env');
    expect(fleetBundleValues(fy(values), cluster, {}, { legacy: 'v0.3.5' }).values.l).toStrictEqual([{ x: 'global.fleet.clusterLabels.env' }]);
    expect(() => fleetBundleValues(fy({ a: 'global.fleet.clusterLabels.nope' }), cluster, {}, { legacy: 'v0.3.6' })).toThrow('invalid_label_reference');
    expect(fleetBundleValues(fy({ a: 'global.fleet.clusterLabels.nope' }), cluster, {}, { legacy: 'v0.5.2' }).values.a).toBe('');
  });

  it('no exported labels: nothing injected', () => {
    expect(fleetBundleValues(fy({ a: 1 }), { name: 'c', labels: { 'x.cattle.io/y': 'z' } }, {}, { legacy: true }).values).toStrictEqual({ a: 1 });
  });
});
