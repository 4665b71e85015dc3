import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.ts';
import { loadAuthConfig } from '../src/config.ts';
import { passwordProblem } from '../src/passwords.ts';
import { createAuthServer, type AuthServer } from '../src/server.ts';
import { HTTP_PORT, env as envNames, probes } from '../../shared/contract.ts';
import { appContainer, containerEnv, genericChartDir, plantChartDir, plantIds, template, thePlants, SECRET_STAND_IN } from '../../../test/support/plants.ts';

/** The auth container of a rendered chart, and its environment with secrets stood in for. */
async function authContainer(chart: string, args: string[] = []) {
  const container = appContainer(await template(chart, args), 'auth');
  // Secrets arrive at run time; a value as long as the chart generates stands in for them here.
  const env = containerEnv(container, (name) => (name === envNames.mongodbUri ? 'mongodb://db/kv' : SECRET_STAND_IN));
  return { container, env };
}

/** What the chart promises: Secure cookies exactly when the browser reaches the dashboard over HTTPS. */
function expectedSecure(values: Record<string, any>): boolean {
  const mode = values.auth.session.secureCookies as string;
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return values.ingress.enabled === true && values.ingress.tls.enabled === true;
}

// The probes ask the running service, not the contract file: a real auth server answers them.
let server: AuthServer | undefined;
let url = '';
beforeAll(async () => {
  const cfg = loadAuthConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: 'pglite:memory',
    FACE_SERVICE_URL: 'http://127.0.0.1:9',
    FACE_SERVICE_TOKEN: 'test-face-token',
  });
  server = createAuthServer(cfg, { log: createLogger('auth-chart-contract', 'silent') });
  ({ url } = await server.start());
}, 90_000);
afterAll(async () => {
  await server?.close();
});

describe.each(plantIds())('the chart of %s and the auth service agree', (id) => {
  it('the environment the chart gives the auth pods is a valid auth configuration', async () => {
    const { container, env } = await authContainer(plantChartDir(id));
    const cfg = loadAuthConfig(env);
    expect(cfg.port).toBe(container.ports[0]!.containerPort);
    expect(cfg.port).toBe(HTTP_PORT);
    expect(cfg.mongodbUri).toBeDefined();
    expect(cfg.faceServiceUrl).toBe(`http://kv-kubevision-face:${HTTP_PORT}`);
    expect(cfg.faceServiceToken).toBe(SECRET_STAND_IN);
    expect(cfg.sessionIdleMinutes).toBe(60);
    expect(cfg.sessionAbsoluteHours).toBe(24);
  });

  it("secure cookies follow the plant's TLS", async () => {
    const plant = thePlants().find((p) => p.id === id)!;
    const { env } = await authContainer(plantChartDir(id));
    expect(env[envNames.authCookieSecure]).toBe(String(expectedSecure(plant.values)));
    expect(loadAuthConfig(env).cookieSecure).toBe(expectedSecure(plant.values));
  });

  it('the probes ask paths the auth service answers, on its HTTP port', async () => {
    const { container } = await authContainer(plantChartDir(id));
    expect(container.ports[0]!.name).toBe('http');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) expect(probe.httpGet.port).toBe('http');
    expect(container.livenessProbe.httpGet.path).toBe(probes.liveness);
    expect(container.readinessProbe.httpGet.path).toBe(probes.readiness);
    for (const path of [container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path, container.startupProbe.httpGet.path]) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(200);
    }
  });
});

describe('AUTH_COOKIE_SECURE follows auth.session.secureCookies and the Ingress', () => {
  const linz = () => plantChartDir('linz-assembly');
  const tlsOn = ['--set', 'ingress.host=kv.example.com', '--set', 'ingress.tls.enabled=true', '--set', 'ingress.tls.secretName=kv-tls'];
  const cases: [string, () => string, string[], boolean][] = [
    ['generic chart (plain HTTP by default): auto', genericChartDir, [], false],
    ['generic chart with Ingress TLS: auto', genericChartDir, tlsOn, true],
    ['generic chart, TLS ended in front of the cluster: always', genericChartDir, ['--set', 'auth.session.secureCookies=always'], true],
    ['TLS plant, plain-HTTP trial: never', linz, ['--set', 'auth.session.secureCookies=never'], false],
    ['TLS plant without the chart Ingress: auto', linz, ['--set', 'ingress.enabled=false'], false],
    ['TLS plant without the chart Ingress: always', linz, ['--set', 'ingress.enabled=false', '--set', 'auth.session.secureCookies=always'], true],
  ];
  it.each(cases)('%s', async (_name, chart, args, secure) => {
    const { env } = await authContainer(chart(), args);
    expect(env[envNames.authCookieSecure]).toBe(String(secure));
    expect(loadAuthConfig(env).cookieSecure).toBe(secure);
  });

  it('passes the session limits through', async () => {
    const { env } = await authContainer(genericChartDir(), ['--set', 'auth.session.idleMinutes=15', '--set', 'auth.session.absoluteHours=720']);
    const cfg = loadAuthConfig(env);
    expect(cfg.sessionIdleMinutes).toBe(15);
    expect(cfg.sessionAbsoluteHours).toBe(720);
  });
});

describe("the plant's own words reach the password rules (AUTH_PASSWORD_CONTEXT_WORDS)", () => {
  it("the namespace and auth.passwordContextWords, which each plant's values file fills", async () => {
    const plant = await authContainer(plantChartDir('linz-assembly'), ['--namespace', 'plant-linz']);
    expect(loadAuthConfig(plant.env).passwordContextWords.split(',')).toEqual(['plant-linz', 'Linz', 'Final Assembly']);
    const { env } = await authContainer(plantChartDir('linz-assembly'), ['--namespace', 'plant-linz', '--set-json', 'auth.passwordContextWords=["Linz Final Assembly","Voestalpine"]']);
    const cfg = loadAuthConfig(env);
    expect(cfg.passwordContextWords.split(',')).toEqual(['plant-linz', 'Linz Final Assembly', 'Voestalpine']);
    const words = { words: cfg.passwordContextWords.split(',') };
    for (const p of ['LinzFinalAssembly1', 'Linz-Final-Assembly!', 'voestalpine1', 'PlantLinz2026']) expect(passwordProblem(p, 'w@factory.example', 8, words)?.reason, p).toBe('context');
  });
});
