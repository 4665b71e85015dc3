import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { chartChanges, groupedChanges, publishedChanges, renderChanges } from '../../src/catalog/changes.ts';

const chartYaml = (o: { version: string; appVersion?: string; images?: string; description?: string }) =>
  YAML.stringify({
    apiVersion: 'v2',
    name: 'demo',
    version: o.version,
    appVersion: o.appVersion ?? '0.1.0',
    description: o.description ?? 'Demo',
    annotations: { 'artifacthub.io/images': o.images ?? '- name: face\n  image: kubevision/face:0.1.0\n' },
  });

const chart = (chart: Parameters<typeof chartYaml>[0], values: unknown, more: Record<string, string> = {}) =>
  new Map<string, string>([['Chart.yaml', chartYaml(chart)], ['values.yaml', YAML.stringify(values)], ...Object.entries(more)]);

// Artifact Hub's structured form (artifacthub/hub docs/helm_annotations.md): a YAML list of kind and description.
const KINDS = ['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'];

describe('the changes of a new chart version', () => {
  it('name each value added, removed or given another default, by its path', () => {
    const before = chart({ version: '0.1.0' }, { face: { replicaCount: 1, threshold: 0.6 }, auth: { mode: 'local' } });
    const after = chart({ version: '0.1.1' }, { face: { replicaCount: 2, threshold: 0.6, gpu: { enabled: false } } });
    expect(chartChanges(before, after)).toEqual([
      { kind: 'changed', description: 'Default of face.replicaCount: 1 to 2' },
      { kind: 'added', description: 'Value face.gpu.enabled (default false)' },
      { kind: 'removed', description: 'Value auth.mode' },
    ]);
  });

  it('name templates, images, the application version and other files, and ignore the version itself', () => {
    const before = chart({ version: '0.1.0' }, { a: 1 }, { 'templates/face.yaml': 'x', 'templates/old.yaml': 'y', 'README.md': 'r' });
    const after = chart(
      { version: '0.1.1', appVersion: '0.2.0', images: '- name: face\n  image: kubevision/face:0.2.0\n- name: auth\n  image: kubevision/auth:0.2.0\n', description: 'Demo chart' },
      { a: 1 },
      { 'templates/face.yaml': 'x2', 'templates/new.yaml': 'z', 'README.md': 'r2', 'questions.yaml': 'q' },
    );
    expect(chartChanges(before, after)).toEqual([
      { kind: 'changed', description: 'Application version 0.1.0 to 0.2.0' },
      { kind: 'changed', description: 'Image of face: kubevision/face:0.1.0 to kubevision/face:0.2.0' },
      { kind: 'added', description: 'Image kubevision/auth:0.2.0 (auth)' },
      { kind: 'changed', description: 'Chart metadata: description' },
      { kind: 'changed', description: 'Template templates/face.yaml' },
      { kind: 'added', description: 'Template templates/new.yaml' },
      { kind: 'removed', description: 'Template templates/old.yaml' },
      { kind: 'changed', description: 'Updated README.md, questions.yaml' },
    ]);
  });

  it('are an annotation Artifact Hub reads, and read back from a published Chart.yaml', () => {
    const changes = chartChanges(chart({ version: '0.1.0' }, { a: 'x: "quoted"' }), chart({ version: '0.1.1' }, { a: 'y: {{ braces }}' }));
    const value = renderChanges(changes);
    const parsed = YAML.parse(value) as { kind: string; description: string }[];
    expect(parsed).toEqual([{ kind: 'changed', description: 'Default of a: "x: \\"quoted\\"" to "y: {{ braces }}"' }]);
    for (const c of parsed) expect(KINDS).toContain(c.kind);
    const published = YAML.stringify({ name: 'demo', annotations: { 'artifacthub.io/changes': value } });
    expect(publishedChanges(published)).toBe(value);
    expect(publishedChanges('name: demo\n')).toBeUndefined();
  });

  it('said shorter for a terminal: one value of each workload is one line, templates of one kind share one; nothing is dropped', () => {
    const before = chart({ version: '0.1.0' }, { global: { k: 1 }, auth: { a: 1 }, face: { k: 1 } }, { 'templates/a.yaml': 'a: 1\n', 'templates/b.yaml': 'b: 1\n' });
    const after = chart(
      { version: '0.1.1' },
      { global: { k: 1, extra: [] }, auth: { extra: [], a: 2 }, face: { k: 1, extra: {} } },
      { 'templates/a.yaml': 'a: 2\n', 'templates/b.yaml': 'b: 2\n', 'templates/c.yaml': 'c\n' },
    );
    const changes = chartChanges(before, after);
    expect(changes).toHaveLength(7);
    expect(groupedChanges(changes)).toEqual([
      { kind: 'added', description: 'Value extra (default []) of global, auth' },
      { kind: 'changed', description: 'Default of auth.a: 1 to 2' },
      { kind: 'added', description: 'Value face.extra (default {})' },
      { kind: 'changed', description: 'Templates templates/a.yaml, templates/b.yaml' },
      { kind: 'added', description: 'Template templates/c.yaml' },
    ]);
  });
});
