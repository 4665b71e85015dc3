import { cpSync, existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlants } from '../../src/pipeline/build.ts';
import { kubevision } from '../support/cli.ts';
import { PROJECT_ROOT, VALUES_DIR } from '../support/paths.ts';
import { theModel } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';
import { treeHashes } from '../support/tree.ts';

const tempDir = tempDirs();

describe('kubevision plan', () => {
  it('shows a reviewer where each service of the hybrid plant runs, with its GPU', async () => {
    const r = await kubevision(['plan', 'linz-assembly']);
    expect(r.code, r.stderr).toBe(0);
    const row = (svc: string) => r.stdout.split('\n').find((l) => l.startsWith(`${svc} `)) ?? '';
    expect(row('frontend')).toMatch(/^frontend\s+cloud\s+-\s+2\s/);
    expect(row('auth')).toMatch(/^auth\s+cloud\s+-\s+2-6 \(autoscaled\)/);
    expect(row('face')).toMatch(/^face\s+on-premise\s+1x nvidia\.com\/gpu \(runtime nvidia\)\s+1\s/);
    // What nodes it needs is listed under the table, which fits 100 columns.
    expect(r.stdout).toMatch(/^ {2}face\s+kubevision\.io\/site=onprem, nvidia\.com\/gpu\.present=true\n\s+tolerates kubevision\.io\/site=onprem:NoSchedule, nvidia\.com\/gpu:NoSchedule$/m);
    for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(100);
    expect(row('mongodb')).toMatch(/^mongodb\s+on-premise\s+-\s+1\s/);
    expect(r.stdout).toContain('dashboard: https://kubevision.linz-assembly.example.com/ via nginx');
  });

  it('says which calls cross the WAN and what a link outage stops: Linz cannot log in, its face step would fall back', async () => {
    const r = await kubevision(['plan', 'linz-assembly']);
    const lines = r.stdout.split('\n');
    const call = (name: string) => lines.slice(lines.findIndex((l) => l.trimStart().startsWith(`${name} `))).slice(0, 3).join('\n');
    expect(call('frontend -> auth')).toMatch(/local \(cloud\)/);
    expect(call('auth -> mongodb')).toMatch(/crosses \(cloud -> on-premise\)\n\s+link down: login impossible/);
    expect(call('auth -> face')).toMatch(/crosses \(cloud -> on-premise\)\n\s+link down: the face step answers face_unavailable: users with face login log\s+in with a recovery code/);
    expect(call('face -> mongodb')).toMatch(/local \(on-premise\)/);
    expect(r.stdout).toContain('WAN outage: login impossible (auth -> mongodb over the WAN).');
    // What each workload's pods do when their node stops reporting, read from the rendered tolerations.
    const row = (svc: string) => lines.find((l) => l.startsWith(`${svc} `)) ?? '';
    expect(row('mongodb')).toMatch(/\sstay$/);
    expect(row('auth')).toMatch(/\sevicted after 300s$/);
    for (const l of lines.filter((x) => x.startsWith('  '))) expect(l.length, l).toBeLessThanOrEqual(100);
  });

  it("places the Ingress controller where the plant declares it: the form's answer for Linz makes users' way in cross the WAN", async () => {
    const unknown = await kubevision(['plan', 'linz-assembly']);
    expect(unknown.stdout).toMatch(/ingress -> frontend\s+from the Ingress controller, its site unknown \(ingress\.controllerSite\)/);
    const r = await kubevision(['plan', 'linz-assembly', '--set', 'ingress.controllerSite=onprem']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ingress -> frontend\s+crosses \(on-premise -> cloud\)\n\s+link down: the dashboard cannot be reached/);
    expect(r.stdout).toContain('WAN outage: login impossible (ingress -> frontend, auth -> mongodb over the WAN).');
    const local = await kubevision(['plan', 'linz-assembly', '--set', 'ingress.controllerSite=cloud']);
    expect(local.stdout).toMatch(/ingress -> frontend\s+local \(cloud\)/);
  });

  it('keeps to 100 columns with a long GPU runtime name: the GPU cell wraps inside its column', async () => {
    const runtime = 'nvidia-container-runtime-experimental-long';
    const r = await kubevision(['plan', 'linz-assembly', '--set', `sites.onprem.gpu.runtimeClassName=${runtime}`]);
    expect(r.code, r.stderr).toBe(0);
    for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(100);
    const lines = r.stdout.split('\n');
    const face = lines.findIndex((l) => l.startsWith('face '));
    const column = lines.find((l) => l.startsWith('SERVICE'))!.indexOf('GPU');
    expect(lines[face]).toMatch(/1x nvidia\.com\/gpu \(runtime\s/);
    expect(lines[face + 1]!.indexOf(runtime)).toBe(column);
  });

  it('an autonomous plant logs in through an outage, and says where its k3s servers run', async () => {
    const r = await kubevision(['plan', 'stuttgart-body-shop']);
    expect(r.stdout).toContain('WAN outage: login keeps working; no call login needs crosses the WAN.');
    expect(r.stdout).toContain('The on-premise site works on its own (sites.onprem.autonomous): its k3s servers must run there\n(kubevision site stuttgart-body-shop onprem --role server).');
  });

  it('says when the database is external', async () => {
    const r = await kubevision(['plan', 'porto-logistics']);
    expect(r.stdout).toContain('mongodb: external');
    expect(r.stdout).not.toMatch(/^mongodb\s/m);
  });

  it('names a plant that does not exist', async () => {
    const r = await kubevision(['plan', 'atlantis']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('unknown plant "atlantis": there is no values/atlantis.yaml (plants: linz-assembly, porto-logistics, stuttgart-body-shop)');
  });
});

describe('kubevision new', () => {
  it.each(['hybrid', 'onprem', 'cloud'])('scaffolds a valid %s plant that builds and plans', async (preset) => {
    const dir = tempDir('new');
    const r = await kubevision(['new', `plant-${preset}`, '--name', `Plant ${preset}`, '--preset', preset, '--values', dir]);
    expect(r.code, r.stderr).toBe(0);
    const [plant] = loadPlants(theModel(), dir);
    expect(plant).toMatchObject({ id: `plant-${preset}`, displayName: `Plant ${preset}` });
    const plan = await kubevision(['plan', `plant-${preset}`, '--values', dir]);
    expect(plan.code, plan.stderr).toBe(0);
  });

  it('never overwrites a plant file and rejects a bad id', async () => {
    const dir = tempDir('new');
    expect((await kubevision(['new', 'x1', '--values', dir])).code).toBe(0);
    const again = await kubevision(['new', 'x1', '--values', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
    const bad = await kubevision(['new', 'Bad_Id', '--values', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('plant id "Bad_Id"');
    expect(readdirSync(dir)).toEqual(['x1.yaml']);
  });
});

describe('kubevision build', () => {
  it('fails on an invalid plant with the file and key, exit code 1, and writes nothing', async () => {
    const root = tempDir('root');
    const values = tempDir('values');
    cpSync(VALUES_DIR, values, { recursive: true });
    writeFileSync(
      path.join(values, 'broken.yaml'),
      'plant:\n  displayName: Broken\nvalues:\n  face:\n    placement: edge\n',
    );
    const r = await kubevision(['build', '--root', root, '--values', values]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken.yaml: values.face.placement: must be one of onprem, cloud, any (got "edge")');
    expect(readdirSync(root)).toEqual([]);
  });

  it('rebuilding one plant replaces only that plant and the generic chart', async () => {
    const root = tempDir('root');
    expect((await kubevision(['build', '--root', root])).code).toBe(0);
    const before = treeHashes(root);
    const r = await kubevision(['build', 'linz-assembly', '--root', root]);
    expect(r.code, r.stderr).toBe(0);
    // Nothing changed in the sources: not one byte changes, archives and indexes included.
    expect(treeHashes(root)).toEqual(before);
    expect(r.stdout).toContain('2 chart(s) unchanged, kept at their published version');
    expect(existsSync(path.join(root, 'catalog/stuttgart-body-shop/index.yaml'))).toBe(true);
  });

  it('publishes only the plant that changed, under a new version', async () => {
    const root = tempDir('root');
    const values = tempDir('values');
    cpSync(VALUES_DIR, values, { recursive: true });
    expect((await kubevision(['build', '--root', root, '--values', values])).code).toBe(0);
    const first = treeHashes(root);
    const again = await kubevision(['build', '--root', root, '--values', values]);
    expect(again.stdout).toContain('4 chart(s) unchanged');
    expect(treeHashes(root)).toEqual(first);

    const file = path.join(values, 'porto-logistics.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('replicaCount: 3\n  auth', 'replicaCount: 4\n  auth'));
    const third = await kubevision(['build', '--root', root, '--values', values]);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/new chart versions: kubevision-porto-logistics \d+\.\d+\.\d+\n/);
    // The summary says why: the changes the new version's Chart.yaml records.
    expect(third.stdout).toMatch(/^ {2}kubevision-porto-logistics \d+\.\d+\.\d+ \(catalog\/porto-logistics\):$/m);
    expect(third.stdout).toContain('\n    changed: Default of frontend.replicaCount: 3 to 4\n');
    const after = treeHashes(root);
    const changed = Object.keys(after).filter((f) => after[f] !== first[f]).sort();
    expect(changed.length).toBeGreaterThan(2);
    // The Fleet bundle carries every plant's values, so it changes with the plant.
    for (const f of changed) expect(f).toMatch(/^(charts\/kubevision-porto-logistics\/|catalog\/porto-logistics\/|catalog\/fleet\/fleet\.yaml$)/);
    expect(changed).toContain('catalog/porto-logistics/index.yaml');
    expect(changed).toContain('catalog/fleet/fleet.yaml');
  });

  it('shows progress when building several plants', async () => {
    const root = tempDir('root');
    const r = await kubevision(['build', '--root', root]);
    expect(r.stderr).toContain('[3/3]');
    expect(r.stdout).toMatch(/built 3 plant\(s\)/);
  });
});

describe('the committed charts and catalogs are what the build makes of the current source', () => {
  it('charts/ and catalog/ match a fresh build byte for byte, archives and indexes included (run npm run build if not)', async () => {
    const { BUILD_ROOT } = await import('../support/paths.ts');
    const tree = (root: string) => treeHashes(root, (rel) => rel.startsWith('.'));
    const fresh = { ...tree(path.join(BUILD_ROOT, 'charts')), ...tree(path.join(BUILD_ROOT, 'catalog')) };
    const committed = { ...tree(path.join(PROJECT_ROOT, 'charts')), ...tree(path.join(PROJECT_ROOT, 'catalog')) };
    expect(committed).toEqual(fresh);
    expect(readFileSync(path.join(PROJECT_ROOT, 'catalog/linz-assembly/index.yaml'), 'utf8')).toContain('kubevision-linz-assembly');
  });
});

describe('the kubevision command itself', () => {
  it('answers help and --version, and an unknown command with the usage and exit 2', async () => {
    for (const args of [['help'], ['--help'], ['-h'], ['build', '--help']]) {
      const r = await kubevision(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('kubevision build [PLANT...]');
    }
    const none = await kubevision([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('kubevision build [PLANT...]');
    const version = await kubevision(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(`kubevision ${JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version}`);
    const unknown = await kubevision(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command frobnicate');
  });

  it('remakes its bundle when a source file changed, and runs the new code', async () => {
    const bundle = path.join(PROJECT_ROOT, 'node_modules/.cache/kubevision/cli.mjs');
    expect((await kubevision(['list'])).code).toBe(0);
    const before = statSync(bundle).mtimeMs;
    // Same content, newer time: the stamp the bundle keeps per source no longer matches.
    const source = path.join(PROJECT_ROOT, 'src/plan/plan.ts');
    const now = new Date();
    utimesSync(source, now, now);
    const r = await kubevision(['list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('linz-assembly');
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(before);
  });
});
