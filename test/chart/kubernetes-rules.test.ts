import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/plan/render.ts';
import { apiServerProblems } from '../support/k8s-validation.ts';
import { genericChartDir, helm, plantChartDir, plantIds, template, writeYaml } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * The chart's formats and rules (src/params/patterns.ts, rules.ts) against the API server's
 * own checks (test/support/k8s-validation.ts): what the schema accepts renders objects the
 * API server accepts, even at every length limit; and each value the schema refuses would,
 * rendered anyway, be refused by the API server.
 */
const tempDir = tempDirs();
const valuesFile = (values: unknown) => {
  const file = path.join(tempDir('values'), 'values.yaml');
  writeYaml(file, values);
  return file;
};

/** A DNS subdomain of exactly `n` characters, in labels of at most 63. */
function subdomain(n: number, c = 'a'): string {
  const labels: string[] = [];
  let left = n;
  while (left > 0) {
    const len = Math.min(63, left === 64 ? 62 : left);
    labels.push(c.repeat(len));
    left -= len + 1;
  }
  return labels.join('.');
}
const name63 = (c: string) => `${c}${'-'.repeat(61)}${c}`;

/** Every value at the longest or largest the schema allows. */
const maximal = {
  global: { imagePullSecrets: [subdomain(253, 'p')], storageClass: subdomain(253, 's') },
  sites: {
    onprem: {
      nodeLabel: { key: `${subdomain(253, 'k')}/${name63('n')}`, value: name63('v') },
      taint: { key: `${subdomain(253, 't')}/${name63('x')}`, value: name63('w') },
      gpu: { enabled: true, resourceName: `${subdomain(244, 'r')}/${name63('g')}`, runtimeClassName: subdomain(253, 'c'), nodeLabel: { value: name63('g') } },
    },
  },
  face: {
    compute: 'gpu',
    resources: { requests: { cpu: '2', memory: '2Gi' }, limits: { cpu: '2000m', memory: '2048Mi' } },
    podAnnotations: { [`${subdomain(253, 'a')}/${name63('b')}`]: 'v'.repeat(256 * 1024 - 253 - 1 - 63) },
  },
  auth: { autoscaling: { enabled: true, minReplicas: 50, maxReplicas: 50 } },
  mongodb: { auth: { existingSecret: subdomain(253, 'm') }, persistence: { size: '1Mi' } },
  ingress: {
    className: subdomain(253, 'i'),
    host: `${subdomain(249, 'h')}.com`,
    tls: { enabled: true, secretName: subdomain(253, 'z') },
  },
  serviceCredential: { existingSecret: subdomain(253, 'q') },
};

describe('what the chart renders, the API server accepts', () => {
  it.each([['generic', genericChartDir()], ...plantIds().map((id) => [id, plantChartDir(id)])])('%s at its defaults', async (_name, chart) => {
    const objs = await template(chart!);
    expect(objs.length).toBeGreaterThan(10);
    expect(objs.flatMap(apiServerProblems)).toEqual([]);
  });

  it('with every value at its longest or largest, and the longest release name the bundled MongoDB allows', async () => {
    const release = `kubevision-${'a'.repeat(33)}`;
    const r = await helm(['template', release, genericChartDir(), '--namespace', 'kubevision', '-f', valuesFile(maximal)]);
    expect(r.code, r.stderr).toBe(0);
    const objs = parseManifests(r.stdout);
    expect(objs.find((o) => o.kind === 'StatefulSet')?.metadata.name).toHaveLength(52);
    expect(objs.flatMap(apiServerProblems)).toEqual([]);
  });
});

/** One value over a limit: the chart refuses it, and the API server would refuse what it renders. */
const refused: [string, Record<string, unknown>][] = [
  ['a label value of 64 characters', { sites: { onprem: { nodeLabel: { value: 'v'.repeat(64) } } } }],
  ['a label key name of 64 characters', { sites: { onprem: { nodeLabel: { key: `example.com/${'n'.repeat(64)}` } } } }],
  ['a label key prefix of 254 characters', { sites: { onprem: { nodeLabel: { key: `${subdomain(254)}/site` } } } }],
  ['a taint value with a space', { sites: { onprem: { taint: { value: 'on prem' } } } }],
  ['an annotation key with a space', { frontend: { podAnnotations: { 'team lead': 'alice' } } }],
  ['an IP address as the host', { ingress: { host: '10.0.0.1' } }],
  ['a Secret name of 254 characters', { serviceCredential: { existingSecret: subdomain(254) } }],
  ['a Secret key starting with ..', { mongodb: { mode: 'external', external: { existingSecret: 'db', uriKey: '..data' } } }],
  ['a GPU resource in kubernetes.io', { sites: { onprem: { gpu: { enabled: true, resourceName: 'kubernetes.io/gpu' } } }, face: { compute: 'gpu' } }],
  ['an empty volume', { mongodb: { persistence: { size: '0Gi' } } }],
  ['a RuntimeClass name with capitals', { sites: { onprem: { gpu: { enabled: true, runtimeClassName: 'NVIDIA' } } }, face: { compute: 'gpu' } }],
];

describe.each(refused)('%s', (_what, values) => {
  it('fails the schema, and would fail the API server if rendered anyway', async () => {
    const file = valuesFile(values);
    const checked = await helm(['template', 'kv', genericChartDir(), '--namespace', 'kubevision', '-f', file]);
    expect(checked.code).not.toBe(0);
    expect(checked.stderr).toContain("values don't meet the specifications of the schema");
    const unchecked = await helm(['template', 'kv', genericChartDir(), '--namespace', 'kubevision', '-f', file, '--skip-schema-validation']);
    expect(unchecked.code, unchecked.stderr).toBe(0);
    expect(parseManifests(unchecked.stdout).flatMap(apiServerProblems)).not.toEqual([]);
  });
});

describe('release names', () => {
  const render = (release: string, ...args: string[]) => helm(['template', release, genericChartDir(), '--namespace', 'kubevision', ...args]);

  it('that would give Services an invalid name fail, saying why', async () => {
    for (const release of ['1plant', 'plant.eu']) {
      const r = await render(release);
      expect(r.code, release).not.toBe(0);
      expect(r.stderr).toContain('Kubernetes requires Service names to start with a letter');
    }
  });

  it('and values that break rules fail in one message that lists every problem, one per line', async () => {
    const r = await render(`9${'x'.repeat(40)}`, '--set', 'timeouts.faceSeconds=30', '--set', 'timeouts.passwordQueueSeconds=30');
    expect(r.code).not.toBe(0);
    const message = r.stderr.slice(r.stderr.indexOf('this release cannot be installed:'));
    const problems = message.split('\n').filter((l) => l.startsWith('- '));
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain('Kubernetes requires Service names to start with a letter');
    expect(problems[1]).toContain('too long for the bundled MongoDB');
    expect(problems[2]).toContain('timeouts.faceSeconds must be less than timeouts.gatewaySeconds');
    expect(problems[3]).toContain('timeouts.passwordQueueSeconds must be less than timeouts.gatewaySeconds');
  });

  it('too long for the bundled MongoDB fail, saying how long they may be; with an external database they render', async () => {
    const long = 'x'.repeat(34);
    const r = await render(long);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('use a release name of at most 33 characters (44 if it contains kubevision)');
    const external = await render(long, '--set', 'mongodb.mode=external', '--set', 'mongodb.external.existingSecret=db');
    expect(external.code, external.stderr).toBe(0);
    expect(parseManifests(external.stdout).flatMap(apiServerProblems)).toEqual([]);
  });
});
