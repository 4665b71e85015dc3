/**
 * Unit tests of test/support/rancher-dashboard.ts. Cases marked "upstream" transcribe the inputs and
 * expected outputs of rancher/dashboard's own tests (HEAD 17ad8a68ba8d13d1e34bf31ede4515b653a4d306
 * unless stated); the others cover branches those tests do not reach. Pure functions only.
 */
import { describe, expect, it } from 'vitest';
import {
  CATALOG_NAMESPACE_ANNOTATION,
  CATALOG_RELEASE_NAME_ANNOTATION,
  addGlobalValuesTo,
  answer,
  appValuesAsRancherShowsThem,
  clone,
  createForm,
  definedKeys,
  diff,
  get,
  helmUpgradeValues,
  ignoreVariables,
  isEmpty,
  mergeWithReplace,
  migrate,
  questionGroups,
  rancherInstall,
  rancherUpgrade,
  remove,
  removeGlobalValuesFrom,
  set,
  setFormValues,
  shouldShow,
  shouldShowSub,
  showCustomRegistry,
  shownQuestions,
  type Dialect,
  type GlobalValuesEnv,
  type Question,
  type RancherChart,
  type RancherCluster,
} from '../support/rancher-dashboard.ts';

// ---------------------------------------------------------------------------------------------
// upstream: shell/utils/__tests__/object.test.ts
// ---------------------------------------------------------------------------------------------

describe('object.test.ts fx: get (upstream)', () => {
  const obj = { key1: 'value', key2: { bat: 42, 'with.dots': 43 } };

  it('given a path', () => {
    expect(get(obj, 'key1')).toStrictEqual(obj.key1);
  });
  it('given a nested path', () => {
    expect(get(obj, 'key2.bat')).toStrictEqual(obj.key2.bat);
  });
  it('given a complex path', () => {
    expect(get(obj, "key2.'with.dots'")).toStrictEqual(obj.key2['with.dots']);
  });
  it.each(['key2.nonsense', 'non.sense'])('should catch error and return undefined (%s)', (path) => {
    expect(get(obj, path)).toBeUndefined();
  });
});

describe('object.test.ts fx: clone (upstream)', () => {
  it('should return a shallow copy of the object', () => {
    const obj = { key1: 'value', key2: { bat: 42, 'with.dots': 43 } };
    const result = clone(obj);

    expect(result).not.toBe(obj);
    expect(result).toStrictEqual(obj);
  });
});

describe('object.test.ts fx: isEmpty (upstream)', () => {
  it.each([
    [{}, true],
    [{ key1: 'value' }, false],
    [[], true],
    [['key1'], false],
    ['', true],
    [0, true],
    [42, true],
    [null, true],
    [undefined, true],
  ])('should evaluate %p as %p', (value, expected) => {
    expect(isEmpty(value)).toStrictEqual(expected);
  });

  it.each([
    [{ value: 'value' }, true],
    [{ enumerable: true }, false],
  ])('should verify if %s is enumerable (%o)', (descriptor, expected) => {
    expect(isEmpty(Object.defineProperty({}, 'key1', descriptor))).toBe(expected);
  });
});

describe('object.test.ts fx: remove (upstream)', () => {
  it.each([
    [{}, '', {}],
    [{}, 'not_there', {}],
    [{}, 'not.there.again', {}],
    [{ level1: true }, 'level1', {}],
    [{ level1: true }, 'not_there', { level1: true }],
    [{ level1: { level2: true } }, 'level1.level2', { level1: { } }],
    [{ level1: { level2: true, other: true } }, 'level1.level2', { level1: { other: true } }],
    [{ level1: { level2: true }, other: true }, 'level1.level2', { level1: { }, other: true }],
    [{ level1: { level2: true }, other: true }, 'not_there.level1.level2', { level1: { level2: true }, other: true }],
    [{ level1: { level2: true }, other: true }, 'level1', { other: true }],
  ])('should evaluate %p at %p as %p', (obj, path, expected) => {
    expect(remove(obj, path)).toStrictEqual(expected);
  });

  it.each([
    [{ level1: { level2: true } }, 'level1.level2', {}],
    [{ level1: { level2: true, other: true } }, 'level1.level2', { level1: { other: true } }],
    [{ level1: { level2: true }, other: true }, 'level1.level2', { other: true }],
    [{ level1: { level2: { level3: true } } }, 'level1.level2.level3', {}],
    [{ level1: { level2: { level3: true, other: true } } }, 'level1.level2.level3', { level1: { level2: { other: true } } }],
    [{ level1: { level2: { level3: true } }, other: true }, 'level1.level2.level3', { other: true }],
  ])('with pruneEmptyParents should evaluate %p at %p as %p', (obj, path, expected) => {
    expect(remove(obj, path, true)).toStrictEqual(expected);
  });
});

describe('object.test.ts fx: diff (upstream)', () => {
  it('should return an object including only the differences between two objects', () => {
    expect(diff({ foo: 'bar', baz: 'bang' }, { foo: 'bar', bang: 'baz' })).toStrictEqual({ baz: null, bang: 'baz' });
  });

  it('should return an object with property "baz" different than "null" if using the flag "preventNull" as true', () => {
    expect(diff({ foo: 'bar', baz: 'bang' }, { foo: 'bar', bang: 'baz' }, true)).toStrictEqual({ baz: 'bang', bang: 'baz' });
  });

  it('should return an object and dot characters in object should still be respected', () => {
    expect(diff({}, { foo: { 'bar.baz': 'bang' } })).toStrictEqual({ foo: { 'bar.baz': 'bang' } });
  });

  it('should preserve nested object values when transitioning from empty object to populated object', () => {
    const to = { parent: { child: { config: { annotations: { hello: 'world' }, labels: { key: 'value' } } } } };

    expect(diff({ parent: { child: { config: {} } } }, to)).toStrictEqual(to);
  });

  it('should preserve explicit empty object when clearing nested object values', () => {
    expect(diff(
      { parent: { child: { config: { annotations: { hello: 'world' } } } } },
      { parent: { child: { config: {} } } },
    )).toStrictEqual({ parent: { child: { config: {} } } });
  });

  it('should not emit nested empty objects when there are no differences', () => {
    expect(diff(
      { parent: { child: { config: { annotations: { hello: 'world' } } } } },
      { parent: { child: { config: { annotations: { hello: 'world' } } } } },
    )).toStrictEqual({});
  });

  it('should correctly nullify nested keys when removed', () => {
    expect(diff(
      { parent: { child: { config: { annotations: { hello: 'world' }, labels: { key: 'value' } } } } },
      { parent: { child: { config: { annotations: { hello: 'world' } } } } },
    )).toStrictEqual({ parent: { child: { config: { labels: { key: null } } } } });
  });

  it('should not nullify child keys when parent object is updated', () => {
    const result = diff({ parent: { child: { config: {} } } }, { parent: { child: { config: { annotations: { hello: 'world' } } } } });

    expect(result).toStrictEqual({ parent: { child: { config: { annotations: { hello: 'world' } } } } });
    expect(result.parent.child.config).not.toHaveProperty('annotations', null);
  });

  it('should handle type change from object in from to primitive in to without throwing', () => {
    const from = { githubConfigSecret: { github_token: '' }, githubConfigUrl: '' };
    const to = { githubConfigUrl: 'https://github.com/abc', githubConfigSecret: 'preexisting-secret' };

    expect(() => diff(from, to)).not.toThrow();
    const result = diff(from, to);

    expect(result.githubConfigSecret).toStrictEqual('preexisting-secret');
    expect(result.githubConfigUrl).toStrictEqual('https://github.com/abc');
    expect(Object.keys(result)).not.toContain('githubConfigSecret.github_token');
  });
});

describe('object.test.ts fx: definedKeys (upstream)', () => {
  it('should return an array of keys within an array', () => {
    expect(definedKeys({ foo: 'bar', baz: 'bang' })).toStrictEqual(['"foo"', '"baz"']);
  });
  it('should return an array of keys with primitive values and their full nested path', () => {
    expect(definedKeys({ foo: 'bar', baz: { bang: 'bop' } })).toStrictEqual(['"foo"', '"baz"."bang"']);
  });
  it('should return ... with quotation marks to escape keys with dots in them', () => {
    expect(definedKeys({ foo: 'bar', baz: { 'bang.bop': 'beep' } })).toStrictEqual(['"foo"', '"baz"."bang.bop"']);
  });
});

describe('object.test.ts fx: mergeWithReplace (upstream)', () => {
  it.each([
    [{ a: ['one'] }, { a: [] }, { a: [] }],
    [{ a: ['one', 'two'] }, { a: ['one', 'two', 'three'] }, { a: ['one', 'two', 'three'] }],
    [{ a: ['one', 'two'], b: ['three', 'four'] }, { a: ['one'], b: [] }, { a: ['one'], b: [] }],
    [{ a: ['one', 'two'], b: ['three', 'four'], c: 'five' }, { a: ['one'], b: [] }, { a: ['one'], b: [], c: 'five' }],
    [{ a: 'one' }, { b: 'two' }, { a: 'one', b: 'two' }],
    [{ a: 'one' }, { a: '', b: 'two' }, { a: '', b: 'two' }],
    [{ a: 'one', b: 'two' }, { a: 1, c: { d: null } }, { a: 1, b: 'two', c: { d: null } }],
    [undefined, undefined, {}],
    [{}, undefined, {}],
    [undefined, {}, {}],
  ])('should merge arrays properly (%j + %j)', (obj1, obj2, expected) => {
    expect(mergeWithReplace(obj1, obj2)).toStrictEqual(expected);
  });

  it.each([
    [{ a: { b: false, c: false } }, { a: { b: true, c: null } }, { a: { b: true, c: null } }],
    [
      { a: [{ b: 'test', c: 'test', value: true }] },
      { a: [{ b: 'test', c: 'test', operator: 'exists' }] },
      { a: [{ b: 'test', c: 'test', operator: 'exists' }] },
    ],
    [
      { a: { enabled: false }, b: { enabled: false }, c: { enabled: false } },
      { c: { enabled: true, stripUnderscores: true } },
      { a: { enabled: false }, b: { enabled: false }, c: { enabled: true, stripUnderscores: true } },
    ],
  ])('should overwrite duplicate object properties when merging objects (%j)', (left, right, expected) => {
    expect(mergeWithReplace(left, right)).toStrictEqual(expected);
  });
});

describe('object.js branches the upstream tests do not reach', () => {
  it('diff: arrays are compared whole; a removed array is nulled', () => {
    expect(diff({ l: [1, 2], m: [1] }, { l: [1], m: [1] })).toStrictEqual({ l: [1] });
    expect(diff({ l: [1] }, {})).toStrictEqual({ l: null });
  });

  it('diff: a removed object has only its FIRST leaf nulled (the null creates the parent, which then skips the rest)', () => {
    expect(diff({ a: { b: 1, c: { d: 2 } } }, {})).toStrictEqual({ a: { b: null } });
    expect(diff({ a: { b: 1, c: 2, e: 3 }, x: 1 }, { x: 1 })).toStrictEqual({ a: { b: null } });
  });

  it('diff: an emptied object is sent as {} (its keys are not nulled)', () => {
    expect(diff({ a: { b: 1 } }, { a: {} })).toStrictEqual({ a: {} });
  });

  it('diff: the non-object-parent skip checks every segment against the TOP level of the output', () => {
    // `a` was removed, but `b` (a top-level key of the output holding a primitive) shares the name
    // of a.b's last segment, so a.b is not nulled: the removal of `a` is lost.
    expect(diff({ a: { b: 1 }, b: 2 }, { b: 3 })).toStrictEqual({ b: 3 });
    expect(diff({ a: { b: 1 }, b: 2 }, { b: 2 })).toStrictEqual({ a: { b: null } });
  });

  it('diff preventNull: single-segment keys get from\'s value back, nested keys are nulled (quoted-key lookup)', () => {
    expect(diff({ a: { b: 1 }, c: 1 }, { c: 1 }, true)).toStrictEqual({ a: { b: null } });
    expect(diff({ a: 0, n: null }, {}, true)).toStrictEqual({ a: 0, n: null });
  });

  it('definedKeys: empty objects contribute nothing, nulls are leaves', () => {
    expect(definedKeys({ a: {}, b: null, c: { d: [] } })).toStrictEqual(['"b"', '"c"."d"']);
  });

  it('set: replaces falsy parents with {}, throws on a truthy primitive parent', () => {
    expect(set({ a: 0 }, 'a.b', 1)).toStrictEqual({ a: { b: 1 } });
    expect(set({}, '"a.b".c', 1)).toStrictEqual({ 'a.b': { c: 1 } });
    expect(() => set({ a: 'x' }, 'a.b', 1)).toThrow(TypeError);
    expect(set(null, 'a', 1)).toBeUndefined();
  });

  it('get: a quoted path without dots reads the quoted key; empty paths throw', () => {
    expect(get({ a: 1, '"a"': 2 }, '"a"')).toBe(2);
    expect(() => get({}, '')).toThrow('Cannot translate an empty input');
  });

  it('mergeWithReplace: an array replaces an object and vice versa as lodash merge does', () => {
    expect(mergeWithReplace({ a: { x: 1 } }, { a: [1] })).toStrictEqual({ a: [1] });
    expect(mergeWithReplace({ a: [1, 2] }, { a: { 0: 9 } })).toStrictEqual({ a: [9, 2] });
    expect(mergeWithReplace({ a: 1 }, { a: undefined })).toStrictEqual({ a: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// upstream: shell/pages/c/_cluster/apps/charts/__tests__/install.helper.test.ts and install.test.ts
// ---------------------------------------------------------------------------------------------

describe('install.helper.test.ts fX: ignoreVariables (upstream)', () => {
  it('given chart epinio with path global.rbac.pspEnabled should return questions', () => {
    expect(ignoreVariables('epinio')).toStrictEqual(['global.rbac.pspEnabled']);
  });

  it('returns [undefined] for other charts', () => {
    expect(ignoreVariables('kubevision')).toStrictEqual([undefined]);
  });
});

const CLUSTER: RancherCluster = {
  clusterId:            'c-m-abc12345',
  clusterName:          'linz-assembly',
  serverUrl:            'https://rancher.example.com',
  rkePathPrefix:        '',
  rkeWindowsPathPrefix: '',
  windows:              false,
  systemProjectId:      'p-sys01',
  registrySetting:      '',
};

const noClusterEnv: GlobalValuesEnv = {
  clusterId:            undefined,
  clusterName:          undefined,
  serverUrl:            '',
  rkePathPrefix:        '',
  rkeWindowsPathPrefix: '',
  windows:              false,
  systemProjectId:      '',
  showCustomRegistry:   false,
  customRegistrySetting: null,
};

describe('install.test.ts (upstream)', () => {
  it('should use version annotations for target namespace and name', () => {
    const result = rancherInstall({
      values:      { global: { imagePullSecrets: [] } },
      annotations: {
        [CATALOG_NAMESPACE_ANNOTATION]:    'custom-ns',
        [CATALOG_RELEASE_NAME_ANNOTATION]: 'custom-name',
      },
    }, undefined, CLUSTER);

    expect(result.namespace).toBe('custom-ns');
    expect(result.releaseName).toBe('custom-name');
  });

  describe('addGlobalValuesTo', () => {
    it('should set imagePullSecrets when registryPullSecret is selected', () => {
      const values: any = { global: {} };

      addGlobalValuesTo(values, { ...noClusterEnv, showRegistryPullSecrets: true, registryPullSecret: 'my-selected-secret' });
      expect(values.global.imagePullSecrets).toStrictEqual(['my-selected-secret']);
    });

    it('should delete imagePullSecrets when showRegistryPullSecrets is true but no pullSecret selected', () => {
      const values: any = { global: { imagePullSecrets: ['old-secret'] } };

      addGlobalValuesTo(values, { ...noClusterEnv, showRegistryPullSecrets: true, registryPullSecret: null });
      expect(values.global.imagePullSecrets).toBeUndefined();
    });

    it('should not modify imagePullSecrets when showRegistryPullSecrets is false', () => {
      const values: any = { global: { imagePullSecrets: ['existing-secret'] } };

      addGlobalValuesTo(values, { ...noClusterEnv, showRegistryPullSecrets: false, registryPullSecret: null });
      expect(values.global.imagePullSecrets).toStrictEqual(['existing-secret']);
    });
  });

  describe('finish()', () => {
    // The pull-secret section lives in PrivateRegistry, rendered only for charts with a registry field.
    const registryChart: RancherChart = { values: { global: { systemDefaultRegistry: '' } } };
    const repo = { repoDefaultImagePullSecrets: ['repo-default'], releaseName: 'test' };

    it('should read created secret name from hookResults when registryPullSecret is null', () => {
      const result = rancherInstall(registryChart, undefined, CLUSTER, { ...repo, pullSecret: { kind: 'create', name: 'hook-created-secret' } });

      expect(result.registryPullSecret).toBe('hook-created-secret');
      expect((result.values.global as any).imagePullSecrets).toStrictEqual(['hook-created-secret']);
    });

    it('should not overwrite registryPullSecret from hookResults when already set', () => {
      const result = rancherUpgrade(registryChart, { values: { global: { imagePullSecrets: ['already-selected'] } } }, undefined, CLUSTER, {
        ...repo, pullSecret: { kind: 'create', name: 'hook-created-secret' }, resetValues: false,
      });

      expect(result.registryPullSecret).toBe('already-selected');
    });

    it('should not read hookResults when skipPullSecrets is true', () => {
      const result = rancherInstall(registryChart, undefined, CLUSTER, { ...repo, pullSecret: { kind: 'skip' } });

      expect(result.registryPullSecret).toBeFalsy();
    });

    it('should add skipPullSecrets query param when skipPullSecrets is true', () => {
      expect(rancherInstall(registryChart, undefined, CLUSTER, { ...repo, pullSecret: { kind: 'skip' } }).skipPullSecrets).toBe(true);
    });

    it('should not add skipPullSecrets query param when skipPullSecrets is false', () => {
      expect(rancherInstall(registryChart, undefined, CLUSTER, repo).skipPullSecrets).toBe(false);
    });
  });

  describe('fetch() pull secret pre-selection', () => {
    const upgrade = (existingValues: Record<string, unknown>) => rancherUpgrade(
      { values: {} }, { values: existingValues, name: 'release', namespace: 'default' }, undefined, CLUSTER,
      { repoDefaultImagePullSecrets: ['repo-default'], resetValues: false },
    );

    it('should pre-select single existing pull secret on upgrade', () => {
      const result = upgrade({ global: { imagePullSecrets: ['existing-secret'] } });

      expect(result.registryPullSecret).toBe('existing-secret');
      expect((result.values.global as any).imagePullSecrets).toStrictEqual(['existing-secret']);
    });

    it('should not pre-select when multiple existing pull secrets exist', () => {
      const result = upgrade({ global: { imagePullSecrets: ['secret-1', 'secret-2'] } });

      expect(result.registryPullSecret).toBeNull();
      // ...and addGlobalValuesTo then deletes them from what is sent.
      expect((result.values.global as any).imagePullSecrets).toBeUndefined();
    });

    it('should not pre-select on fresh install', () => {
      const result = rancherInstall({ values: { global: { imagePullSecrets: ['existing-secret'] } } }, undefined, CLUSTER, {
        repoDefaultImagePullSecrets: ['repo-default'], releaseName: 'r',
      });

      expect(result.registryPullSecret).toBeNull();
    });

    it('should not pre-select when no imagePullSecrets in chart values', () => {
      expect(upgrade({ global: {} }).registryPullSecret).toBeNull();
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The install and upgrade value flow, beyond the upstream tests
// ---------------------------------------------------------------------------------------------

const kubevisionLikeChart: RancherChart = {
  name:        'kubevision',
  values:      {
    replicas: 1,
    feature:  { enabled: false, mode: 'a' },
    global:   { systemDefaultRegistry: '', cattle: { systemDefaultRegistry: '' } },
  },
  annotations: { [CATALOG_RELEASE_NAME_ANNOTATION]: 'kubevision', [CATALOG_NAMESPACE_ANNOTATION]: 'kubevision' },
};

const injected = (registry: string | undefined, extra: Record<string, unknown> = {}) => ({
  cattle: {
    clusterId:            'c-m-abc12345',
    clusterName:          'linz-assembly',
    ...(registry === undefined ? {} : { systemDefaultRegistry: registry }),
    systemProjectId:      'p-sys01',
    url:                  'https://rancher.example.com',
    rkePathPrefix:        '',
    rkeWindowsPathPrefix: '',
    ...extra,
  },
  ...(registry === undefined ? {} : { systemDefaultRegistry: registry }),
});

describe('rancherInstall', () => {
  it('sends the diff plus the injected globals (the shape of docusaurus/docs/internal/code-base-works/helm-chart-apps.md)', () => {
    const result = rancherInstall(kubevisionLikeChart, (values) => {
      values.replicas = 2;
    }, CLUSTER);

    expect(result.releaseName).toBe('kubevision');
    expect(result.namespace).toBe('kubevision');
    expect(result.values).toStrictEqual({ replicas: 2, global: injected('') });
  });

  it('injects global.cattle.* even when the chart declares no global at all', () => {
    const result = rancherInstall({ values: { replicas: 1 } }, undefined, CLUSTER, { releaseName: 'kv', namespace: 'plant' });

    expect(result).toMatchObject({ releaseName: 'kv', namespace: 'plant' });
    expect(result.values).toStrictEqual({ global: injected(undefined) });
  });

  it('requires a release name when the chart has no release-name annotation; defaults the namespace', () => {
    expect(() => rancherInstall({ values: {} }, undefined, CLUSTER)).toThrow('no release name');
    expect(rancherInstall({ values: {} }, undefined, CLUSTER, { releaseName: 'x' }).namespace).toBe('default');
    expect(() => rancherInstall(kubevisionLikeChart, undefined, CLUSTER, { namespace: 'other' })).toThrow('forces namespace');
  });

  it('fills the registry field from the cluster registry, else the setting, and sends it in both keys', () => {
    const withSetting = rancherInstall(kubevisionLikeChart, undefined, { ...CLUSTER, registrySetting: 'registry.example.com' });
    const withCluster = rancherInstall(kubevisionLikeChart, undefined, { ...CLUSTER, registrySetting: 'registry.example.com', clusterRegistry: 'cluster.example.com' });

    expect(withSetting.values.global).toStrictEqual(injected('registry.example.com'));
    expect(withCluster.values.global).toStrictEqual(injected('cluster.example.com'));
  });

  it('a typed registry is sent', () => {
    const result = rancherInstall(kubevisionLikeChart, undefined, CLUSTER, { registry: { kind: 'type', value: 'mirror.local' } });

    expect(result.values.global).toStrictEqual(injected('mirror.local'));
  });

  it('unticking the registry box: HEAD drops both keys from the request, v2.14.4 still sends the registry', () => {
    const cluster = { ...CLUSTER, registrySetting: 'registry.example.com' };
    const head = rancherInstall(kubevisionLikeChart, undefined, cluster, { registry: { kind: 'uncheck' } });
    const v214 = rancherInstall(kubevisionLikeChart, undefined, cluster, { registry: { kind: 'uncheck' }, dialect: 'v2.14' });

    expect(head.customRegistrySetting).toBeUndefined();
    expect(head.values.global).toStrictEqual(injected(undefined));
    expect(v214.values.global).toStrictEqual(injected('registry.example.com'));
  });

  it('a registry key the chart declares only under global.cattle still makes both keys be sent', () => {
    const result = rancherInstall({ values: { global: { cattle: { systemDefaultRegistry: '' } } } }, undefined, CLUSTER, { releaseName: 'x' });

    expect(showCustomRegistry({ global: { cattle: { systemDefaultRegistry: '' } } })).toBe(true);
    expect(result.values.global).toStrictEqual(injected(''));
  });

  it('windows clusters get global.cattle.windows.enabled', () => {
    const result = rancherInstall({ values: {} }, undefined, { ...CLUSTER, windows: true }, { releaseName: 'x' });

    expect(result.values.global).toStrictEqual(injected(undefined, { windows: { enabled: true } }));
  });

  it('user values under global.cattle win over the injected ones (setIfNotSet)', () => {
    const result = rancherInstall({ values: {} }, (values) => {
      values.global = { cattle: { clusterId: 'mine' } };
    }, CLUSTER, { releaseName: 'x' });

    expect((result.values.global as any).cattle.clusterId).toBe('mine');
  });

  it('a key the user deletes is sent as null', () => {
    const result = rancherInstall(kubevisionLikeChart, (values) => {
      delete values.feature.mode;
    }, CLUSTER);

    expect(result.values).toStrictEqual({ feature: { mode: null }, global: injected('') });
  });

  it('v2.14.4 refuses the pull-secret options it does not have', () => {
    expect(() => rancherInstall(kubevisionLikeChart, undefined, CLUSTER, { dialect: 'v2.14', repoDefaultImagePullSecrets: ['x'] })).toThrow('v2.14.4');
  });
});

describe('rancherUpgrade', () => {
  const installed = rancherInstall(kubevisionLikeChart, (values) => {
    values.replicas = 2;
  }, CLUSTER);
  // What helm stored as the release Config is what the dashboard sent.
  const config = installed.values;
  const newChart: RancherChart = { ...kubevisionLikeChart, values: { ...kubevisionLikeChart.values, newKey: 'x' } };

  it('removes the globals equal to the current ones, merges over the new values.yaml and re-adds them', () => {
    const result = rancherUpgrade(newChart, { values: appValuesAsRancherShowsThem(config, ''), name: 'kubevision', namespace: 'kubevision' }, undefined, CLUSTER, { resetValues: false });

    expect(result.values).toStrictEqual({ replicas: 2, global: injected('') });
    expect(result).toMatchObject({ releaseName: 'kubevision', namespace: 'kubevision', resetValues: false });
    expect(helmUpgradeValues(result.values, config, result.resetValues)).toBe(result.values);
  });

  it('globals that changed since the install are not removed and then win over the current ones', () => {
    const result = rancherUpgrade(newChart, { values: config }, undefined, { ...CLUSTER, serverUrl: 'https://new.example.com', clusterName: 'renamed' }, { resetValues: false });
    const cattle = (result.values.global as any).cattle;

    expect(cattle.url).toBe('https://rancher.example.com');
    expect(cattle.clusterName).toBe('linz-assembly');
  });

  it('a stored null (deleted key) is sent again', () => {
    const deleted = rancherInstall(kubevisionLikeChart, (values) => {
      delete values.feature.mode;
    }, CLUSTER).values;
    const result = rancherUpgrade(newChart, { values: deleted }, undefined, CLUSTER, { resetValues: false });

    expect(result.values).toStrictEqual({ feature: { mode: null }, global: injected('') });
  });

  it('the stored registry becomes the field content; a new setting does not replace it', () => {
    const withRegistry = rancherInstall(kubevisionLikeChart, undefined, { ...CLUSTER, registrySetting: 'old.example.com' }).values;
    const result = rancherUpgrade(newChart, { values: withRegistry }, undefined, { ...CLUSTER, registrySetting: 'new.example.com' }, { resetValues: true });

    expect(result.customRegistrySetting).toBe('old.example.com');
    expect(result.values.global).toStrictEqual(injected('old.example.com'));
    expect(result.resetValues).toBe(true);
  });

  it('when the new chart no longer declares systemDefaultRegistry, the old registry keys are sent as plain values', () => {
    const result = rancherUpgrade({ values: { replicas: 1 } }, { values: config }, undefined, CLUSTER, { resetValues: false });

    expect(result.values).toStrictEqual({ replicas: 2, global: injected('') });
  });

  it('the never-merged rancher#28621 root systemDefaultRegistry would be sent back as a root value', () => {
    const values = appValuesAsRancherShowsThem(config, 'registry.example.com', { unmergedPr28621: true });
    const result = rancherUpgrade(newChart, { values }, undefined, CLUSTER, { resetValues: false });

    expect(result.values.systemDefaultRegistry).toBe('registry.example.com');
  });
});

describe('appValuesAsRancherShowsThem / helmUpgradeValues', () => {
  it('the app values are the release Config (rancher/rancher never shipped the root systemDefaultRegistry)', () => {
    const config = { a: 1 };

    expect(appValuesAsRancherShowsThem(config, 'registry.example.com')).toStrictEqual({ a: 1 });
    expect(appValuesAsRancherShowsThem(config, 'registry.example.com')).not.toBe(config);
    expect(appValuesAsRancherShowsThem(config, 'r', { unmergedPr28621: true })).toStrictEqual({ a: 1, systemDefaultRegistry: 'r' });
    expect(appValuesAsRancherShowsThem(config, '', { unmergedPr28621: true })).toStrictEqual({ a: 1 });
    expect(() => appValuesAsRancherShowsThem(undefined, 'r', { unmergedPr28621: true })).toThrow('nil map');
  });

  it('helm reuseValues: reset -> new values; empty new values reuse the old Config; else the new values', () => {
    const old = { a: 1 };

    expect(helmUpgradeValues({}, old, true)).toStrictEqual({});
    expect(helmUpgradeValues({}, old, false)).toBe(old);
    expect(helmUpgradeValues({ b: 2 }, old, false)).toStrictEqual({ b: 2 });
    expect(helmUpgradeValues({}, {}, false)).toStrictEqual({});
  });

  it('removeGlobalValuesFrom keeps systemProjectId and drops emptied objects', () => {
    const env: GlobalValuesEnv = { ...noClusterEnv, clusterId: 'c', clusterName: 'n', serverUrl: 'u', windows: true };

    expect(removeGlobalValuesFrom({ global: { cattle: { clusterId: 'c', windows: { enabled: true } } } }, env)).toStrictEqual({});
    expect(removeGlobalValuesFrom({ global: { cattle: { clusterId: 'c', systemProjectId: 'p' } } }, env)).toStrictEqual({ global: { cattle: { systemProjectId: 'p' } } });
    expect(removeGlobalValuesFrom(undefined, env)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// upstream: shell/components/Questions/__tests__/index.test.ts
// ---------------------------------------------------------------------------------------------

describe('Questions index.test.ts computed: groups (upstream)', () => {
  it('should group questions with the same group into a single group', () => {
    const groups = questionGroups([{ variable: 'q1', group: 'Group 1' }, { variable: 'q2', group: 'Group 1' }], {}, 'head');

    expect(groups).toHaveLength(1);
    expect(groups[0]?.name).toBe('Group 1');
    expect(groups[0]?.questions).toHaveLength(2);
  });

  it('should place questions without a group into a default group', () => {
    const groups = questionGroups([{ variable: 'q1' }, { variable: 'q2' }], {}, 'head');

    expect(groups).toHaveLength(1);
    expect(groups[0]?.name).toBe('Questions');
    expect(groups[0]?.questions).toHaveLength(2);
  });

  it('should create multiple groups for questions with different groups', () => {
    expect(questionGroups([{ variable: 'q1', group: 'Group 1' }, { variable: 'q2', group: 'Group 2' }], {}, 'head')).toHaveLength(2);
  });

  it('should correctly group a mix of grouped and ungrouped questions', () => {
    const groups = questionGroups([{ variable: 'q1', group: 'Group 1' }, { variable: 'q2' }, { variable: 'q3', group: 'Group 1' }], {}, 'head');

    expect(groups).toHaveLength(2);
    expect(groups.find((g) => g.name === 'Group 1')?.questions).toHaveLength(2);
    expect(groups.find((g) => g.name === 'Questions')?.questions).toHaveLength(1);
  });
});

// [show_if, values, HEAD result (upstream test expectation), v2.14.4 result]
// The v2.14.4 column is this port's reading of v2.14.4's migrate; it was cross-checked by running
// the v2.14.4 component script against jexl 2.3.0.
const SHOW_IF_CASES: [string, Record<string, unknown>, boolean, boolean][] = [
  ['foo=bar', { foo: 'bar' }, true, true],
  ['foo=bar', { foo: 'baz' }, false, false],
  ['foo!=bar', { foo: 'baz' }, true, true],
  ['foo=true', { foo: true }, true, true],
  ['foo=false', { foo: false }, true, true],
  ['foo=', { foo: null }, true, true],
  ['foo!=', { foo: 'bar' }, true, true],
  ['!(foo=bar)', { foo: 'baz' }, true, true],
  ['!(foo=bar)', { foo: 'bar' }, false, true],
  ['!foo', { foo: true }, false, false],
  ['!foo', { foo: false }, true, true],
  ['foo=bar&&baz=qux', { foo: 'bar', baz: 'qux' }, true, true],
  ['foo=bar&&baz=qux', { foo: 'bar', baz: 'not-qux' }, false, false],
  ['foo=bar||baz=qux', { foo: 'bar', baz: 'not-qux' }, true, true],
  ['(foo=bar || baz=qux) && target=test', { foo: 'bar', baz: 'not-qux', target: 'test' }, true, true],
  ['(foo=bar || baz=qux) && target=test', { foo: 'not-bar', baz: 'not-qux', target: 'test' }, false, false],
  ['(foo=bar || baz=qux) && target=test', { foo: 'not-bar', baz: 'qux', target: 'test' }, true, false],
  ['(foo=bar || baz=qux) && target=test', { foo: 'bar', baz: 'not-qux', target: 'not-test' }, false, false],
  ['(foo=bar||baz=qux)&&target=test', { foo: 'bar', baz: 'not-qux', target: 'test' }, true, true],
  ['(  foo=bar   ||   baz=qux  )   &&   target=test', { foo: 'bar', baz: 'not-qux', target: 'test' }, true, true],
  ['foo=bar(1)', { foo: 'bar(1)' }, true, true],
  ['foo=bar(1)', { foo: 'something-else' }, false, false],
  ['foo=a!b', { foo: 'a!b' }, true, true],
  ['foo=a!b', { foo: 'something-else' }, false, false],
  ['storageClass=Premium (SSD)', { storageClass: 'Premium (SSD)' }, true, true],
  ['storageClass=Premium (SSD)', { storageClass: 'Standard' }, false, false],
  ['foo!=bar', { foo: 'bar' }, false, true],
  ['foo!=', { foo: null }, false, true],
  ['foo=(bar)', { foo: '(bar)' }, true, true],
  ['foo=(bar)', { foo: 'something-else' }, false, false],
];

describe('Questions index.test.ts method: shouldShow (upstream, HEAD)', () => {
  it.each(SHOW_IF_CASES)('should correctly evaluate show_if condition "%s" with values %j', (showIf, values, head) => {
    expect(shouldShow({ show_if: showIf }, values, 'head', { formValue: {} })).toBe(head);
  });
});

describe('shouldShow at v2.14.4 (same inputs)', () => {
  it.each(SHOW_IF_CASES)('show_if "%s" with values %j', (showIf, values, _head, v214) => {
    expect(shouldShow({ show_if: showIf }, values, 'v2.14', { formValue: {} })).toBe(v214);
  });

  it('v2.14.4 puts the ! of != into the key and splits inside parentheses', () => {
    expect(migrate('foo!=bar', 'v2.14')).toBe('foo! == "bar"');
    expect(migrate('!(foo=bar)', 'v2.14')).toBe('!(foo == "bar)"');
    expect(migrate('foo!=bar', 'head')).toBe('foo != "bar"');
    expect(migrate('a=1&&b=2', 'head')).toBe('a == "1"&&b == "2"');
    expect(migrate('a=1&&b=2', 'v2.14')).toBe('a == "1" && b == "2"');
  });
});

type Dialected = { dialect: Dialect };

describe('Questions index.test.ts watch: shownQuestions (upstream, HEAD)', () => {
  const head: Dialected = { dialect: 'head' };

  it('should remove values of questions that transition from shown to hidden', () => {
    const questions: Question[] = [{ variable: 'parent', type: 'boolean' }, { variable: 'child', show_if: 'parent=true' }];
    const form = createForm({ ...head, questions, chartValues: { parent: true, child: 'some-value' } });

    expect(form.shown.map((q) => q.variable)).toStrictEqual(['parent', 'child']);
    setFormValues(form, { parent: false, child: 'some-value' });
    expect(form.shown.map((q) => q.variable)).toStrictEqual(['parent']);
    expect(form.chartValues.child).toBeUndefined();
  });

  it('should remove nested values of questions that transition from shown to hidden', () => {
    const questions: Question[] = [{ variable: 'parent', type: 'boolean' }, { variable: 'nested.child', show_if: 'parent=true' }];
    const form = createForm({ ...head, questions, chartValues: { parent: true, nested: { child: 'some-nested-value' } } });

    expect(form.shown[1]?.variable).toBe('nested.child');
    setFormValues(form, { parent: false, nested: { child: 'some-nested-value' } });
    expect(form.shown).toHaveLength(1);
    expect(form.chartValues.nested).toBeUndefined();
  });

  it('should restore default values of questions that transition from shown to hidden if default exists in source.values', () => {
    const questions: Question[] = [{ variable: 'parent', type: 'boolean' }, { variable: 'ingress.path', show_if: 'parent=true' }];
    const form = createForm({ ...head, questions, chartValues: { parent: true, ingress: { path: '/api' } }, defaults: { parent: true, ingress: { path: '/' } } });

    expect(form.shown).toHaveLength(2);
    setFormValues(form, { parent: false, ingress: { path: '/api' } });
    expect(form.shown).toHaveLength(1);
    expect(form.chartValues.ingress.path).toBe('/');
  });

  it('should restore falsy default values of questions that transition from shown to hidden if default exists in source.values', () => {
    const questions: Question[] = [
      { variable: 'parent', type: 'boolean' },
      { variable: 'ingress.enabled', show_if: 'parent=true' },
      { variable: 'ingress.limit', show_if: 'parent=true' },
      { variable: 'ingress.path', show_if: 'parent=true' },
    ];
    const defaults = { parent: true, ingress: { enabled: false, limit: 0, path: '' } };
    const form = createForm({ ...head, questions, chartValues: { parent: true, ingress: { enabled: true, limit: 10, path: '/api' } }, defaults });

    expect(form.shown).toHaveLength(4);
    setFormValues(form, { parent: false, ingress: { enabled: true, limit: 10, path: '/api' } });
    expect(form.shown).toHaveLength(1);
    expect(form.chartValues.ingress).toStrictEqual({ enabled: false, limit: 0, path: '' });
  });

  it('should restore the user-entered value of a question that is hidden and then shown again (no default in source.values)', () => {
    const questions: Question[] = [{ variable: 'parent', type: 'boolean' }, { variable: 'nested.child', show_if: 'parent=true' }];
    const form = createForm({ ...head, questions, chartValues: { parent: true, nested: { child: 'my-custom-value' } } });

    setFormValues(form, { parent: false, nested: { child: 'my-custom-value' } });
    expect(form.shown).toHaveLength(1);
    expect(form.chartValues.nested).toBeUndefined();
    setFormValues(form, { parent: true });
    expect(form.shown).toHaveLength(2);
    expect(form.chartValues.nested.child).toBe('my-custom-value');
  });

  it('should restore the user-entered value of a question that is hidden and then shown again (default exists in source.values)', () => {
    const questions: Question[] = [{ variable: 'parent', type: 'boolean' }, { variable: 'ingress.path', show_if: 'parent=true' }];
    const form = createForm({ ...head, questions, chartValues: { parent: true, ingress: { path: '/api' } }, defaults: { parent: true, ingress: { path: '/' } } });

    setFormValues(form, { parent: false, ingress: { path: '/api' } });
    expect(form.chartValues.ingress.path).toBe('/');
    setFormValues(form, { parent: true, ingress: { path: '/' } });
    expect(form.shown).toHaveLength(2);
    expect(form.chartValues.ingress.path).toBe('/api');
  });
});

// ---------------------------------------------------------------------------------------------
// Questions: beyond the upstream tests
// ---------------------------------------------------------------------------------------------

describe('Questions form behaviour', () => {
  const questions: Question[] = [
    { variable: 'parent', type: 'boolean' },
    { variable: 'ingress.path', show_if: 'parent=true' },
  ];

  it('v2.14.4 has no watcher: a hidden answer persists', () => {
    const form = createForm({ dialect: 'v2.14', questions, chartValues: { parent: true, ingress: { path: '/' } }, defaults: { parent: false, ingress: { path: '/' } } });

    answer(form, 'ingress.path', '/api');
    answer(form, 'parent', false);
    expect(form.shown).toHaveLength(1);
    expect(form.chartValues.ingress.path).toBe('/api');
  });

  it('a newly rendered question writes its default when its value is undefined (Question.js created())', () => {
    const qs: Question[] = [
      { variable: 'ingress.enabled', type: 'boolean', default: 'false', show_subquestion_if: true, subquestions: [{ variable: 'ingress.host', type: 'string', default: 'kv.example.com' }] },
      { variable: 'mode', type: 'enum', default: 'simple' },
      { variable: 'flag', type: 'boolean', default: 'yes' },
    ];
    const form = createForm({ dialect: 'head', questions: qs, chartValues: { ingress: { enabled: false } } });

    expect(form.chartValues).toStrictEqual({ ingress: { enabled: false }, mode: 'simple', flag: false });
    answer(form, 'ingress.enabled', true);
    expect(form.shown.map((q) => q.variable)).toStrictEqual(['ingress.enabled', 'ingress.host', 'mode', 'flag']);
    expect(form.chartValues.ingress.host).toBe('kv.example.com');
  });

  it('end to end: HEAD does not send a hidden subquestion\'s answer, v2.14.4 does; untouched defaults are sent', () => {
    const chart: RancherChart = {
      values:      { ingress: { enabled: false } },
      annotations: { [CATALOG_RELEASE_NAME_ANNOTATION]: 'kv' },
      questions:   [
        { variable: 'ingress.enabled', type: 'boolean', show_subquestion_if: true, subquestions: [{ variable: 'ingress.host', type: 'string', default: 'kv.example.com' }] },
        { variable: 'mode', type: 'enum', default: 'simple' },
      ],
    };
    const toggle = (_values: unknown, form: any) => {
      answer(form, 'ingress.enabled', true);
      answer(form, 'ingress.host', 'plant.example.com');
      answer(form, 'ingress.enabled', false);
    };
    const head = rancherInstall(chart, toggle, CLUSTER, { dialect: 'head' });
    const v214 = rancherInstall(chart, toggle, CLUSTER, { dialect: 'v2.14' });

    expect(head.values).toStrictEqual({ mode: 'simple', global: injected(undefined) });
    expect(v214.values).toStrictEqual({ ingress: { host: 'plant.example.com' }, mode: 'simple', global: injected(undefined) });
  });

  it('HEAD restores values.yaml\'s default when a question is hidden, so nothing is sent for it', () => {
    const chart: RancherChart = {
      values:      { parent: false, ingress: { path: '/' } },
      annotations: { [CATALOG_RELEASE_NAME_ANNOTATION]: 'kv' },
      questions,
    };
    const edit = (_values: unknown, form: any) => {
      answer(form, 'parent', true);
      answer(form, 'ingress.path', '/api');
      answer(form, 'parent', false);
    };

    expect(rancherInstall(chart, edit, CLUSTER).values).toStrictEqual({ global: injected(undefined) });
    expect(rancherInstall(chart, edit, CLUSTER, { dialect: 'v2.14' }).values).toStrictEqual({ ingress: { path: '/api' }, global: injected(undefined) });
  });

  it('install.vue\'s ignoreVariables ([undefined]) drops top-level questions without a variable', () => {
    const qs: Question[] = [{ label: 'no variable' }, { variable: 'a' }];

    expect(shownQuestions(qs, {}, 'head', ignoreVariables('kubevision')).map((q) => q.variable)).toStrictEqual(['a']);
    expect(shownQuestions(qs, {}, 'head')).toHaveLength(2);
  });

  it('subquestions follow their parent; a false show_subquestion_if shows them when the value is falsy', () => {
    const qs: Question[] = [
      { variable: 'a', show_subquestion_if: false, subquestions: [{ variable: 'a1' }] },
      { variable: 'b', show_subquestion_if: 'on', subquestions: [{ variable: 'b1', subquestions: [{ variable: 'b11' }], show_subquestion_if: true }] },
    ];

    expect(shownQuestions(qs, { a: false, b: 'on', b1: true }, 'head').map((q) => q.variable)).toStrictEqual(['a', 'a1', 'b', 'b1', 'b11']);
    expect(shownQuestions(qs, { a: true, b: 'off' }, 'head').map((q) => q.variable)).toStrictEqual(['a', 'b']);
  });

  it('a falsy Jexl result of an expression with "-" is re-decided the Ember way', () => {
    const all: Question[] = [{ variable: 'my-flag' }];

    // Jexl reads my-flag as `my - flag`; the legacy comparison finds the top-level question.
    expect(shouldShow({ show_if: 'my-flag=true' }, { 'my-flag': true }, 'head', { allQuestions: all })).toBe(true);
    expect(shouldShow({ show_if: 'my-flag=true' }, { 'my-flag': false }, 'head', { allQuestions: all })).toBe(false);
    // Without a matching question the legacy comparison compares the variable's name.
    expect(shouldShow({ show_if: 'my-flag=true' }, { 'my-flag': true }, 'head')).toBe(false);
  });

  it('the fallback of a subquestion condition evaluates the parent\'s show_if (none -> shown)', () => {
    expect(shouldShowSub({ variable: 'a-b', show_subquestion_if: 'x' }, { 'a-b': 'y' })).toBe(true);
    expect(shouldShowSub({ variable: 'ab', show_subquestion_if: 'x' }, { ab: 'y' })).toBe(false);
  });

  it('a non-string show_if: HEAD returns it untouched (false shows the question), v2.14.4 throws', () => {
    expect(shouldShow({ show_if: false }, {}, 'head')).toBe(true);
    expect(() => shouldShow({ show_if: false }, {}, 'v2.14')).toThrow(TypeError);
    expect(shouldShow({ if: 'a == 1', show_if: 'a=2' }, { a: 1 }, 'head')).toBe(true);
  });

  it('a grouped migration that does not evaluate falls back to the ungrouped one; evaluation errors count as shown', () => {
    expect(migrate('a &&', 'head')).toBe('a  && ');
    expect(shouldShow({ show_if: 'a &&' }, { a: false }, 'head')).toBe(true);
    expect(shouldShow({ if: 'a ==' }, {}, 'head')).toBe(true);
  });
});
