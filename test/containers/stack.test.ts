import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../../apps/auth/test/browser.ts';
import { PASSWORD } from '../../apps/auth/test/support.ts';
import { env as names } from '../../apps/shared/contract.ts';
import type { K8sObject } from '../../src/plan/render.ts';
import { FIXTURES } from '../support/paths.ts';
import { TEST_PG_URL, ensurePostgres } from '../support/postgres.ts';
import { freePort } from '../support/registry.ts';
import { tcpRelay } from '../support/tcp-relay.ts';
import pg from 'pg';
import { byKind, component, ofComponent, plantChartDir, template } from '../support/plants.ts';
import { podSpec, podmanRun, resolvedEnv, type Container } from './pod.ts';
import { podman, podmanOk, waitFor } from './podman.ts';

/**
 * The three services as containers, from the images the setup built, each run as the
 * rendered chart's Deployment says (user, read-only root, capabilities, limits, volumes,
 * environment with the Secrets helm generated), on one podman network where the chart's
 * Service names resolve (aardvark-dns), as cluster DNS would resolve them.
 * What is not the chart's: MongoDB cannot run here (environment.md), so each service's
 * MONGODB_URI gives way to DATABASE_URL naming a database of its own on this machine's
 * PostgreSQL server, reached through a relay on the network's gateway: a server outside
 * the pod, as MongoDB is. (Embedded PGlite would be in-process, and its first start
 * alone needs more than the chart's 512Mi limit: the kubelet would OOM-kill it.)
 */
const PLANT = 'porto-logistics'; // face on CPU sites; linz-assembly's face needs the GPU image
const SERVICES = ['face', 'auth', 'frontend'] as const;
type Service = (typeof SERVICES)[number];
const run = `kvtest-${process.pid}-${randomBytes(3).toString('hex')}`;
const photo = (f: string) => readFileSync(path.join(FIXTURES, 'faces', f)).toString('base64');

let objs: K8sObject[] = [];
const relay = tcpRelay(Number(new URL(TEST_PG_URL).port || 5432));
const database = run.replace(/-/g, '_');
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  await c.query(sql).finally(() => c.end());
};
const started: Partial<Record<Service, { container: Container; name: string; graceSeconds: number; startedAt: number }>> = {};
const readyAfter: Partial<Record<Service, number>> = {};

async function hostPort(name: string, containerPort: number): Promise<string> {
  const out = (await podmanOk(['port', name, `${containerPort}/tcp`])).trim().split('\n')[0]!;
  return `http://${out.replace(/^0\.0\.0\.0/, '127.0.0.1')}`;
}

async function logsOf(name: string): Promise<string> {
  const r = await podman(['logs', '--tail', '30', name]);
  return `${r.stdout}${r.stderr}`.slice(-4000);
}

/** The URL a probe's port (a name or a number) reaches from the host. */
async function probeUrl(s: Service, probe: { httpGet: { path: string; port: string | number } }): Promise<string> {
  const { container, name } = started[s]!;
  const port = typeof probe.httpGet.port === 'number' ? probe.httpGet.port : container.ports?.find((p) => p.name === probe.httpGet.port)?.containerPort;
  if (port === undefined) throw new Error(`${s}: probe port ${probe.httpGet.port} is no container port`);
  return (await hostPort(name, port)) + probe.httpGet.path;
}

const probeStatus = async (s: Service, probe: NonNullable<Container['readinessProbe']>) =>
  (await fetch(await probeUrl(s, probe), { signal: AbortSignal.timeout((probe.timeoutSeconds ?? 1) * 1000) })).status;

/**
 * As the kubelet probes: the startup probe until it passes, within its budget
 * (initialDelaySeconds + periodSeconds x failureThreshold), then readiness. Resolves to the
 * seconds from `podman run` to ready; all three are watched at once from their start.
 */
async function watchProbes(s: Service): Promise<number> {
  const { container: c, name, startedAt } = started[s]!;
  const startup = c.startupProbe!;
  const budgetMs = ((startup.initialDelaySeconds ?? 0) + (startup.periodSeconds ?? 10) * (startup.failureThreshold ?? 3)) * 1000;
  try {
    await waitFor(`${s} startup probe`, budgetMs - (performance.now() - startedAt), async () => ((await probeStatus(s, startup)) === 200 ? true : undefined));
    // Readiness follows once the service's own dependencies answer.
    await waitFor(`${s} readiness probe`, 60_000, async () => ((await probeStatus(s, c.readinessProbe!)) === 200 ? true : undefined));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${await logsOf(name)}`);
  }
  return (performance.now() - startedAt) / 1000;
}
const probing: Partial<Record<Service, Promise<number>>> = {};

beforeAll(async () => {
  objs = await template(plantChartDir(PLANT));
  await podmanOk(['network', 'create', run]);
  await ensurePostgres();
  await admin(`CREATE DATABASE ${database}`);
  const gateway = (await podmanOk(['network', 'inspect', run, '--format', '{{(index .Subnets 0).Gateway}}'])).trim();
  // netavark makes the bridge, and so the gateway address, with the first container: the
  // relay listens once they run (the services start without their database, by design).
  const dbPort = await freePort();
  const pgUrl = new URL(TEST_PG_URL);
  pgUrl.host = `${gateway}:${dbPort}`;
  pgUrl.pathname = `/${database}`;
  const secrets = byKind(objs, 'Secret');
  // Kubernetes starts the pods together; so does the test: none may depend on another being up first.
  await Promise.all(
    SERVICES.map(async (s) => {
      const d = ofComponent(objs, 'Deployment', s);
      const aliases = byKind(objs, 'Service').filter((x) => component(x) === s).map((x) => x.metadata.name);
      const c = podSpec(d).containers[0]!;
      const env = resolvedEnv(c, secrets, { [names.mongodbUri]: null, DATABASE_URL: pgUrl.href });
      const name = `${run}-${s}`;
      const { args, container, graceSeconds } = podmanRun(d, { name, network: run, aliases, env });
      const startedAt = performance.now();
      await podmanOk(args);
      started[s] = { container, name, graceSeconds, startedAt };
    }),
  );
  await relay.listen(dbPort, gateway);
  for (const s of SERVICES) {
    probing[s] = watchProbes(s);
    probing[s].catch(() => undefined); // awaited by the test of each service
  }
}, 180_000);

afterAll(async () => {
  for (const s of SERVICES) if (started[s]) await podman(['rm', '-f', '-v', started[s]!.name]);
  await podman(['network', 'rm', '-f', run]);
  await relay.cut();
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  console.log(`${PLANT} as containers, ready after: ${SERVICES.map((s) => `${s} ${readyAfter[s]?.toFixed(1)} s`).join(', ')}`);
});

describe(`${PLANT}: face, auth and the dashboard as containers, wired by the chart's environment`, () => {
  it("the URLs in the environment name the chart's Services, on the port the containers listen on", () => {
    const services = byKind(objs, 'Service');
    for (const [s, variable] of [['face', names.faceServiceUrl], ['auth', names.authServiceUrl]] as const) {
      const caller = s === 'face' ? 'auth' : 'frontend';
      const value = started[caller]!.container.env?.find((e) => e.name === variable)?.value;
      const url = new URL(value ?? '');
      const svc = services.find((x) => x.metadata.name === url.hostname);
      expect(svc && component(svc), `${caller} ${variable}=${value}`).toBe(s);
      // The Service forwards its port to the container port named http; the network here
      // has no Service in between, so the two must be one number for the test to be fair.
      const ports = (svc!.spec as { ports: { port: number; targetPort: string | number }[] }).ports;
      const http = started[s]!.container.ports!.find((p) => p.name === 'http')!;
      expect(ports.find((p) => p.port === Number(url.port))?.targetPort).toBe('http');
      expect(Number(url.port)).toBe(http.containerPort);
    }
  });

  it.each(SERVICES)('%s: its startup, readiness and liveness probes answer within the budget the chart gives the kubelet', async (s) => {
    const { container: c, name } = started[s]!;
    readyAfter[s] = await probing[s]!;
    expect(await probeStatus(s, c.livenessProbe!)).toBe(200);
    const state = JSON.parse(await podmanOk(['inspect', '--format', '{{json .State}}', name])) as { Running: boolean; Restarting: boolean };
    expect(state.Running).toBe(true);
  });

  it('each runs as the chart says: UID 10001, no capabilities, no new privileges, read-only root, /tmp writable', async () => {
    for (const s of SERVICES) {
      const { name } = started[s]!;
      const out = await podmanOk([
        'exec',
        name,
        'sh',
        '-c',
        'id -u; id -g; grep -E "^(CapEff|CapBnd|NoNewPrivs):" /proc/1/status | tr -s "\\t" " "; touch /app/x 2>&1 || true; touch /tmp/x && echo tmp-ok; cat /proc/1/comm',
      ]);
      const lines = out.trim().split('\n');
      expect(lines.slice(0, 5), s).toEqual(['10001', '10001', 'CapEff: 0000000000000000', 'CapBnd: 0000000000000000', 'NoNewPrivs: 1']);
      expect(lines[5], s).toMatch(/Read-only file system/);
      expect(lines.slice(6), s).toEqual(['tmp-ok', 'node']);
    }
  });

  it('a worker registers and logs in through the dashboard container, and enrolls a face through dashboard, auth and face', async () => {
    const { container, name } = started.frontend!;
    const dashboard = await hostPort(name, container.ports!.find((p) => p.name === 'http')!.containerPort);
    const email = `container-${run}@plant.example`;
    const b = await new Browser(dashboard).open();
    const reg = await b.post('/api/register', { email, name: 'Container Worker', password: PASSWORD });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    expect((await b.get('/api/me')).body.user.email).toBe(email);
    const enrolled = await b.post('/api/me/face', { images: [photo('yale-1.jpg'), photo('yale-2.jpg')] });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    expect(enrolled.body.recoveryCodes).toHaveLength(10);
    expect((await b.post('/api/logout')).status).toBe(200);

    const again = await new Browser(dashboard).open();
    const login = await again.post('/api/login', { email, password: PASSWORD });
    expect(login.status).toBe(200);
    // Face login is on for this account now: the password is only the first step.
    expect(login.body.stage).toBe('face');
    const recovered = await again.post('/api/login/recovery', { code: enrolled.body.recoveryCodes[0] });
    expect(recovered.status, JSON.stringify(recovered.body)).toBe(200);
    expect((await again.get('/api/me')).body.user).toMatchObject({ email, face: { enabled: true } });
  });

  it('each stops on SIGTERM within its termination grace period, exit code 0', async () => {
    const took: string[] = [];
    for (const s of [...SERVICES].reverse()) {
      const { name, graceSeconds } = started[s]!;
      const t0 = performance.now();
      await podmanOk(['stop', '--time', String(graceSeconds), name], { timeoutMs: (graceSeconds + 30) * 1000 });
      const seconds = (performance.now() - t0) / 1000;
      took.push(`${s} ${seconds.toFixed(1)} s`);
      const state = JSON.parse(await podmanOk(['inspect', '--format', '{{json .State}}', name])) as { ExitCode: number };
      // 0, not 137: node (PID 1) closed on SIGTERM before podman's SIGKILL at the grace period.
      expect(state.ExitCode, `${s}: ${await logsOf(name)}`).toBe(0);
    }
    console.log(`stopped: ${took.join(', ')}`);
  });
});
