import { describe, expect, it } from 'vitest';
import { loadFrontendConfig } from '../src/config.ts';
import { HTTP_PORT, MANAGEMENT_PORT, probes } from '../../shared/contract.ts';
import { loadAuthConfig } from '../../auth/src/config.ts';
import { loadFaceConfig } from '../../face/src/config.ts';
import { appContainer, containerEnv, helm, ofComponent, plantChartDir, plantIds, template, SECRET_STAND_IN } from '../../../test/support/plants.ts';

describe.each(plantIds())('the chart of %s and the frontend agree', (id) => {
  it('the environment the chart gives the frontend pods is a valid frontend configuration', async () => {
    const objs = await template(plantChartDir(id));
    const container = appContainer(objs, 'frontend');
    // Secrets arrive at run time; any value stands in for them here (the frontend has none today).
    const env = containerEnv(container, () => SECRET_STAND_IN);
    const cfg = loadFrontendConfig(env);
    expect(cfg.port).toBe(container.ports[0]!.containerPort);
    expect(cfg.port).toBe(HTTP_PORT);
    expect(container.readinessProbe.httpGet.path).toBe(probes.readiness);
    expect(container.livenessProbe.httpGet.path).toBe(probes.liveness);
    // Probes and metrics on the management port, which no Service (so no Ingress) leads to.
    expect(cfg.managementPort).toBe(MANAGEMENT_PORT);
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(container.ports.find((p) => p.name === probe.httpGet.port)?.containerPort).toBe(MANAGEMENT_PORT);
    }
    const objs2 = await template(plantChartDir(id), ['--set', 'ingress.enabled=true']);
    const service = ofComponent(objs2, 'Service', 'frontend') as unknown as { spec: { ports: { port: number; targetPort: string }[] } };
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http']);
    const ingress = objs2.find((o) => o.kind === 'Ingress') as unknown as { spec: { rules: { http: { paths: { backend: { service: { port: { name?: string; number?: number } } } }[] } }[] } };
    const backends = ingress.spec.rules.flatMap((r) => r.http.paths.map((p) => p.backend.service.port));
    for (const b of backends) expect(b.name === 'http' || b.number === service.spec.ports[0]!.port, JSON.stringify(b)).toBe(true);
  });

  it("the auth URL the frontend forwards to is the chart's auth Service, which reaches the auth pods' HTTP port", async () => {
    const objs = await template(plantChartDir(id));
    const cfg = loadFrontendConfig(containerEnv(appContainer(objs, 'frontend'), () => SECRET_STAND_IN));
    const service = ofComponent(objs, 'Service', 'auth');
    const port = (service.spec as { ports: { port: number; targetPort: string }[] }).ports[0]!;
    expect(cfg.authServiceUrl).toBe(`http://${service.metadata.name}:${port.port}`);
    const auth = appContainer(objs, 'auth');
    expect(auth.ports.find((p) => p.name === port.targetPort)?.containerPort).toBe(HTTP_PORT);
  });
});

describe('who may name the client address (clientAddress.*)', () => {
  const chart = plantChartDir(plantIds()[0]!);
  const configs = async (args: string[] = []) => {
    const objs = await template(chart, args);
    const env = (c: string) => containerEnv(appContainer(objs, c), (name) => (name === 'MONGODB_URI' ? 'mongodb://db/kv' : SECRET_STAND_IN));
    return { frontend: loadFrontendConfig(env('frontend')), auth: loadAuthConfig(env('auth')), face: loadFaceConfig(env('face')) };
  };

  it('the dashboard believes the Ingress, auth the dashboard, face no one; a plant workstation is none of them', async () => {
    const c = await configs();
    expect(c.frontend.trustedProxies).toEqual(['10.42.0.0/16']);
    expect(c.auth.trustedProxies).toEqual(['10.42.0.0/16']);
    expect(c.face.trustedProxies).toEqual([]);
    const set = await configs(['--set-json', 'clientAddress.ingress=["10.42.0.0/16","fd00:42::/56"]', '--set-json', 'clientAddress.dashboard=[]']);
    expect(set.frontend.trustedProxies).toEqual(['10.42.0.0/16', 'fd00:42::/56']);
    expect(set.auth.trustedProxies).toEqual([]);
  });

  it('an entry that is not an address or range is refused by the chart, naming the key', async () => {
    const r = await helm(['template', 'kv', chart, '--set-json', 'clientAddress.ingress=["10.42.0.0/16","every-pod"]']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('clientAddress.ingress.1');
  });
});

describe('each hop waits longer than the one behind it (timeouts.*)', () => {
  const chart = plantChartDir(plantIds()[0]!);
  const configs = async (args: string[] = []) => {
    const objs = await template(chart, args);
    const env = (c: string) => containerEnv(appContainer(objs, c), (name) => (name === 'MONGODB_URI' ? 'mongodb://db/kv' : SECRET_STAND_IN));
    return { frontend: loadFrontendConfig(env('frontend')), auth: loadAuthConfig(env('auth')) };
  };

  it('the dashboard outwaits auth, whose face and password waits answer 503 first; a plant may move them together', async () => {
    const c = await configs();
    expect(c.frontend.authTimeoutSeconds).toBe(20);
    expect(c.auth.faceTimeoutMs).toBe(10_000);
    expect(c.auth.hashMaxWaitMs).toBe(5_000);
    const set = await configs(['--set', 'timeouts.gatewaySeconds=40', '--set', 'timeouts.faceSeconds=25', '--set', 'timeouts.passwordQueueSeconds=8']);
    expect([set.frontend.authTimeoutSeconds, set.auth.faceTimeoutMs, set.auth.hashMaxWaitMs]).toEqual([40, 25_000, 8_000]);
  });

  it("a face wait as long as the dashboard's is refused by the chart, naming both keys", async () => {
    const r = await helm(['template', 'kv', chart, '--set', 'timeouts.faceSeconds=20']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('timeouts.faceSeconds must be less than timeouts.gatewaySeconds');
    const q = await helm(['template', 'kv', chart, '--set', 'timeouts.passwordQueueSeconds=30']);
    expect(q.stderr).toContain('timeouts.passwordQueueSeconds must be less than timeouts.gatewaySeconds');
  });
});

describe('what the dashboard shows of the plant (frontend.branding)', () => {
  it.each(plantIds())("%s: its display name, from the plant file's values", async (id) => {
    const objs = await template(plantChartDir(id));
    const cfg = loadFrontendConfig(containerEnv(appContainer(objs, 'frontend'), () => SECRET_STAND_IN));
    const display = (await import('yaml')).parse((await import('node:fs')).readFileSync(new URL(`../../../values/${id}.yaml`, import.meta.url), 'utf8')).plant.displayName as string;
    expect(cfg.plantName).toBe(display);
    expect(cfg.help).toBe('');
  });
});
