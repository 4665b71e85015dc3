import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { helmObject, only, typed } from '../../src/chart/constructs/objects.ts';
import type { Go } from '../../src/chart/go.ts';
import { Templater } from '../../src/chart/template.ts';
import { helmOk } from '../../src/helm/run.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * The template layer: what constructs put into objects comes out of real `helm template`
 * as the YAML a reader and the API server expect. Each case's template is rendered by
 * helm (the consumer that reads it) and parsed back, never compared as our own text only.
 */
const temp = tempDirs();
/** These cases render charts of their own, with values the KubeVision builders do not know. */
const raw = (text: string) => text as Go;

async function helmRender(templates: Record<string, string>, values: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const dir = path.join(temp('kv-template-'), 'chart');
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: t\nversion: 0.0.1\n');
  writeFileSync(path.join(dir, 'values.yaml'), YAML.stringify(values));
  for (const [name, text] of Object.entries(templates)) writeFileSync(path.join(dir, 'templates', name), text);
  const out = await helmOk(['template', 'rel', dir]);
  return YAML.parseAllDocuments(out).map((d) => d.toJS() as Record<string, unknown>).filter(Boolean);
}

function configMap(t: Templater, data: Record<string, string>): string {
  const chart = new Chart(new App(), 'c');
  const cm = new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm' }, data });
  return t.render(cm.toJson());
}

describe('values inside text', () => {
  it('literal text that YAML or Go templates would misread comes back as written', async () => {
    const t = new Templater();
    const tricky = {
      braces: 'a {{ .Values.secret }} b',
      yes: 'yes',
      quote: 'say "hi" \\ back',
      colon: 'key: value',
      hash: 'x #y',
      number: '010',
      empty: '',
      multiline: 'one\ntwo {{ x }}',
    };
    const [cm] = await helmRender({ 'cm.yaml': configMap(t, tricky) });
    expect(cm!.data).toEqual(tricky);
  });

  it('install-time values fill whole scalars, names inside text and number fields', async () => {
    const t = new Templater();
    const chart = new Chart(new App(), 'c');
    const deployment = new k8s.KubeDeployment(chart, 'd', {
      metadata: { name: `${t.value(raw('.Release.Name'))}-face`, namespace: t.value(raw('.Release.Namespace')) },
      spec: {
        replicas: t.int(raw('.Values.replicas')),
        selector: { matchLabels: { app: 'x' } },
        template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: t.value(raw('.Values.image | quote')) }] } },
      },
    });
    const [d] = await helmRender({ 'd.yaml': t.render(deployment.toJson()) }, { replicas: 3, image: 'reg:5000/a:b "c"' });
    expect(d).toMatchObject({ metadata: { name: 'rel-face', namespace: 'default' }, spec: { replicas: 3, template: { spec: { containers: [{ image: 'reg:5000/a:b "c"' }] } } } });
  });

  it('a number placeholder is a number for TypeScript and a template action in the chart', () => {
    const t = new Templater();
    const n = t.int(raw('.Values.n'));
    expect(typeof n).toBe('number');
    expect(Number.isSafeInteger(n)).toBe(true);
    const chart = new Chart(new App(), 'c');
    const hpa = new k8s.KubeHorizontalPodAutoscalerV2(chart, 'h', { spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, minReplicas: n, maxReplicas: 5 } });
    const text = t.render(hpa.toJson());
    expect(text).toMatch(/^ {2}minReplicas: \{\{ \.Values\.n \}\}$/m);
    expect(text).toMatch(/^ {2}maxReplicas: 5$/m);
    expect(text).not.toContain(String(n));
  });
});

describe('blocks and splices', () => {
  const tpl = (name: string, body: string) => `{{- define "${name}" -}}\n${body}\n{{- end }}\n`;
  const helpers = [
    tpl('t.annotations', '{{- with .Values.annotations }}\nannotations:\n  {{- toYaml . | nindent 2 }}\n{{- end }}'),
    tpl('t.data', 'a: "1"\nb: "2"'),
    tpl('t.host', '{{- with .Values.host }}\nhost: {{ . | quote }}\n{{- end }}'),
  ].join('');

  function ingress(t: Templater): string {
    const chart = new Chart(new App(), 'c');
    const spec = typed(k8s.toJson_IngressSpec, { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] });
    const ing = helmObject(
      chart,
      'i',
      k8s.KubeIngress.GVK,
      { name: 'i', labels: t.splice(raw('include "t.labels" .')), ...t.splice(raw('include "t.annotations" .'), 'annotations') },
      { spec: { ...spec, rules: [{ ...only(spec, 'rules'), ...t.splice(raw('include "t.host" .'), 'host') }] } },
    );
    return t.render(ing.toJson());
  }
  const labels = tpl('t.labels', 'app: x');

  it.each([
    ['render their keys where the keys belong', { annotations: { a: 'b' }, host: 'kv.example.com' }],
    ['leave valid YAML when they render nothing', {}],
  ])('%s', async (_, values) => {
    const t = new Templater();
    const text = ingress(t);
    const [ing] = await helmRender({ '_h.tpl': helpers + labels, 'i.yaml': text }, values);
    expect(ing).toMatchObject({ metadata: { name: 'i', labels: { app: 'x' } } });
    expect((ing!.metadata as Record<string, unknown>).annotations).toEqual((values as { annotations?: unknown }).annotations);
    const rule = (ing!.spec as { rules: Record<string, unknown>[] }).rules[0]!;
    expect(rule.host).toBe((values as { host?: string }).host);
    expect(rule.http).toBeDefined();
  });

  it('a block fills the whole value of its key at any depth', async () => {
    const t = new Templater();
    const cm0 = helmObject(new Chart(new App(), 'c'), 'cm', k8s.KubeConfigMap.GVK, { name: 'cm' }, { data: t.block(raw('include "t.data" .')) });
    const text = t.render(cm0.toJson());
    expect(text).toMatch(/^data: \{\{- include "t\.data" \. \| nindent 2 \}\}$/m);
    const [cm] = await helmRender({ '_h.tpl': helpers, 'cm.yaml': text });
    expect(cm!.data).toEqual({ a: '1', b: '2' });
  });

  it('a block or splice placeholder anywhere but a whole value or key is refused, naming where', () => {
    const t = new Templater();
    const chart = new Chart(new App(), 'c');
    const cm = new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm' }, data: { x: `a-${Object.keys(t.splice(raw('x')))[0]}` } });
    expect(() => t.render(cm.toJson())).toThrow('$.data.x: a block or splice placeholder must be a whole value or key');
  });
});

describe("Kubernetes' field order", () => {
  const keys = (text: string, indent: number) =>
    [...text.matchAll(new RegExp(`^ {${indent}}(?:- )?([A-Za-z]+):`, 'gm'))].map((m) => m[1]);

  it('identity first, the pod before its containers, a container image first and its security last', () => {
    const t = new Templater();
    const chart = new Chart(new App(), 'c');
    const spec = typed(k8s.toJson_DeploymentSpec, {
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: {
          securityContext: { runAsNonRoot: true },
          serviceAccountName: 'sa',
          volumes: [{ name: 'tmp', emptyDir: {} }],
          containers: [{ securityContext: { privileged: false }, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }], resources: {}, env: [{ name: 'A', value: '1' }], image: 'i', name: 'c' }],
        },
      },
    });
    const d = helmObject(chart, 'd', k8s.KubeDeployment.GVK, { name: 'd', labels: { z: '1', a: '2' }, annotations: { k: 'v' } }, { spec: { ...spec, ...t.splice(raw('include "replicas" .'), 'replicas') } });
    const text = t.render(d.toJson());
    expect(keys(text, 0)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(keys(text, 2)).toEqual(['name', 'labels', 'annotations', 'selector', 'template']);
    expect(text.indexOf('include "replicas"')).toBeLessThan(text.indexOf('selector:'));
    expect(keys(text.slice(text.indexOf('\n    spec:')), 6)).toEqual(['serviceAccountName', 'securityContext', 'containers', 'volumes']);
    const container = text.slice(text.indexOf('containers:'), text.indexOf('\n      volumes:'));
    expect(container).toMatch(/^ {8}- name: c\n {10}image: i\n/m);
    expect(keys(container, 10)).toEqual(['image', 'env', 'resources', 'volumeMounts', 'securityContext']);
    // Keys nobody orders (labels, data) keep alphabetical order, as before.
    expect(text).toMatch(/labels:\n {4}a: "2"\n {4}z: "1"/);
  });
});
