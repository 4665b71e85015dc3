import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { HELPERS } from '../../src/chart/go.ts';
import { chartContract, contractTpl, helpersTpl } from '../../src/chart/helpers.ts';
import { helmOk } from '../../src/helm/run.ts';
import { placementTpl } from '../../src/placement/template.ts';
import { coalesce } from '../../src/plant/merge.ts';
import { genericChartDir } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * Each named template of src/chart/_helpers.tpl and src/placement/_placement.tpl, called the way the chart calls it, by real
 * helm. Every case is one ConfigMap of a throwaway chart holding only the helpers: its root
 * context is built in the case (the generic chart's default values with the case's
 * overrides, a release and a chart of its own), so one `helm template` renders them all.
 */
interface Case {
  name: string;
  /** The call, with `$ctx` the case's root context. */
  call: string;
  values?: Record<string, unknown>;
  release?: string;
  chartVersion?: string;
}

const cases: Case[] = [];
const add = (c: Case) => cases.push(c);
const out = new Map<string, string>();
const of = (name: string) => {
  const v = out.get(name);
  if (v === undefined) throw new Error(`no output for case ${name}`);
  return v;
};

const onpremOnly = { sites: { cloud: { enabled: false } } };
const gpuOnprem = { sites: { onprem: { gpu: { enabled: true } }, cloud: { enabled: false } } };

add({ name: 'name', call: 'include "kubevision.name" $ctx' });
add({ name: 'fullname', call: 'include "kubevision.fullname" $ctx', release: 'plant' });
add({ name: 'fullname-contains', call: 'include "kubevision.fullname" $ctx', release: 'kubevision-linz' });
add({ name: 'fullname-long', call: 'include "kubevision.fullname" $ctx', release: 'a'.repeat(49) });
add({ name: 'chart', call: 'include "kubevision.chart" $ctx', chartVersion: '1.2.3+build.4' });
add({ name: 'selectorLabels', call: 'include "kubevision.selectorLabels" (dict "ctx" $ctx "component" "face")' });
add({ name: 'labels', call: 'include "kubevision.labels" (dict "ctx" $ctx "component" "auth")' });
add({ name: 'registry-none', call: 'include "kubevision.registry" $ctx' });
add({ name: 'registry-rancher', call: 'include "kubevision.registry" $ctx', values: { global: { cattle: { systemDefaultRegistry: 'rancher.local' }, systemDefaultRegistry: 'other.local' } } });
add({ name: 'registry-legacy', call: 'include "kubevision.registry" $ctx', values: { global: { systemDefaultRegistry: 'other.local' } } });
add({ name: 'registry-mirror', call: 'include "kubevision.registry" $ctx', values: { global: { imageRegistry: 'mirror:5000', cattle: { systemDefaultRegistry: 'rancher.local' } } } });
add({ name: 'image', call: 'include "kubevision.image" (dict "ctx" $ctx "image" $ctx.Values.face.image "suffix" "")' });
add({ name: 'image-gpu-mirror', call: 'include "kubevision.image" (dict "ctx" $ctx "image" $ctx.Values.face.image "suffix" $ctx.Values.face.gpu.tagSuffix)', values: { global: { imageRegistry: 'mirror:5000' } } });
add({ name: 'image-tag', call: 'include "kubevision.image" (dict "ctx" $ctx "image" $ctx.Values.mongodb.image)' });
for (const [q, n] of [['500m', 'm'], ['1.5', 'f'], ['2', 'i']] as const) add({ name: `millicores-${n}`, call: `include "kubevision.millicores" "${q}"` });
for (const [q, n] of [['512Mi', 'mi'], ['2Gi', 'gi'], ['1500k', 'k'], ['1000', 'plain']] as const) add({ name: `bytes-${n}`, call: `include "kubevision.bytes" "${q}"` });
add({ name: 'mapBytes', call: 'include "kubevision.mapBytes" (dict "ab" "cde" "f" 12)' });
add({ name: 'imagePullSecrets-none', call: 'include "kubevision.imagePullSecrets" $ctx' });
add({ name: 'imagePullSecrets', call: 'include "kubevision.imagePullSecrets" $ctx', values: { global: { imagePullSecrets: ['pull', 'other'] } } });
add({ name: 'sites-any', call: 'include "kubevision.sites" (dict "ctx" $ctx "placement" "any" "gpu" false)' });
add({ name: 'sites-cloud', call: 'include "kubevision.sites" (dict "ctx" $ctx "placement" "cloud" "gpu" false)' });
add({ name: 'sites-gpu', call: 'include "kubevision.sites" (dict "ctx" $ctx "placement" "any" "gpu" true)', values: { sites: { cloud: { gpu: { enabled: true } } } } });
add({ name: 'sites-disabled', call: 'include "kubevision.sites" (dict "ctx" $ctx "placement" "any" "gpu" false)', values: onpremOnly });
add({ name: 'scheduling-onprem', call: 'include "kubevision.scheduling" (dict "ctx" $ctx "values" $ctx.Values.face "placement" "onprem" "gpu" false)' });
add({ name: 'scheduling-any', call: 'include "kubevision.scheduling" (dict "ctx" $ctx "values" $ctx.Values.face "placement" "any" "gpu" false)', values: { sites: { cloud: { taint: { enabled: false } } } } });
add({ name: 'scheduling-gpu', call: 'include "kubevision.scheduling" (dict "ctx" $ctx "values" $ctx.Values.face "placement" "onprem" "gpu" true)', values: gpuOnprem });
add({ name: 'toleration-value', call: 'include "kubevision.toleration" (dict "key" "k" "value" "v" "effect" "NoSchedule")' });
add({ name: 'toleration-exists', call: 'include "kubevision.toleration" (dict "key" "k" "value" "" "effect" "NoExecute")' });
add({ name: 'toleration-seconds', call: 'include "kubevision.toleration" (dict "key" "k" "value" "" "effect" "NoExecute" "seconds" 600)' });
add({ name: 'outage-onprem', call: 'include "kubevision.outage" (dict "ctx" $ctx "sites" (list "onprem"))' });
add({ name: 'outage-any', call: 'include "kubevision.outage" (dict "ctx" $ctx "sites" (list "onprem" "cloud"))' });
add({
  name: 'outage-any-both',
  call: 'include "kubevision.outage" (dict "ctx" $ctx "sites" (list "onprem" "cloud"))',
  values: { sites: { onprem: { outage: { tolerationSeconds: 600 } }, cloud: { outage: { keepPods: true, tolerationSeconds: 120 } } } },
});
add({ name: 'outage-none', call: 'include "kubevision.outage" (dict "ctx" $ctx "sites" (list))' });
add({ name: 'resources', call: 'include "kubevision.resources" (dict "ctx" $ctx "service" "auth" "gpu" false)', values: { auth: { resources: { limits: { cpu: '1' } } } } });
add({ name: 'resources-gpu', call: 'include "kubevision.resources" (dict "ctx" $ctx "service" "face" "gpu" true)', values: { ...gpuOnprem, face: { gpu: { count: 2 } } } });
add({ name: 'podAnnotations-none', call: 'include "kubevision.podAnnotations" (dict "ctx" $ctx "values" $ctx.Values.face "secrets" (list))' });
add({ name: 'podAnnotations', call: 'include "kubevision.podAnnotations" (dict "ctx" $ctx "values" $ctx.Values.face "secrets" (list))', values: { face: { podAnnotations: { 'example.com/a': 'b' } } } });
add({ name: 'replicas', call: 'include "kubevision.replicas" $ctx.Values.auth', values: { auth: { replicaCount: 3 } } });
add({ name: 'replicas-autoscaled', call: 'include "kubevision.replicas" $ctx.Values.auth', values: { auth: { autoscaling: { enabled: true } } } });
add({ name: 'multiReplica-one', call: 'include "kubevision.multiReplica" $ctx.Values.face' });
add({ name: 'multiReplica-two', call: 'include "kubevision.multiReplica" $ctx.Values.auth' });
add({ name: 'multiReplica-autoscaled-one', call: 'include "kubevision.multiReplica" $ctx.Values.auth', values: { auth: { autoscaling: { enabled: true, maxReplicas: 1 } } } });
add({ name: 'faceBackend-cpu', call: 'include "kubevision.faceBackend" $ctx' });
add({ name: 'faceBackend-gpu', call: 'include "kubevision.faceBackend" $ctx', values: { face: { compute: 'gpu' } } });
add({ name: 'faceGpu-disabled', call: 'include "kubevision.faceGpu" $ctx', values: { face: { enabled: false, compute: 'gpu' } } });
for (const [mode, tls] of [['always', false], ['never', true], ['auto', true], ['auto', false]] as const) {
  add({ name: `cookie-${mode}-${tls}`, call: 'include "kubevision.authCookieSecure" $ctx', values: { auth: { session: { secureCookies: mode } }, ingress: { tls: { enabled: tls } } } });
}
add({ name: 'credentialsSecret', call: 'include "kubevision.credentialsSecret" $ctx' });
add({ name: 'credentialsSecret-existing', call: 'include "kubevision.credentialsSecret" $ctx', values: { serviceCredential: { existingSecret: 'mine' } } });
add({ name: 'mongodbSecret', call: 'include "kubevision.mongodbSecret" $ctx' });
add({ name: 'mongodbSecret-existing', call: 'include "kubevision.mongodbSecret" $ctx', values: { mongodb: { auth: { existingSecret: 'db-auth' } } } });
add({ name: 'mongodbSecret-external', call: 'include "kubevision.mongodbSecret" $ctx', values: { mongodb: { mode: 'external', external: { existingSecret: 'ext' }, auth: { existingSecret: 'ignored' } } } });
add({ name: 'mongodbUriKey', call: 'include "kubevision.mongodbUriKey" $ctx' });
add({ name: 'mongodbUriKey-external', call: 'include "kubevision.mongodbUriKey" $ctx', values: { mongodb: { mode: 'external', external: { uriKey: 'url' } } } });
add({ name: 'stableSecret', call: 'include "kubevision.stableSecret" (dict "ctx" $ctx "secret" "s" "key" "k" "length" 48)' });
add({ name: 'credentialsData', call: 'include "kubevision.credentialsData" $ctx' });
add({ name: 'adminData', call: 'include "kubevision.adminData" $ctx' });
add({ name: 'adminSecret', call: 'include "kubevision.adminSecret" $ctx' });
const generates = (secret: string, suffix: string, values?: Record<string, unknown>) =>
  add({ name: `generatesSecret-${secret}-${suffix}`, call: `include "kubevision.generatesSecret" (dict "ctx" $ctx "secret" "${secret}")`, values });
generates('credentials', 'default');
generates('credentials', 'existing', { serviceCredential: { existingSecret: 'mine' } });
generates('credentials', 'unread', { auth: { enabled: false }, face: { enabled: false } });
generates('credentials', 'face-only', { auth: { enabled: false } });
generates('mongodb', 'default');
generates('mongodb', 'existing', { mongodb: { auth: { existingSecret: 'db-auth' } } });
generates('mongodb', 'external', { mongodb: { mode: 'external', external: { existingSecret: 'ext' } } });
generates('admin', 'default');
generates('admin', 'no-auth', { auth: { enabled: false } });
add({ name: 'secretChecksum-existing', call: 'include "kubevision.secretChecksum" (dict "ctx" $ctx "secret" "credentials")', values: { serviceCredential: { existingSecret: 'mine' } } });
add({ name: 'mongodbData', call: 'include "kubevision.mongodbData" $ctx' });
add({ name: 'ingressAnnotations-none', call: 'include "kubevision.ingressAnnotations" $ctx' });
add({
  name: 'ingressAnnotations-certManager',
  call: 'include "kubevision.ingressAnnotations" $ctx',
  values: { ingress: { annotations: { 'example.com/x': 'y' }, tls: { enabled: true, mode: 'certManager', clusterIssuer: 'letsencrypt' } } },
});
add({ name: 'ingressTls-off', call: 'include "kubevision.ingressTls" $ctx' });
add({ name: 'ingressTls', call: 'include "kubevision.ingressTls" $ctx', values: { ingress: { host: 'kv.example.com', tls: { enabled: true } } } });
add({ name: 'storageClass-none', call: 'include "kubevision.storageClass" $ctx' });
add({ name: 'storageClass', call: 'include "kubevision.storageClass" $ctx', values: { global: { storageClass: 'fast' } } });
add({ name: 'ingressHost-none', call: 'include "kubevision.ingressHost" $ctx' });
add({ name: 'ingressHost', call: 'include "kubevision.ingressHost" $ctx', values: { ingress: { host: 'kv.example.com' } } });
add({ name: 'releaseProblems-none', call: 'include "kubevision.releaseProblems" $ctx' });
add({ name: 'releaseProblems-both', call: 'include "kubevision.releaseProblems" $ctx', release: `9${'x'.repeat(40)}` });
add({ name: 'releaseProblems-external', call: 'include "kubevision.releaseProblems" $ctx', release: 'x'.repeat(40), values: { mongodb: { mode: 'external' } } });
add({ name: 'contract', call: 'include "kubevision.contract" $ctx' });

/** One template per case; the values go in as JSON in a raw string, which JSON never ends. */
function caseTemplate(c: Case, defaults: Record<string, unknown>): string {
  const values = JSON.stringify(coalesce(defaults, c.values ?? {}));
  const release = `(dict "Name" ${JSON.stringify(c.release ?? 'kv')} "Namespace" "plant-ns" "Service" "Helm")`;
  const chart = `(dict "Name" "kubevision" "Version" ${JSON.stringify(c.chartVersion ?? '1.2.3')} "AppVersion" "0.9.0")`;
  return [
    `{{- $ctx := dict "Values" (fromJson \`${values}\`) "Release" ${release} "Chart" ${chart} }}`,
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${c.name}`,
    'data:',
    `  out: {{ ${c.call} | toJson }}`,
    '',
  ].join('\n');
}

const temp = tempDirs();

beforeAll(async () => {
  const dir = temp('helpers-chart');
  mkdirSync(path.join(dir, 'templates'));
  writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: helpers\nversion: 0.0.1\n');
  writeFileSync(path.join(dir, 'templates/_helpers.tpl'), helpersTpl());
  writeFileSync(path.join(dir, 'templates/_contract.tpl'), contractTpl());
  writeFileSync(path.join(dir, 'templates/_placement.tpl'), placementTpl());
  const defaults = YAML.parse(readFileSync(path.join(genericChartDir(), 'values.yaml'), 'utf8')) as Record<string, unknown>;
  cases.forEach((c, i) => writeFileSync(path.join(dir, `templates/case-${String(i).padStart(3, '0')}.yaml`), caseTemplate(c, defaults)));
  const rendered = await helmOk(['template', 'helpers', dir]);
  for (const doc of YAML.parseAllDocuments(rendered)) {
    const cm = doc.toJS() as { metadata: { name: string }; data: { out: string } } | null;
    if (cm) out.set(cm.metadata.name, cm.data.out);
  }
  expect(out.size).toBe(cases.length);
}, 120_000);

describe('the chart helpers (src/chart/_helpers.tpl, src/placement/_placement.tpl), rendered by helm', () => {
  it('ship in every chart as written', () => {
    expect(readFileSync(path.join(genericChartDir(), 'templates/_helpers.tpl'), 'utf8')).toBe(helpersTpl());
    expect(readFileSync(path.join(genericChartDir(), 'templates/_contract.tpl'), 'utf8')).toBe(contractTpl());
    expect(readFileSync(path.join(genericChartDir(), 'templates/_placement.tpl'), 'utf8')).toBe(placementTpl());
    expect(helpersTpl()).not.toMatch(/\(list \.|index \. [0-9]/);
  });

  it('the constructs can call exactly the helpers the chart defines (src/chart/go.ts HELPERS)', () => {
    const defined = [...(helpersTpl() + placementTpl() + contractTpl()).matchAll(/define "kubevision\.(\w+)"/g)].map((m) => m[1]).sort();
    expect([...HELPERS].sort()).toEqual(defined);
  });

  it('the contract reaches the templates as the services define it', () => {
    expect(JSON.parse(of('contract'))).toEqual(chartContract);
  });

  it('name and fullname: fixed name, release-scoped prefix within 50 characters', () => {
    expect(of('name')).toBe('kubevision');
    expect(of('fullname')).toBe('plant-kubevision');
    expect(of('fullname-contains')).toBe('kubevision-linz');
    // "<49 a>-kubevision" cut at 50 ends in "-", which goes.
    expect(of('fullname-long')).toBe('a'.repeat(49));
    expect(of('chart')).toBe('kubevision-1.2.3_build.4');
  });

  it('labels: selector labels, then version, part-of, managed-by and chart', () => {
    expect(YAML.parse(of('selectorLabels'))).toEqual({ 'app.kubernetes.io/name': 'kubevision', 'app.kubernetes.io/instance': 'kv', 'app.kubernetes.io/component': 'face' });
    expect(YAML.parse(of('labels'))).toEqual({
      'app.kubernetes.io/name': 'kubevision',
      'app.kubernetes.io/instance': 'kv',
      'app.kubernetes.io/component': 'auth',
      'app.kubernetes.io/version': '0.9.0',
      'app.kubernetes.io/part-of': 'kubevision',
      'app.kubernetes.io/managed-by': 'Helm',
      'helm.sh/chart': 'kubevision-1.2.3',
    });
  });

  it('registry and image: the mirror over Rancher\'s system default registry, the app version as default tag, the GPU suffix', () => {
    expect(of('registry-none')).toBe('');
    expect(of('registry-rancher')).toBe('rancher.local');
    expect(of('registry-legacy')).toBe('other.local');
    expect(of('registry-mirror')).toBe('mirror:5000');
    expect(of('image')).toBe('kubevision/face:0.9.0');
    expect(of('image-gpu-mirror')).toBe('mirror:5000/kubevision/face:0.9.0-gpu');
    expect(of('image-tag')).toBe('library/mongo:7.0.14');
  });

  it('quantities as numbers, as src/params/quantity.ts reads them', () => {
    expect([of('millicores-m'), of('millicores-f'), of('millicores-i')]).toEqual(['500', '1500', '2000']);
    expect([of('bytes-mi'), of('bytes-gi'), of('bytes-k'), of('bytes-plain')]).toEqual([String(512 * 2 ** 20), String(2 * 2 ** 30), '1500000', '1000']);
    expect(of('mapBytes')).toBe(String('ab'.length + 'cde'.length + 'f'.length + '12'.length));
  });

  it('imagePullSecrets: nothing, or a list of names', () => {
    expect(of('imagePullSecrets-none')).toBe('');
    expect(YAML.parse(of('imagePullSecrets'))).toEqual({ imagePullSecrets: [{ name: 'pull' }, { name: 'other' }] });
  });

  it('sites: the named site or every enabled one, GPU sites only for GPU work', () => {
    expect(JSON.parse(of('sites-any'))).toEqual(['onprem', 'cloud']);
    expect(JSON.parse(of('sites-cloud'))).toEqual(['cloud']);
    expect(JSON.parse(of('sites-gpu'))).toEqual(['cloud']);
    expect(JSON.parse(of('sites-disabled'))).toEqual(['onprem']);
  });

  it('scheduling: required affinity to the site label, tolerations for its taints, the GPU label, taint and runtime class', () => {
    const term = (key: string, value: string) => ({ key, operator: 'In', values: [value] });
    const siteLabel = 'kubevision.io/site';
    // On-premise pods stay through a link outage (sites.onprem.outage): test/chart/outage.test.ts.
    const outage = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute' }));
    expect(YAML.parse(of('scheduling-onprem'))).toEqual({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [term(siteLabel, 'onprem')] }] } } },
      tolerations: [{ key: siteLabel, operator: 'Equal', value: 'onprem', effect: 'NoSchedule' }, ...outage],
    });
    // Either site: one term each (ORed), and only the tainted site's toleration; the cloud
    // keeps Kubernetes' eviction, so a pod that may run there does too.
    expect(YAML.parse(of('scheduling-any'))).toEqual({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [term(siteLabel, 'onprem')] }, { matchExpressions: [term(siteLabel, 'cloud')] }],
          },
        },
      },
      tolerations: [{ key: siteLabel, operator: 'Equal', value: 'onprem', effect: 'NoSchedule' }],
    });
    expect(YAML.parse(of('scheduling-gpu'))).toEqual({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [term(siteLabel, 'onprem'), term('nvidia.com/gpu.present', 'true')] }] },
        },
      },
      tolerations: [
        { key: siteLabel, operator: 'Equal', value: 'onprem', effect: 'NoSchedule' },
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ...outage,
      ],
      runtimeClassName: 'nvidia',
    });
    expect(YAML.parse(of('toleration-value'))).toEqual({ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' });
    expect(YAML.parse(of('toleration-exists'))).toEqual({ key: 'k', operator: 'Exists', effect: 'NoExecute' });
    expect(YAML.parse(of('toleration-seconds'))).toEqual({ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 600 });
    expect(JSON.parse(of('outage-onprem'))).toEqual({ keepPods: true, seconds: 0 });
    expect(JSON.parse(of('outage-any'))).toEqual({ keepPods: false, seconds: 0 });
    expect(JSON.parse(of('outage-any-both'))).toEqual({ keepPods: true, seconds: 120 });
    expect(JSON.parse(of('outage-none'))).toEqual({ keepPods: false, seconds: 0 });
  });

  it('resources: requests, the memory limit, a CPU limit only when set, and GPUs by the site\'s resource name', () => {
    expect(YAML.parse(of('resources'))).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(YAML.parse(of('resources-gpu'))).toEqual({ requests: { cpu: '1', memory: '768Mi' }, limits: { memory: '2Gi', 'nvidia.com/gpu': 2 } });
  });

  it('replicas and disruption budgets: no replicas under an autoscaler, a budget only where two pods can run', () => {
    expect(YAML.parse(of('podAnnotations'))).toEqual({ annotations: { 'example.com/a': 'b' } });
    expect(of('podAnnotations-none')).toBe('');
    expect(of('replicas')).toBe('replicas: 3');
    expect(of('replicas-autoscaled')).toBe('');
    expect([of('multiReplica-one'), of('multiReplica-two'), of('multiReplica-autoscaled-one')]).toEqual(['', 'true', '']);
  });

  it('the face backend follows face.compute, and a disabled face service is never GPU', () => {
    expect(of('faceBackend-cpu')).toBe(chartContract.faceBackend.cpu);
    expect(of('faceBackend-gpu')).toBe(chartContract.faceBackend.gpu);
    expect(of('faceGpu-disabled')).toBe('');
  });

  it('secure cookies: always, never, or auto following the chart\'s own Ingress TLS', () => {
    expect([of('cookie-always-false'), of('cookie-never-true'), of('cookie-auto-true'), of('cookie-auto-false')]).toEqual(['true', 'false', 'true', 'false']);
  });

  it('Secret names and keys: generated ones by the release, existing ones as given, external MongoDB by its own key', () => {
    expect(of('credentialsSecret')).toBe('kv-kubevision-credentials');
    expect(of('credentialsSecret-existing')).toBe('mine');
    expect(of('mongodbSecret')).toBe('kv-kubevision-mongodb');
    expect(of('mongodbSecret-existing')).toBe('db-auth');
    expect(of('mongodbSecret-external')).toBe('ext');
    expect(of('mongodbUriKey')).toBe(chartContract.secretKeys.mongodbUri);
    expect(of('mongodbUriKey-external')).toBe('url');
    expect(of('adminSecret')).toBe('kv-kubevision-admin');
  });

  it('which Secrets the release makes: the plant\'s own or an external database\'s never, none that nothing reads', () => {
    const made = (secret: string, suffix: string) => of(`generatesSecret-${secret}-${suffix}`) === 'true';
    expect(made('credentials', 'default')).toBe(true);
    expect(made('credentials', 'existing')).toBe(false);
    expect(made('credentials', 'unread')).toBe(false);
    expect(made('credentials', 'face-only')).toBe(true);
    expect(made('mongodb', 'default')).toBe(true);
    expect(made('mongodb', 'existing')).toBe(false);
    expect(made('mongodb', 'external')).toBe(false);
    expect(made('admin', 'default')).toBe(true);
    expect(made('admin', 'no-auth')).toBe(false);
    // The plant's own Secret is checksummed from the cluster; with none to ask, nothing.
    expect(of('secretChecksum-existing')).toBe('');
  });

  it('generated Secret data: random values of the stated length (no cluster to reuse them from), the URI pointing at the StatefulSet\'s first pod', () => {
    const decoded = (b64: string) => Buffer.from(b64, 'base64').toString();
    expect(decoded(of('stableSecret'))).toMatch(/^[A-Za-z0-9]{48}$/);
    const credentials = YAML.parse(of('credentialsData')) as Record<string, string>;
    expect(Object.keys(credentials)).toEqual([chartContract.secretKeys.faceServiceToken]);
    expect(decoded(credentials[chartContract.secretKeys.faceServiceToken]!)).toMatch(/^[A-Za-z0-9]{48}$/);
    const admin = YAML.parse(of('adminData')) as Record<string, string>;
    expect(decoded(admin[chartContract.secretKeys.adminBootstrapToken]!)).toMatch(/^[A-Za-z0-9]{32}$/);
    const db = YAML.parse(of('mongodbData')) as Record<string, string>;
    const password = decoded(db[chartContract.secretKeys.mongodbRootPassword]!);
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(decoded(db[chartContract.secretKeys.mongodbUri]!)).toBe(
      `mongodb://root:${password}@kv-kubevision-mongodb-0.kv-kubevision-mongodb.plant-ns.svc:${chartContract.mongodbPort}/kubevision?authSource=admin`,
    );
  });

  it('Ingress parts: annotations with cert-manager\'s issuer, TLS with a default Secret name, host, storage class', () => {
    expect(of('ingressAnnotations-none')).toBe('');
    expect(YAML.parse(of('ingressAnnotations-certManager'))).toEqual({ annotations: { 'example.com/x': 'y', 'cert-manager.io/cluster-issuer': 'letsencrypt' } });
    expect(of('ingressTls-off')).toBe('');
    expect(YAML.parse(of('ingressTls'))).toEqual({ tls: [{ hosts: ['kv.example.com'], secretName: 'kv-kubevision-tls' }] });
    expect(of('storageClass-none')).toBe('');
    expect(YAML.parse(of('storageClass'))).toEqual({ storageClassName: 'fast' });
    expect(of('ingressHost-none')).toBe('');
    expect(YAML.parse(of('ingressHost'))).toEqual({ host: 'kv.example.com' });
  });

  it('release problems: none for a plain name; a bad and too long name gives both; an external database lifts the length limit', () => {
    expect(JSON.parse(of('releaseProblems-none'))).toEqual([]);
    const both = JSON.parse(of('releaseProblems-both')) as string[];
    expect(both).toHaveLength(2);
    expect(both[0]).toContain('Kubernetes requires Service names to start with a letter');
    expect(both[1]).toContain('use a release name of at most 33 characters (44 if it contains kubevision)');
    expect(JSON.parse(of('releaseProblems-external'))).toEqual([]);
  });
});
