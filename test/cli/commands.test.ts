import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubevision } from '../support/cli.ts';
import { VALUES_DIR } from '../support/paths.ts';
import { tempDirs } from '../support/temp.ts';

const tempDir = tempDirs();
const PLANTS = ['linz-assembly', 'porto-logistics', 'stuttgart-body-shop'];
const COMMANDS = ['build', 'publish', 'plan', 'diff', 'images', 'site', 'new', 'list'];
const fits = (text: string) => {
  for (const l of text.split('\n')) expect(l.length, l).toBeLessThanOrEqual(100);
};

describe('help', () => {
  it.each(COMMANDS)('kubevision %s --help, kubevision help %s: its usage line and every option', async (name) => {
    const [a, b, c] = await Promise.all([kubevision([name, '--help']), kubevision(['help', name]), kubevision([name, 'x', '-h'])]);
    for (const r of [a, b, c]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(a.stdout);
    }
    expect(a.stdout).toMatch(new RegExp(`^usage: kubevision ${name}`));
    expect(a.stdout).toContain('-h, --help');
    fits(a.stdout);
  });

  it('plan and site name their own options', async () => {
    const plan = (await kubevision(['help', 'plan'])).stdout;
    expect(plan).toMatch(/^usage: kubevision plan PLANT \[--values DIR\] \[--set KEY=VALUE\] .*\[--json\]/);
    expect(plan).toMatch(/^ {2}--set KEY=VALUE {2}a form answer/m);
    const site = (await kubevision(['site', '--help'])).stdout;
    expect(site).toMatch(/^ {2}--role agent\|server {2}the k3s role/m);
    expect(site).not.toContain('--set');
  });

  it('the overview lists every command in 100 columns; help for an unknown command is a usage error', async () => {
    const r = await kubevision(['help']);
    for (const name of COMMANDS) expect(r.stdout).toContain(`kubevision ${name}`);
    fits(r.stdout);
    const unknown = await kubevision(['help', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command frobnicate');
  });
});

describe('options a command does not take: exit 2, named, with the usage line', () => {
  it.each([
    [['plan', 'linz-assembly', '--frob'], 'plan does not take --frob'],
    [['list', '--gpu'], 'list does not take --gpu (an option of site)'],
    [['build', '--json'], 'build does not take --json (an option of plan, diff, images, site, list)'],
    [['site', 'linz-assembly', 'onprem', '--set', 'a=b'], 'site does not take --set (an option of plan)'],
    [['new', 'x', '--root', '/tmp'], 'new does not take --root (an option of build, publish, diff)'],
    [['plan', 'linz-assembly', '--values'], "plan: Option '--values <value>' argument missing"],
    [['list', 'extra'], 'list takes no arguments'],
    [['plan'], 'plan takes one plant'],
  ])('%j', async (args, message) => {
    const r = await kubevision(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(`usage: kubevision ${args[0]}`);
    expect(r.stdout).toBe('');
  });
});

describe('errors read the same in every command', () => {
  it('an unknown plant: the relative path and the plants there are (exit 1)', async () => {
    const expected = 'unknown plant "atlantis": there is no values/atlantis.yaml (plants: linz-assembly, porto-logistics, stuttgart-body-shop)';
    for (const args of [['plan', 'atlantis'], ['images', 'atlantis'], ['site', 'atlantis', 'onprem'], ['diff', 'atlantis'], ['build', 'atlantis', '--root', tempDir('root')]]) {
      const r = await kubevision(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim(), args.join(' ')).toBe(expected);
    }
  });
});

describe('--json', () => {
  it('list: each plant with its name, file and chart', async () => {
    const r = await kubevision(['list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plants = JSON.parse(r.stdout) as { id: string; displayName: string; file: string; chart: string }[];
    expect(plants.map((p) => p.id)).toEqual(PLANTS);
    expect(plants[0]).toMatchObject({ id: 'linz-assembly', displayName: 'Linz Final Assembly', file: 'values/linz-assembly.yaml', chart: 'kubevision-linz-assembly' });
  });

  it('plan: the same workloads and calls as the text', async () => {
    const [j, t] = await Promise.all([kubevision(['plan', 'linz-assembly', '--json']), kubevision(['plan', 'linz-assembly'])]);
    expect(j.code, j.stderr).toBe(0);
    const plan = JSON.parse(j.stdout) as { plant: { id: string }; workloads: { component: string; sites: string[]; gpus?: { count: number } }[]; calls: { from: string; to: string; path: string }[]; ingress: string };
    expect(plan.plant.id).toBe('linz-assembly');
    expect(plan.workloads.map((w) => w.component)).toEqual(['auth', 'face', 'frontend', 'mongodb']);
    expect(plan.workloads.find((w) => w.component === 'face')).toMatchObject({ sites: ['onprem'], gpus: { count: 1 } });
    expect(plan.calls.find((c) => c.from === 'auth' && c.to === 'mongodb')?.path).toBe('crosses');
    expect(t.stdout).toContain(`dashboard: ${plan.ingress}`);
  });
});

describe('plan fits 100 columns', () => {
  it.each(PLANTS)('%s', async (plant) => {
    const r = await kubevision(['plan', plant]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^SERVICE\s+SITE\s+GPU\s+REPLICAS\s+NODE LINK DOWN$/m);
    expect(r.stdout).toContain('Nodes each service needs');
    fits(r.stdout);
  });
});

describe('plan --set: form answers previewed', () => {
  it('answers merged over the plant values, rendered and planned; nothing written', async () => {
    const before = readFileSync(path.join(VALUES_DIR, 'linz-assembly.yaml'), 'utf8');
    const r = await kubevision(['plan', 'linz-assembly', '--set', 'face.replicaCount=3', '--set', 'frontend.placement=onprem']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('With form answers (not written anywhere): face.replicaCount=3, frontend.placement="onprem"');
    expect(r.stdout).toMatch(/^face\s+on-premise\s+1x nvidia\.com\/gpu \(runtime nvidia\)\s+3\s/m);
    expect(r.stdout).toMatch(/^frontend\s+on-premise\s/m);
    expect(r.stdout).toMatch(/^ {2}frontend -> auth\s+crosses \(on-premise -> cloud\)/m);
    expect(readFileSync(path.join(VALUES_DIR, 'linz-assembly.yaml'), 'utf8')).toBe(before);
    const json = JSON.parse((await kubevision(['plan', 'linz-assembly', '--set', 'frontend.placement=onprem', '--json'])).stdout) as { answers: Record<string, unknown>; workloads: { component: string; sites: string[] }[] };
    expect(json.answers).toEqual({ 'frontend.placement': 'onprem' });
    expect(json.workloads.find((w) => w.component === 'frontend')?.sites).toEqual(['onprem']);
  });

  it.each([
    [['face.placement=cloud'], "--set face.placement=cloud: linz-assembly's form offers onprem, any"],
    [['face.placment=onprem'], "--set face.placment: not a question of linz-assembly's form (face: face.placement,"],
    [['nothing.here=1'], "--set nothing.here: not a question of linz-assembly's form"],
    [['frontend.autoscaling.enabled=true', 'frontend.autoscaling.minReplicas=9', 'frontend.autoscaling.maxReplicas=2'], 'frontend.autoscaling.minReplicas is above frontend.autoscaling.maxReplicas'],
  ])('refused: %j', async (sets, message) => {
    const r = await kubevision(['plan', 'linz-assembly', ...sets.flatMap((s) => ['--set', s])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('--set without = is a usage error', async () => {
    const r = await kubevision(['plan', 'linz-assembly', '--set', 'face.replicaCount']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set face.replicaCount: expected KEY=VALUE');
  });
});

describe('diff: what a rebuild would change', () => {
  it('nothing after a build; a changed plant file shows its values and the objects it changes', async () => {
    const root = tempDir('root');
    const values = tempDir('values');
    cpSync(VALUES_DIR, values, { recursive: true });
    expect((await kubevision(['build', '--root', root, '--values', values])).code).toBe(0);
    const same = await kubevision(['diff', 'porto-logistics', '--root', root, '--values', values]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/^porto-logistics: a rebuild changes nothing; charts\/kubevision-porto-logistics \d+\.\d+\.\d+ stays as published\.$/m);

    const file = path.join(values, 'porto-logistics.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('replicaCount: 3\n  auth', 'replicaCount: 4\n  auth'));
    const r = await kubevision(['diff', 'porto-logistics', '--root', root, '--values', values]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('porto-logistics: a rebuild publishes a new version of kubevision-porto-logistics');
    expect(r.stdout).toContain('  changed: Default of frontend.replicaCount: 3 to 4');
    expect(r.stdout).toMatch(/^ {2}~ \S+\/kubevision-frontend$/m);
    fits(r.stdout);
    const json = JSON.parse((await kubevision(['diff', 'porto-logistics', '--root', root, '--values', values, '--json'])).stdout) as {
      same: boolean;
      changes: { kind: string; description: string }[];
      objects: { added: string[]; removed: string[]; changed: { object: string; paths: string[] }[] };
    };
    expect(json.same).toBe(false);
    expect(json.changes).toContainEqual({ kind: 'changed', description: 'Default of frontend.replicaCount: 3 to 4' });
    expect(json.objects.added).toEqual([]);
    expect(json.objects.removed).toEqual([]);
  });

  it('a plant with no published chart yet', async () => {
    const r = await kubevision(['diff', 'linz-assembly', '--root', tempDir('empty-root')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('linz-assembly: no published chart in charts/kubevision-linz-assembly; a build publishes its first version.');
    expect(r.stdout).toMatch(/^ {2}\+ Deployment\/kubevision-face$/m);
  });
});

describe('new says what to do next', () => {
  it('edit the file, then plan, site and build', async () => {
    const dir = tempDir('new');
    const r = await kubevision(['new', 'acme-lyon', '--name', 'ACME Lyon', '--values', dir]);
    expect(r.code, r.stderr).toBe(0);
    const rel = path.relative(process.cwd(), path.join(dir, 'acme-lyon.yaml'));
    expect(r.stdout).toContain(`wrote ${rel}`);
    expect(r.stdout).toContain(`1. edit ${rel}:`);
    expect(r.stdout).toMatch(/2\. npm run kubevision -- plan acme-lyon --values \S+/);
    expect(r.stdout).toMatch(/3\. npm run kubevision -- site acme-lyon onprem/);
    expect(r.stdout).toMatch(/4\. npm run build -- acme-lyon/);
    fits(r.stdout);
    const bad = await kubevision(['new', 'x', '--preset', 'edge', '--values', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--preset must be one of hybrid, onprem, cloud (got "edge")');
  });
});
