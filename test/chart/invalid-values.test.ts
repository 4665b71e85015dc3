import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { build, InvalidPlantsError, loadPlants } from '../../src/pipeline/build.ts';
import { parseHelmYaml } from '../../src/helm/yaml.ts';
import { PLANT_ID, RESERVED_IDS } from '../../src/plant/load.ts';
import { snapshot } from '../support/catalog.ts';
import { tempDirs } from '../support/temp.ts';
import { FIXTURES, VALUES_DIR } from '../support/paths.ts';
import { genericChartDir, helm, theModel, writeYaml } from '../support/plants.ts';

/**
 * One invalid plant file per case. Each starts with `# expect: <substring>` lines (the
 * build's message) and, when the values part itself is invalid, `# helm: <substring>`
 * lines (what helm says about the same values given with -f to the generic chart). A
 * `# plant-only: <why>` line marks values helm rightly accepts that a plant file may not
 * hold (src/params/rules.ts plantRules, values Rancher sets).
 */
const CORPUS = path.join(FIXTURES, 'invalid-plants');

interface Case {
  file: string;
  text: string;
  expects: string[];
  helmExpects: string[];
  plantOnly: boolean;
}

const headerLines = (text: string, tag: string) =>
  [...text.matchAll(new RegExp(`^# ${tag}: (.+)$`, 'gm'))].map((m) => m[1]!.trim());

const cases: Case[] = readdirSync(CORPUS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((file) => {
    const text = readFileSync(path.join(CORPUS, file), 'utf8');
    return { file, text, expects: headerLines(text, 'expect'), helmExpects: headerLines(text, 'helm'), plantOnly: headerLines(text, 'plant-only').length > 0 };
  });

const tempDir = tempDirs();

/** The plant file alone in a fresh values folder, loaded the way the build loads it. */
function loadAlone(c: Case): InvalidPlantsError {
  const dir = tempDir('invalid');
  cpSync(path.join(CORPUS, c.file), path.join(dir, c.file));
  try {
    loadPlants(theModel(), dir);
  } catch (e) {
    if (e instanceof InvalidPlantsError) return e;
    throw e;
  }
  throw new Error(`${c.file}: loadPlants accepted it`);
}

const parses = (c: Case) => YAML.parseDocument(c.text, { uniqueKeys: true }).errors.length === 0;
const plantId = (c: Case) => c.file.replace(/\.ya?ml$/, '');
const validId = (c: Case) => PLANT_ID.test(plantId(c)) && !RESERVED_IDS.has(plantId(c));

/** helm template of the generic chart with the file's `values:` as -f overrides. */
async function helmWithValuesOf(c: Case) {
  const dir = tempDir('helm-values');
  const overrides = path.join(dir, 'overrides.yaml');
  writeYaml(overrides, (parseHelmYaml(c.text).toJS() as { values?: unknown }).values ?? {});
  return helm(['template', 'kv', genericChartDir(), '--namespace', 'kubevision', '-f', overrides]);
}

describe('the invalid plant corpus', () => {
  it('has at least 30 cases, each with an expected message', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const c of cases) expect(c.expects, c.file).not.toEqual([]);
  });

  it('expects helm to fail wherever the build blames a value', () => {
    for (const c of cases) {
      const blamesValues = c.expects.some((e) => e.startsWith('values.'));
      expect(c.helmExpects.length > 0, `${c.file}: needs # helm: lines`).toBe(blamesValues && parses(c) && validId(c) && !c.plantOnly);
    }
  });

  it('the same harness accepts the real plants, with the build and with helm', async () => {
    const dir = tempDir('valid');
    cpSync(VALUES_DIR, dir, { recursive: true });
    expect(loadPlants(theModel(), dir).length).toBe(readdirSync(VALUES_DIR).length);
    for (const file of readdirSync(VALUES_DIR)) {
      const c = { file, text: readFileSync(path.join(VALUES_DIR, file), 'utf8'), expects: [], helmExpects: [], plantOnly: false };
      const r = await helmWithValuesOf(c);
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
    }
  });
});

describe.each(cases)('$file', (c) => {
  it('the build rejects it, naming the file and the problem', () => {
    const err = loadAlone(c);
    expect(err.errors).toHaveLength(1);
    expect(path.basename(err.errors[0]!.file)).toBe(c.file);
    expect(err.message).toContain(c.file);
    for (const e of c.expects) expect(err.message).toContain(e);
  });

  // Broken YAML or a bad file name: there are no values to give helm.
  if (!parses(c) || !validId(c)) return;

  it('helm agrees about its values', async () => {
    const r = await helmWithValuesOf(c);
    if (c.helmExpects.length === 0) {
      // The problem is the plant file's own keys, not a chart value: helm takes the values.
      expect(r.code, r.stderr).toBe(0);
      return;
    }
    expect(r.code).not.toBe(0);
    for (const e of c.helmExpects) expect(r.stderr).toContain(e);
    // A rule the build checks is the same rule the chart's template fails with.
    for (const e of c.expects.filter((x) => x.startsWith('values.'))) {
      const rule = theModel().rules.find((x) => x.message === e.slice('values.'.length));
      if (rule) expect(r.stderr).toContain(rule.message);
    }
  });
});

describe('a build with one invalid plant', () => {
  it('leaves the existing charts and catalogs untouched', async () => {
    const root = tempDir('build-root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR });
    const before = { charts: snapshot(path.join(root, 'charts')), catalog: snapshot(path.join(root, 'catalog')) };
    expect(Object.keys(before.charts).length).toBeGreaterThan(0);
    expect(Object.keys(before.catalog).length).toBeGreaterThan(0);

    // Valid plants that would change the outputs, beside one invalid plant.
    const values = tempDir('values');
    cpSync(VALUES_DIR, values, { recursive: true });
    const [first] = readdirSync(values).sort();
    const firstFile = path.join(values, first!);
    writeFileSync(firstFile, readFileSync(firstFile, 'utf8').replace(/displayName: .*/, 'displayName: Renamed Plant'));
    cpSync(path.join(CORPUS, 'gpu-anywhere-no-gpu-site.yaml'), path.join(values, 'gpu-anywhere-no-gpu-site.yaml'));

    const failed = await build({ projectRoot: root, valuesDir: values }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(InvalidPlantsError);
    expect((failed as InvalidPlantsError).errors.map((e) => path.basename(e.file))).toEqual(['gpu-anywhere-no-gpu-site.yaml']);

    expect({ charts: snapshot(path.join(root, 'charts')), catalog: snapshot(path.join(root, 'catalog')) }).toEqual(before);
    expect(readdirSync(root).filter((f) => f.startsWith('.kubevision-tmp-'))).toEqual([]);
    expect(existsSync(path.join(root, 'charts', 'kubevision-gpu-anywhere-no-gpu-site'))).toBe(false);
  });
});
