import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.ts';
import { helm, template } from '../support/plants.ts';

it('strings that YAML 1.1 would read as booleans or numbers reach helm as strings', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'kv-yaml11-'));
  const values = mkdtempSync(path.join(tmpdir(), 'kv-yaml11-values-'));
  writeFileSync(
    path.join(values, 'quirks.yaml'),
    [
      'plant:',
      '  displayName: "on"',
      'values:',
      '  sites:',
      '    onprem:',
      '      nodeLabel:',
      '        value: "yes"',
      '  face:',
      '    image:',
      '      tag: "1_000"',
      '    replicaCount: 010',
    ].join('\n'),
  );
  await build({ projectRoot: root, valuesDir: values });
  const chart = path.join(root, 'charts', 'kubevision-quirks');
  const lint = await helm(['lint', '--strict', chart]);
  expect(lint.code, lint.stdout + lint.stderr).toBe(0);
  const face = (await template(chart)).find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-face'))!;
  const text = JSON.stringify(face);
  expect(text).toContain('"values":["yes"]');
  expect(text).toContain('kubevision/face:1_000"');
  // 010 is octal in YAML 1.1, as helm reads it.
  expect((face.spec as { replicas: number }).replicas).toBe(8);
});
