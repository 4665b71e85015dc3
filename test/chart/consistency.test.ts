import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { getPath, setPath } from '../../src/params/expr.ts';
import type { RancherQuestion } from '../../src/chart/files/questions.ts';
import { BUILD_ROOT } from '../support/paths.ts';
import { findParam } from '../../src/params/dsl.ts';
import { values } from '../../src/params/kubevision.ts';

const charts = readdirSync(path.join(BUILD_ROOT, 'charts'));
const read = (chart: string, file: string) => readFileSync(path.join(BUILD_ROOT, 'charts', chart, file), 'utf8');

function load(chart: string) {
  const values = YAML.parse(read(chart, 'values.yaml')) as Record<string, unknown>;
  const schema = JSON.parse(read(chart, 'values.schema.json')) as Record<string, unknown>;
  const questions = (YAML.parse(read(chart, 'questions.yaml')) as { questions: RancherQuestion[] }).questions;
  const all = questions.flatMap((q) => [q, ...(q.subquestions ?? [])]);
  return { values, schema, questions, all };
}

function schemaAt(schema: Record<string, unknown>, variable: string): Record<string, unknown> | undefined {
  let cur: Record<string, unknown> | undefined = schema;
  for (const key of variable.split('.')) cur = (cur?.properties as Record<string, Record<string, unknown>> | undefined)?.[key];
  return cur;
}

const SCHEMA_TYPE: Record<string, string> = {
  string: 'string', hostname: 'string', password: 'string', secret: 'string', storageclass: 'string', multiline: 'string',
  int: 'integer', boolean: 'boolean', enum: 'string',
  // Not in Rancher's questions.yaml docs, but its dashboard renders map[...] as a key-value
  // editor that answers an object (shell/components/Questions/index.vue componentForQuestion,
  // QuestionMap.vue; test/support/rancher-dashboard.ts componentKind ports it).
  'map[string]': 'object',
  // Likewise array[...]: a list input (Questions/Array.vue, form/ArrayList.vue) that answers
  // an array of its rows' strings (componentForQuestion: "only really works for array[string]").
  'array[string]': 'array',
};
const SHOW_IF = /^[\w.]+!?=[\w.-]+((&&|\|\|)[\w.]+!?=[\w.-]+)*$/;

describe.each(charts)('chart %s: the form, values.yaml, the schema and the README agree', (chart) => {
  const { values, schema, questions, all } = load(chart);

  it('every question has its variable in values.yaml with the same default', () => {
    expect(all.length).toBeGreaterThan(15);
    for (const q of all) {
      expect(getPath(values, q.variable), q.variable).not.toBeUndefined();
      expect(q.default, q.variable).toEqual(getPath(values, q.variable));
    }
  });

  it('every question has its variable in the schema with a matching type, and enum options the schema accepts', () => {
    for (const q of all) {
      const s = schemaAt(schema, q.variable);
      expect(s, q.variable).toBeDefined();
      expect(SCHEMA_TYPE[q.type], `${q.variable}: ${q.type} is a documented Rancher type`).toBe(s!.type);
      if (q.type === 'enum') {
        expect(q.options!.length).toBeGreaterThan(0);
        for (const o of q.options!) expect(s!.enum, q.variable).toContain(o);
      }
      if (q.min !== undefined) expect(q.min).toBe(s!.minimum);
      if (q.max !== undefined) expect(q.max).toBe(s!.maximum);
    }
  });

  it('every required question is required by the schema whenever the form shows it', () => {
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(schema);
    const required = all.filter((q) => q.required);
    expect([...new Set(required.map((q) => q.variable))].sort()).toEqual(
      ['ingress.host', 'ingress.tls.clusterIssuer', 'ingress.tls.secretName', 'mongodb.external.existingSecret'].sort(),
    );
    const example = (variable: string) => (variable === 'ingress.host' ? 'kv.example.com' : 'some-name');
    const shown = (q: RancherQuestion, v: Record<string, unknown>) =>
      (q.show_if ?? '').split('&&').filter(Boolean).every((c) => String(getPath(v, c.split('=')[0]!)) === c.split('=')[1]);
    for (const q of required) {
      const v = structuredClone(values);
      for (const cond of (q.show_if ?? '').split('&&').filter(Boolean)) {
        const [k, val] = cond.split('=') as [string, string];
        setPath(v, k, val === 'true' ? true : val === 'false' ? false : val);
      }
      // What a user types into the other required fields the form shows in this state.
      for (const other of required) if (other !== q && shown(other, v)) setPath(v, other.variable, example(other.variable));
      setPath(v, q.variable, '');
      expect(validate(v), `${q.variable} empty while shown`).toBe(false);
      setPath(v, q.variable, example(q.variable));
      expect(validate(v), `${q.variable} set: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("uses only Rancher's documented question features", () => {
    for (const q of questions) {
      expect(typeof q.group).toBe('string');
      for (const sub of q.subquestions ?? []) {
        expect(q.type, `${q.variable} reveals subquestions`).toBe('boolean');
        expect(q.show_subquestion_if).toBe(true);
        expect(sub.subquestions, 'one level of subquestions only').toBeUndefined();
      }
    }
    for (const q of all) {
      if (!q.show_if) continue;
      expect(q.show_if, q.variable).toMatch(SHOW_IF);
      expect(q.show_if.includes('&&') && q.show_if.includes('||'), 'no mixed and/or').toBe(false);
      for (const cond of q.show_if.split(/&&|\|\|/)) {
        expect(getPath(values, cond.split(/!?=/)[0]!), `${q.variable} show_if names a value`).not.toBeUndefined();
      }
    }
  });

  it('the schema is strict and self-contained', () => {
    const text = read(chart, 'values.schema.json');
    expect(text).not.toContain('$ref');
    expect(schema.additionalProperties).toBe(false);
    expect(new Ajv({ strict: false }).validate(schema, values)).toBe(true);
  });

  it('the README documents every value with its default', () => {
    const readme = read(chart, 'README.md');
    const leaves = (o: unknown, prefix: string): [string, unknown][] =>
      o && typeof o === 'object' && !Array.isArray(o) && Object.keys(o).length && !prefix.endsWith('Annotations') && !prefix.endsWith('annotations')
        ? Object.entries(o).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k))
        : [[prefix, o]];
    for (const [key, def] of leaves(values, '')) {
      expect(readme, key).toContain(`| \`${key}\` |`);
      expect(readme, key).toContain(`\`${JSON.stringify(def).replace(/\|/g, '\\|')}\``);
    }
  });
});

describe('plant forms are tailored to the plant', () => {
  const q = (chart: string, variable: string) => load(chart).all.filter((x) => x.variable === variable);

  it('a plant without cloud nodes offers its on-premise site (or any node, the same there) and no GPU compute', () => {
    expect(q('kubevision-stuttgart-body-shop', 'face.placement')[0]?.options).toEqual(['onprem', 'any']);
    expect(q('kubevision-stuttgart-body-shop', 'face.compute')).toEqual([]);
  });

  it('a hybrid plant with a GPU face service offers only the sites that have GPUs for it, and GPU or CPU compute', () => {
    // A placement without GPU nodes together with the preset gpu compute would fail.
    expect(q('kubevision-linz-assembly', 'face.placement')[0]?.options).toEqual(['onprem', 'any']);
    expect(q('kubevision-linz-assembly', 'face.compute')[0]).toMatchObject({ options: ['cpu', 'gpu'], default: 'gpu' });
    expect(q('kubevision-linz-assembly', 'auth.placement')[0]?.options).toEqual(['onprem', 'cloud', 'any']);
  });

  it('a cloud-only plant offers only the cloud (or any node), also for the bundled database it does not use yet', () => {
    for (const w of ['frontend', 'auth', 'face', 'mongodb']) expect(q('kubevision-porto-logistics', `${w}.placement`)[0]?.options, w).toEqual(['cloud', 'any']);
  });

  it('the generic form offers every site, and no GPU compute (it declares no GPU site)', () => {
    expect(q('kubevision', 'face.placement')[0]?.options).toEqual(['onprem', 'cloud', 'any']);
    expect(q('kubevision', 'face.compute')).toEqual([]);
  });

  it('puts Placement first, and no site facts (which sites and GPUs a plant has) in the form', () => {
    for (const chart of charts) {
      const { questions, all } = load(chart);
      const groups = [...new Set(questions.map((x) => x.group))];
      if (groups.includes('Placement')) expect(groups[0], chart).toBe('Placement');
      expect(all.filter((x) => /^sites\.(onprem|cloud)\.(enabled|gpu\.enabled)$/.test(x.variable)), chart).toEqual([]);
    }
  });

  it("gives every string question with a syntax the characters it may use (Rancher's valid_chars)", () => {
    for (const chart of charts) {
      // Array.vue hands ArrayList no valid_chars: the schema checks each entry of a list.
      for (const x of load(chart).all.filter((x) => !['int', 'boolean', 'enum', 'map[string]', 'array[string]'].includes(x.type))) {
        expect(x.valid_chars, `${chart}: ${x.variable}`).toMatch(/^[A-Za-z0-9._:/-]+$/);
      }
    }
  });
});

describe('the templates read only declared values', () => {
  // TypeScript checks the paths the constructs write (src/chart/values-ref.ts); this covers
  // the rest: the helper files, NOTES.txt and the validation rules, as the charts ship them.
  it.each(charts)('chart %s: every .Values path names a value of src/params', (chart) => {
    const dir = path.join(BUILD_ROOT, 'charts', chart, 'templates');
    const unknown: string[] = [];
    let seen = 0;
    for (const file of readdirSync(dir)) {
      // Go comments document calls with placeholders (.Values.x); only the code counts.
      const text = readFileSync(path.join(dir, file), 'utf8').replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');
      for (const m of text.matchAll(/\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g)) {
        seen++;
        // Not a value: kubevision.stableSecret keeps one render's generated secrets there.
        if (m[1] === '_kubevisionGenerated') continue;
        if (!findParam(values, m[1]!)) unknown.push(`${file}: .Values.${m[1]}`);
      }
    }
    expect(seen).toBeGreaterThan(50);
    expect(unknown).toEqual([]);
  });
});
