import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.ts';
import { packChart, unpackChart } from '../../src/catalog/archive.ts';
import { indexEntry } from '../../src/catalog/index-file.ts';
import { sha256 } from '../../src/catalog/published.ts';
import { chooseVersion } from '../../src/catalog/versions.ts';
import { snapshot } from '../support/catalog.ts';
import { VALUES_DIR } from '../support/paths.ts';
import { tempDirs } from '../support/temp.ts';
import { treeHashes } from '../support/tree.ts';

const tempDir = tempDirs();
const NOW = new Date('2026-12-01T12:00:00Z');
const LATER = new Date('2026-12-02T12:00:00Z');

const chartYaml = (v: string) => `apiVersion: v2\nname: demo\nversion: ${v}\n`;
const files = (v: string, body = 'a: 1\n') => new Map<string, string>([['Chart.yaml', chartYaml(v)], ['values.yaml', body]]);

async function published(version: string, body?: string) {
  const bytes = await packChart('demo', files(version, body));
  const entry = indexEntry({ name: 'demo', version }, { digest: sha256(bytes), url: `assets/demo/demo-${version}.tgz`, created: NOW.toISOString() });
  return { entry, archive: entry.urls[0]!, bytes, files: () => unpackChart(bytes) };
}

describe('chart archives', () => {
  it('are the same bytes for the same files, whatever the time, umask or order they are given in', async () => {
    const a = await packChart('demo', files('1.0.0'));
    const reversed = new Map([...files('1.0.0')].reverse());
    const b = await packChart('demo', reversed);
    expect(sha256(a)).toBe(sha256(b));
    expect([...(await unpackChart(a))].map(([k, v]) => [k, v.toString()])).toEqual([...files('1.0.0')]);
  });

  it('change with any byte of content', async () => {
    expect(sha256(await packChart('demo', files('1.0.0', 'a: 2\n')))).not.toBe(sha256(await packChart('demo', files('1.0.0'))));
  });
});

describe('the version rule', () => {
  const choose = (history: Awaited<ReturnType<typeof published>>[], body = 'a: 1\n', projectVersion = '0.1.0') =>
    chooseVersion({ chart: 'demo', projectVersion, published: history, filesAt: (v) => files(v, body) });

  it('gives a chart never published the project version', async () => {
    const choice = await choose([]);
    expect(choice.version).toBe('0.1.0');
    expect(YAML.parse(choice.changes!)).toEqual([{ kind: 'added', description: 'First version of the demo chart' }]);
  });

  it('keeps the newest published version, and its archive, when the content is the same', async () => {
    const p = await published('0.1.3');
    expect(await choose([await published('0.1.0', 'old'), p])).toEqual({ version: '0.1.3', kept: p });
  });

  it('keeps a published version whose Chart.yaml carries its changes, rendering them back unchanged', async () => {
    const withChanges = (v: string, changes: string | undefined) =>
      new Map<string, string>([['Chart.yaml', `${chartYaml(v)}${changes === undefined ? '' : `annotations:\n  artifacthub.io/changes: ${JSON.stringify(changes)}\n`}`], ['values.yaml', 'a: 1\n']]);
    const bytes = await packChart('demo', withChanges('0.1.4', '- kind: changed\n  description: Default of a: 2 to 1\n'));
    const entry = indexEntry({ name: 'demo', version: '0.1.4' }, { digest: sha256(bytes), url: 'assets/demo/demo-0.1.4.tgz', created: NOW.toISOString() });
    const p = { entry, archive: entry.urls[0]!, bytes, files: () => unpackChart(bytes) };
    const choice = await chooseVersion({ chart: 'demo', projectVersion: '0.1.0', published: [p], filesAt: withChanges });
    expect(choice.kept).toBe(p);
  });

  it('takes the next patch when the content changed, even if an older version had this content', async () => {
    expect((await choose([await published('0.1.0'), await published('0.1.1', 'b: 2\n')])).version).toBe('0.1.2');
  });

  it('takes the project version when it is above the next patch (a new application release)', async () => {
    expect((await choose([await published('0.1.4', 'b: 2\n')], 'a: 1\n', '0.2.0')).version).toBe('0.2.0');
    expect((await choose([await published('0.2.0', 'b: 2\n')], 'a: 1\n', '0.2.0')).version).toBe('0.2.1');
  });
});

/** A values folder that starts as a copy of the real plants. */
function valuesCopy(): string {
  const dir = tempDir('values');
  cpSync(VALUES_DIR, dir, { recursive: true });
  return dir;
}

const versionsOf = (root: string, id: string, chart: string) =>
  (YAML.parse(readFileSync(path.join(root, 'catalog', id, 'index.yaml'), 'utf8')) as { entries: Record<string, { version: string }[]> }).entries[chart]!.map(
    (v) => v.version,
  );

describe('builds against a published catalog', () => {
  it('are reproducible: two fresh builds of the same sources are byte-identical, archives and indexes included', async () => {
    const a = tempDir('root');
    const b = tempDir('root');
    await build({ projectRoot: a, valuesDir: VALUES_DIR, now: NOW });
    await build({ projectRoot: b, valuesDir: VALUES_DIR, now: NOW });
    expect(treeHashes(b)).toEqual(treeHashes(a));
  });

  it('publish nothing new and change no byte when nothing changed, however much later', async () => {
    const root = tempDir('root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR, now: NOW });
    const before = treeHashes(root);
    const again = await build({ projectRoot: root, valuesDir: VALUES_DIR, now: LATER });
    expect(again.charts.filter((c) => c.isNew)).toEqual([]);
    expect(treeHashes(root)).toEqual(before);
  });

  it('publish a changed plant under the next version and keep every published byte of every catalog', async () => {
    const root = tempDir('root');
    const values = valuesCopy();
    const first = await build({ projectRoot: root, valuesDir: values, now: NOW });
    const v1 = first.charts.find((c) => c.name === 'kubevision-porto-logistics')!.version;
    const before = treeHashes(path.join(root, 'catalog'));

    const file = path.join(values, 'porto-logistics.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('replicaCount: 3\n  auth', 'replicaCount: 4\n  auth'));
    const second = await build({ projectRoot: root, valuesDir: values, now: LATER });
    const changed = second.charts.filter((c) => c.isNew);
    expect(changed.map((c) => c.name)).toEqual(['kubevision-porto-logistics']);
    const v2 = changed[0]!.version;
    expect(v2).not.toBe(v1);

    const after = treeHashes(path.join(root, 'catalog'));
    // Append-only: every published version (archive and unpacked folder) keeps its bytes...
    const rewritten = Object.keys(before).filter((f) => /^[^/]+\/(assets|charts)\//.test(f) && after[f] !== before[f]);
    expect(rewritten).toEqual([]);
    // ...the new version is added beside the old one, in the index and the git layout...
    expect(versionsOf(root, 'porto-logistics', 'kubevision-porto-logistics')).toEqual([v2, v1]);
    expect(readdirSync(path.join(root, 'catalog/porto-logistics/charts/kubevision-porto-logistics')).sort()).toEqual([v1, v2].sort());
    // ...and the other catalogs did not change at all (the Fleet bundle carries Porto's values).
    const added = Object.keys(after).filter((f) => before[f] === undefined);
    for (const f of added) expect(f).toMatch(/^porto-logistics\//);
    for (const f of Object.keys(before).filter((f) => after[f] !== before[f])) {
      expect(f).toMatch(/^(porto-logistics\/(index\.yaml|README\.md)|fleet\/fleet\.yaml)$/);
    }
    const chart = YAML.parse(readFileSync(path.join(root, 'charts/kubevision-porto-logistics/Chart.yaml'), 'utf8')) as { version: string; annotations: Record<string, string> };
    expect(chart.version).toBe(v2);
    // The new version says what changed, in Artifact Hub's form, and the index carries it as Helm's does.
    // One replica more moves the default and what Rancher reserves for the plant; the form,
    // schema, README and placement map that show that default are rewritten too.
    const changes = [
      { kind: 'changed', description: 'Annotation catalog.cattle.io/requests-cpu: "2900m" to "2950m"' },
      { kind: 'changed', description: 'Annotation catalog.cattle.io/requests-memory: "2496Mi" to "2560Mi"' },
      { kind: 'changed', description: 'Default of frontend.replicaCount: 3 to 4' },
      { kind: 'changed', description: 'Updated README.md, placement-map.svg, questions.yaml, values.schema.json' },
    ];
    expect(YAML.parse(chart.annotations['artifacthub.io/changes']!)).toEqual(changes);
    const index = YAML.parse(readFileSync(path.join(root, 'catalog/porto-logistics/index.yaml'), 'utf8')) as { entries: Record<string, { annotations: Record<string, string> }[]> };
    expect(YAML.parse(index.entries['kubevision-porto-logistics']![0]!.annotations['artifacthub.io/changes']!)).toEqual(changes);
  });

  it('refuse a catalog whose published archive was altered, naming it, and write nothing', async () => {
    const root = tempDir('root');
    await build({ projectRoot: root, valuesDir: VALUES_DIR, now: NOW });
    const [tgz] = readdirSync(path.join(root, 'catalog/linz-assembly/assets/kubevision-linz-assembly'));
    writeFileSync(path.join(root, 'catalog/linz-assembly/assets/kubevision-linz-assembly', tgz!), 'tampered');
    const before = { charts: snapshot(path.join(root, 'charts')), catalog: snapshot(path.join(root, 'catalog')) };
    await expect(build({ projectRoot: root, valuesDir: VALUES_DIR, now: LATER })).rejects.toThrow(
      `catalog/linz-assembly/assets/kubevision-linz-assembly/${tgz} does not have the digest index.yaml publishes`,
    );
    expect({ charts: snapshot(path.join(root, 'charts')), catalog: snapshot(path.join(root, 'catalog')) }).toEqual(before);
  });

  it('keep the published catalog of a plant whose file was removed', async () => {
    const root = tempDir('root');
    const values = valuesCopy();
    await build({ projectRoot: root, valuesDir: values, now: NOW });
    const porto = treeHashes(path.join(root, 'catalog/porto-logistics'));
    rmSync(path.join(values, 'porto-logistics.yaml'));
    const r = await build({ projectRoot: root, valuesDir: values, now: LATER });
    expect(r.orphans).toEqual(['porto-logistics']);
    expect(treeHashes(path.join(root, 'catalog/porto-logistics'))).toEqual(porto);
  });

  it('point the Fleet bundle at the newest generic chart', async () => {
    const root = tempDir('root');
    const r = await build({ projectRoot: root, valuesDir: VALUES_DIR, now: NOW });
    const fleet = YAML.parse(readFileSync(path.join(root, 'catalog/fleet/fleet.yaml'), 'utf8')) as { helm: { version: string } };
    expect(fleet.helm.version).toBe(r.charts.find((c) => c.name === 'kubevision')!.version);
  });
});
