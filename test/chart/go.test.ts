import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { call, include, lit, pipe, ref, release, root, type Go } from '../../src/chart/go.ts';
import { helmOk } from '../../src/helm/run.ts';
import { tempDirs } from '../support/temp.ts';

/**
 * The Go expression builders (src/chart/go.ts): what they write, real helm evaluates to what
 * the construct meant. Each expression is rendered inside a ConfigMap and read back.
 */
const temp = tempDirs();

async function evaluate(exprs: Record<string, Go>, values: Record<string, unknown>, helpers = ''): Promise<Record<string, string>> {
  const dir = path.join(temp('kv-go-'), 'chart');
  mkdirSync(path.join(dir, 'templates'), { recursive: true });
  writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: t\nversion: 0.0.1\n');
  writeFileSync(path.join(dir, 'values.yaml'), YAML.stringify(values));
  writeFileSync(path.join(dir, 'templates/_h.tpl'), helpers);
  const data = Object.entries(exprs).map(([k, e]) => `  ${k}: {{ ${e} | toString | quote }}`).join('\n');
  writeFileSync(path.join(dir, 'templates/cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n${data}\n`);
  const out = await helmOk(['template', 'rel', dir, '--namespace', 'plant-ns']);
  return (YAML.parse(out) as { data: Record<string, string> }).data;
}

describe('Go expression builders', () => {
  it('literals come back as written, quotes, backslashes and braces included', async () => {
    const tricky = 'say "hi" \\ {{ .Values.x }} ä';
    const out = await evaluate({ s: lit(tricky), n: lit(1000), b: lit(false), empty: lit('') }, {});
    expect(out).toEqual({ s: tricky, n: '1000', b: 'false', empty: '' });
  });

  it('nested calls and pipes get their parentheses: each argument is one value', async () => {
    const values = { timeouts: { faceSeconds: 7 }, auth: { passwordContextWords: ['press', 'line'] }, face: { gpu: { tagSuffix: '-gpu' } }, mongodb: { mode: 'bundled' } };
    const out = await evaluate(
      {
        mul: call('mul', ref('timeouts.faceSeconds'), lit(1000)),
        words: pipe(call('concat', call('list', release.namespace), ref('auth.passwordContextWords')), 'join', lit(',')),
        suffix: call('ternary', ref('face.gpu.tagSuffix'), lit(''), call('eq', ref('mongodb.mode'), lit('bundled'))),
        none: call('ternary', ref('face.gpu.tagSuffix'), lit(''), call('not', call('eq', ref('mongodb.mode'), lit('bundled')))),
      },
      values,
    );
    expect(out).toEqual({ mul: '7000', words: 'plant-ns,press,line', suffix: '-gpu', none: '' });
  });

  it('helpers get their named arguments as a dict, a single one as it is', async () => {
    const helpers = '{{- define "kubevision.image" -}}{{ .ctx.Release.Name }}/{{ .image.repository }}{{ .suffix }}{{- end -}}\n{{- define "kubevision.fullname" -}}{{ .Release.Name }}-kv{{- end -}}\n';
    const out = await evaluate(
      {
        image: include('image', { ctx: root, image: ref('face.image'), suffix: call('ternary', lit('-gpu'), lit(''), lit(true)) }),
        fullname: include('fullname', root),
      },
      { face: { image: { repository: 'kubevision/face' } } },
      helpers,
    );
    expect(out).toEqual({ image: 'rel/kubevision/face-gpu', fullname: 'rel-kv' });
  });
});
