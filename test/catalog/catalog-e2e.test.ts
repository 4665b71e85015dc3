import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { compare } from 'semver';
import { describe, expect, it } from 'vitest';
import { unpackChart } from '../../src/catalog/archive.ts';
import { parseManifests } from '../../src/plan/render.ts';
import { catalogDir, files, isolatedHelmEnv, serveStatic, sha256, walk } from '../support/catalog.ts';
import { BUILD_ROOT } from '../support/paths.ts';
import { byKind, chartVersion, component, helm, thePlants } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

const plants = thePlants();
const tempDir = tempDirs();

interface IndexEntry {
  name: string;
  version: string;
  kubeVersion?: string;
  digest: string;
  urls: string[];
  icon?: string;
  annotations?: Record<string, unknown>;
}
interface Index {
  apiVersion: string;
  entries: Record<string, IndexEntry[]>;
}

const readYaml = <T>(file: string) => YAML.parse(readFileSync(file, 'utf8')) as T;
const catalogs = [
  { name: 'generic', chart: 'kubevision', plant: null },
  ...plants.map((p) => ({ name: p.id, chart: `kubevision-${p.id}`, plant: p })),
];

describe.each(catalogs)('catalog/$name over HTTP, with helm', ({ name, chart, plant }) => {
  it('helm adds the repository, lists every published version newest first, pulls the newest and installs it with overrides', async () => {
    const server = await serveStatic(catalogDir(name));
    try {
      const env = isolatedHelmEnv(tempDir('helm-home'));
      const run = async (...args: string[]) => {
        const r = await helm(args, { env });
        expect(r.code, `helm ${args.join(' ')}\n${r.stderr}`).toBe(0);
        return r.stdout;
      };
      await run('repo', 'add', 'plant', server.url);
      await run('repo', 'update', 'plant');
      // Nothing of the user's own helm setup: the isolated config holds this repository only.
      expect(JSON.parse(await run('repo', 'list', '-o', 'json'))).toEqual([{ name: 'plant', url: server.url }]);

      const index = readYaml<Index>(path.join(catalogDir(name), 'index.yaml'));
      const published = index.entries[chart]!.map((v) => v.version);
      const found = JSON.parse(await run('search', 'repo', 'plant/', '--versions', '-o', 'json')) as { name: string; version: string }[];
      expect(found.map((c) => c.name)).toEqual(published.map(() => `plant/${chart}`));
      expect(found.map((c) => c.version)).toEqual([...published].sort((a, b) => compare(b, a)));
      const newest = chartVersion(chart);
      expect(found[0]!.version).toBe(newest);

      const pulled = tempDir('pulled');
      await run('pull', `plant/${chart}`, '--destination', pulled);
      const tgz = path.join(pulled, `${chart}-${newest}.tgz`);
      // What helm pulled over HTTP is byte for byte what the catalog holds.
      expect(sha256(tgz)).toBe(sha256(path.join(catalogDir(name), 'assets', chart, `${chart}-${newest}.tgz`)));

      const frontend = async (...args: string[]) => {
        const objs = parseManifests(await run('template', 'kubevision', tgz, '--namespace', 'kubevision', ...args));
        const deployments = byKind(objs, 'Deployment').filter((o) => component(o) === 'frontend');
        expect(deployments).toHaveLength(1);
        return deployments[0]!;
      };
      // The pulled chart carries its defaults (the plant's)...
      const planned = ((plant?.values ?? { frontend: { replicaCount: 2 } }).frontend as { replicaCount: number }).replicaCount;
      expect((await frontend()).spec?.replicas).toBe(planned);
      // ...and an install-time --set overrides them.
      const replicas = planned === 7 ? 8 : 7;
      const overridden = await frontend('--set', `frontend.replicaCount=${replicas}`, '--set', 'frontend.image.tag=9.9.9');
      expect(overridden.spec?.replicas).toBe(replicas);
      expect(JSON.stringify(overridden)).toContain('kubevision/frontend:9.9.9');
    } finally {
      await server.close();
    }
  });

  it("serves the icon where Rancher fetches it for an HTTP repository", async () => {
    // rancher/rancher pkg/catalogv2/http/download.go Icon: a relative icon URL is resolved
    // against the repository URL with a trailing slash; the response body is the icon.
    const server = await serveStatic(catalogDir(name));
    try {
      const index = readYaml<Index>(path.join(catalogDir(name), 'index.yaml'));
      const icon = index.entries[chart]!.find((v) => v.version === chartVersion(chart))!.icon!;
      const base = new URL(`${server.url.replace(/\/$/, '')}/`);
      const res = await fetch(new URL(icon, base));
      expect(res.status, icon).toBe(200);
      expect(await res.text()).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    } finally {
      await server.close();
    }
  });
});

describe.each(catalogs)('catalog/$name as a git repository for Rancher', ({ name, chart }) => {
  const dir = catalogDir(name);

  it('has index.yaml at the root listing exactly its chart, every version with a relative url into assets/ and its digest', () => {
    const index = readYaml<Index>(path.join(dir, 'index.yaml'));
    expect(index.apiVersion).toBe('v1');
    expect(Object.keys(index.entries)).toEqual([chart]);
    const versions = index.entries[chart]!;
    expect(versions.map((v) => v.version)).toEqual([...versions.map((v) => v.version)].sort((a, b) => compare(b, a)));
    expect(versions[0]!.version).toBe(chartVersion(chart));
    for (const v of versions) {
      expect(v.name).toBe(chart);
      expect(v.urls).toHaveLength(1);
      const url = v.urls[0]!;
      expect(url, 'relative url').not.toMatch(/^[a-z][a-z0-9+.-]*:|^\//i);
      expect(url).toBe(`assets/${chart}/${chart}-${v.version}.tgz`);
      expect(sha256(path.join(dir, url))).toBe(v.digest);
    }
  });

  it('unpacks every indexed version under charts/<name>/<version>/ exactly as its archive holds it, and nothing else', async () => {
    const index = readYaml<Index>(path.join(dir, 'index.yaml'));
    const fromIndex = index.entries[chart]!.map((v) => `${chart}/${v.version}`);
    const onDisk = readdirSync(path.join(dir, 'charts')).flatMap((c) => readdirSync(path.join(dir, 'charts', c)).map((v) => `${c}/${v}`));
    expect(onDisk.sort()).toEqual(fromIndex.sort());
    for (const v of index.entries[chart]!) {
      const unpacked = path.join(dir, 'charts', chart, v.version);
      const archive = await unpackChart(readFileSync(path.join(dir, v.urls[0]!)));
      expect(files(unpacked).map((f) => f.rel).sort()).toEqual([...archive.keys()].sort());
      for (const [rel, data] of archive) expect(readFileSync(path.join(unpacked, rel)).equals(data), `${v.version}/${rel}`).toBe(true);
    }
  });

  it('has the icon the index names at the path Rancher reads in a git clone', () => {
    // rancher/rancher pkg/catalogv2/git/content.go Icon + relative: file:// is stripped
    // and the path is taken below the clone.
    const index = readYaml<Index>(path.join(dir, 'index.yaml'));
    const icon = index.entries[chart]![0]!.icon!;
    expect(icon).not.toMatch(/^data:/);
    expect(readFileSync(path.join(dir, icon.replace(/^file:\/\//, '')), 'utf8')).toContain('<svg');
  });

  it('has no symlinks or special files anywhere', () => {
    const entries = walk(dir);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter((e) => e.kind !== 'file' && e.kind !== 'dir').map((e) => e.rel)).toEqual([]);
  });

  it('declares kubeVersion with a -0 pre-release suffix and string-valued catalog.cattle.io annotations', () => {
    const index = readYaml<Index>(path.join(dir, 'index.yaml'));
    const newest = index.entries[chart]![0]!;
    const meta = readYaml<IndexEntry>(path.join(dir, 'charts', chart, newest.version, 'Chart.yaml'));
    for (const m of [
      { where: `charts/${chart}/${newest.version}/Chart.yaml`, ...meta },
      { where: `index.yaml ${chart} ${newest.version}`, ...newest },
    ]) {
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
  expect(existsSync(path.join(BUILD_ROOT, 'catalog', 'README.md'))).toBe(true);
});
