import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/plan/render.ts';
import { catalogDir, files, isolatedHelmEnv, serveStatic, sha256, walk } from '../support/catalog.ts';
import { BUILD_ROOT, PROJECT_ROOT } from '../support/paths.ts';
import { byKind, component, helm, thePlants } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

const VERSION = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const plants = thePlants();

const tempDir = tempDirs();

interface IndexEntry {
  name: string;
  version: string;
  kubeVersion?: string;
  digest: string;
  urls: string[];
  annotations?: Record<string, unknown>;
}
interface Index {
  apiVersion: string;
  entries: Record<string, IndexEntry[]>;
}

const readYaml = <T>(file: string) => YAML.parse(readFileSync(file, 'utf8')) as T;

describe.each(plants.map((p) => ({ id: p.id, plant: p })))('catalog of $id over HTTP, with helm', ({ id, plant }) => {
  const chart = `kubevision-${id}`;

  it('helm adds the repository, finds both charts, pulls them and installs the plant chart with overrides', async () => {
    const server = await serveStatic(catalogDir(id));
    try {
      const home = tempDir('helm-home');
      const env = isolatedHelmEnv(home);
      const run = async (...args: string[]) => {
        const r = await helm(args, { env });
        expect(r.code, `helm ${args.join(' ')}\n${r.stderr}`).toBe(0);
        return r.stdout;
      };

      await run('repo', 'add', 'plant', server.url);
      await run('repo', 'update', 'plant');
      // Nothing of the user's own helm setup: the isolated config holds this repository only.
      const repos = JSON.parse(await run('repo', 'list', '-o', 'json')) as { name: string; url: string }[];
      expect(repos).toEqual([{ name: 'plant', url: server.url }]);

      const found = JSON.parse(await run('search', 'repo', 'plant/', '-o', 'json')) as { name: string; version: string }[];
      expect(found.map((c) => `${c.name}@${c.version}`).sort()).toEqual([`plant/${chart}@${VERSION}`, `plant/kubevision@${VERSION}`].sort());

      const pulled = tempDir('pulled');
      await run('pull', `plant/${chart}`, '--version', VERSION, '--destination', pulled);
      await run('pull', 'plant/kubevision', '--version', VERSION, '--destination', pulled);
      const plantTgz = path.join(pulled, `${chart}-${VERSION}.tgz`);
      const genericTgz = path.join(pulled, `kubevision-${VERSION}.tgz`);
      expect(existsSync(plantTgz)).toBe(true);
      expect(existsSync(genericTgz)).toBe(true);
      // What helm pulled over HTTP is byte for byte what the catalog holds.
      expect(sha256(plantTgz)).toBe(sha256(path.join(catalogDir(id), 'assets', chart, `${chart}-${VERSION}.tgz`)));

      const frontend = async (tgz: string, ...args: string[]) => {
        const objs = parseManifests(await run('template', 'kubevision', tgz, '--namespace', 'kubevision', ...args));
        const deployments = byKind(objs, 'Deployment').filter((o) => component(o) === 'frontend');
        expect(deployments).toHaveLength(1);
        return deployments[0]!;
      };
      // The pulled plant chart carries the plant's defaults...
      const planned = (plant.values.frontend as { replicaCount: number }).replicaCount;
      expect((await frontend(plantTgz)).spec?.replicas).toBe(planned);
      // ...and an install-time --set overrides them.
      const replicas = planned === 7 ? 8 : 7;
      const overridden = await frontend(plantTgz, '--set', `frontend.replicaCount=${replicas}`, '--set', 'frontend.image.tag=9.9.9');
      expect(overridden.spec?.replicas).toBe(replicas);
      expect(JSON.stringify(overridden)).toContain('kubevision/frontend:9.9.9');
      // The generic chart from the same repository renders with its own defaults.
      expect((await frontend(genericTgz)).spec?.replicas).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe.each(['generic', ...plants.map((p) => p.id)])('catalog/%s as a git repository for Rancher', (name) => {
  const dir = catalogDir(name);
  const expected = name === 'generic' ? ['kubevision'] : [`kubevision-${name}`, 'kubevision'];

  it('has index.yaml at the root listing exactly its charts, with relative urls into assets/', () => {
    const index = readYaml<Index>(path.join(dir, 'index.yaml'));
    expect(index.apiVersion).toBe('v1');
    expect(Object.keys(index.entries ?? {}).sort()).toEqual([...expected].sort());
    for (const [chart, versions] of Object.entries(index.entries)) {
      expect(versions.map((v) => v.version)).toEqual([VERSION]);
      for (const v of versions) {
        expect(v.name).toBe(chart);
        expect(v.urls).toHaveLength(1);
        const url = v.urls[0]!;
        expect(url, 'relative url').not.toMatch(/^[a-z][a-z0-9+.-]*:|^\//i);
        expect(url.startsWith('assets/')).toBe(true);
        const file = path.resolve(dir, url);
        expect(file.startsWith(path.join(dir, 'assets') + path.sep)).toBe(true);
        expect(existsSync(file), url).toBe(true);
        expect(sha256(file)).toBe(v.digest);
      }
    }
  });

  it('has charts/<name>/<version>/ for every index entry, and nothing else under charts/', () => {
    const index = readYaml<Index>(path.join(dir, 'index.yaml'));
    const fromIndex = Object.values(index.entries ?? {}).flatMap((vs) => vs.map((v) => `${v.name}/${v.version}`));
    const onDisk = readdirSync(path.join(dir, 'charts')).flatMap((c) => readdirSync(path.join(dir, 'charts', c)).map((v) => `${c}/${v}`));
    expect(onDisk.sort()).toEqual(expected.map((c) => `${c}/${VERSION}`).sort());
    expect(fromIndex.sort()).toEqual(onDisk.sort());
    for (const rel of onDisk) {
      const chartDir = path.join(dir, 'charts', rel);
      for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json', 'app-readme.md', 'questions.yaml', 'README.md']) {
        expect(existsSync(path.join(chartDir, f)), `charts/${rel}/${f}`).toBe(true);
      }
      const meta = readYaml<{ name: string; version: string }>(path.join(chartDir, 'Chart.yaml'));
      expect(`${meta.name}/${meta.version}`).toBe(rel);
    }
  });

  it('has no symlinks or special files anywhere', () => {
    const entries = walk(dir);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((e) => e.kind !== 'file' && e.kind !== 'dir').map((e) => e.rel)).toEqual([]);
  });

  it('declares kubeVersion with a -0 pre-release suffix and string-valued catalog.cattle.io annotations', () => {
    const index = readYaml<Index>(path.join(dir, 'index.yaml'));
    const chartYamls = files(path.join(dir, 'charts')).filter((e) => e.rel.endsWith('/Chart.yaml'));
    expect(chartYamls).toHaveLength(expected.length);
    const metas: { where: string; kubeVersion?: string; annotations?: Record<string, unknown> }[] = [
      ...chartYamls.map((e) => ({ where: `charts/${e.rel}`, ...readYaml<Record<string, unknown>>(e.abs) })),
      ...Object.values(index.entries ?? {}).flat().map((v) => ({ where: `index.yaml ${v.name}`, ...v })),
    ];
    for (const m of metas) {
      expect(m.kubeVersion, m.where).toMatch(/-0$/);
      const cattle = Object.entries(m.annotations ?? {}).filter(([k]) => k.startsWith('catalog.cattle.io/'));
      expect(cattle.length, m.where).toBeGreaterThan(0);
      for (const [k, v] of cattle) expect(typeof v, `${m.where}: ${k}`).toBe('string');
      expect(m.annotations?.['catalog.cattle.io/kube-version'], m.where).toBe(m.kubeVersion);
    }
  });
});

it('the build output holds a catalog folder for the generic chart and every plant, the Fleet bundle, and nothing else', () => {
  const folders = readdirSync(path.join(BUILD_ROOT, 'catalog'), { withFileTypes: true }).filter((d) => d.isDirectory());
  expect(folders.map((d) => d.name).sort()).toEqual(['fleet', 'generic', ...plants.map((p) => p.id)].sort());
});
