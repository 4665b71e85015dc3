import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../../apps/auth/src/config.ts';
import { createAuthServer } from '../../apps/auth/src/server.ts';
import { loadFaceConfig } from '../../apps/face/src/config.ts';
import { createFaceServer } from '../../apps/face/src/server.ts';
import { loadFrontendConfig } from '../../apps/frontend/src/config.ts';
import { createFrontendServer } from '../../apps/frontend/src/server.ts';
import { HTTP_PORT, env as names, faceBackend, probes } from '../../apps/shared/contract.ts';
import { deadPort } from '../../apps/frontend/test/support/frontend.ts';
import { createLogger } from '../../apps/shared/log.ts';
import { appContainer, containerEnv, plantChartDir, plantIds, template, type AppContainer } from '../support/plants.ts';

const SERVICES = ['face', 'auth', 'frontend'] as const;
type Service = (typeof SERVICES)[number];

/** Each application container of a plant's rendered chart. */
async function containers(id: string): Promise<Record<Service, AppContainer>> {
  const objs = await template(plantChartDir(id));
  return { face: appContainer(objs, 'face'), auth: appContainer(objs, 'auth'), frontend: appContainer(objs, 'frontend') };
}

/** One value per secret key: the same Secret feeds auth and face, so they must agree. */
function podEnv(c: AppContainer, secrets: Map<string, string>): Record<string, string> {
  return containerEnv(c, (_name, ref) => {
    if (!secrets.has(ref.key)) secrets.set(ref.key, randomBytes(16).toString('hex'));
    return secrets.get(ref.key)!;
  });
}

/**
 * What stands in for the cluster here: the embedded database, loopback addresses, any free
 * port; a management port the chart sets moves to a free one (`management`).
 */
function onThisMachine(e: Record<string, string>, urls: Partial<Record<'face' | 'auth', string>>, management?: number): Record<string, string> {
  const out: Record<string, string> = { ...e, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'pglite:memory' };
  if (out[names.managementPort] && out[names.managementPort] !== '0') out[names.managementPort] = String(management);
  delete out[names.mongodbUri];
  if (urls.face) out[names.faceServiceUrl] = urls.face;
  if (urls.auth) out[names.authServiceUrl] = urls.auth;
  return out;
}

const log = createLogger('plant-stack', 'silent');
const running: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const s of running.reverse()) await s.close();
});

describe.each(plantIds())('%s: every service starts, and is ready, with the environment its chart gives it', (id) => {
  it('face, auth and frontend come up and answer their probes', async () => {
    const c = await containers(id);
    const secrets = new Map<string, string>();
    const env = { face: podEnv(c.face, secrets), auth: podEnv(c.auth, secrets), frontend: podEnv(c.frontend, secrets) };

    // The names the chart sets are the names the services read, with the values it promises.
    for (const s of SERVICES) {
      expect(env[s][names.port], `${s} PORT`).toBe(String(HTTP_PORT));
      expect(c[s].ports[0]!.containerPort, `${s} containerPort`).toBe(HTTP_PORT);
      expect(c[s].livenessProbe.httpGet.path).toBe(probes.liveness);
      expect(c[s].readinessProbe.httpGet.path).toBe(probes.readiness);
    }
    expect(env.face[names.faceServiceToken], 'auth and face share one credential').toBe(env.auth[names.faceServiceToken]);
    expect(loadFaceConfig(env.face).port).toBe(HTTP_PORT);
    expect(loadAuthConfig(env.auth).port).toBe(HTTP_PORT);
    expect(loadFrontendConfig(env.frontend).port).toBe(HTTP_PORT);

    // A GPU plant asks for tfjs-node-gpu, which belongs in the GPU image; here the face
    // service runs the same configuration on wasm.
    const backend = env.face[names.faceBackend];
    expect([faceBackend.cpu, faceBackend.gpu]).toContain(backend);
    const face = createFaceServer(loadFaceConfig({ ...onThisMachine(env.face, {}), [names.faceBackend]: faceBackend.cpu, [names.faceWorkers]: '1' }), { log });
    running.push(face);
    const faceUrl = (await face.start()).url;
    const auth = createAuthServer(loadAuthConfig(onThisMachine(env.auth, { face: faceUrl })), { log });
    running.push(auth);
    const authUrl = (await auth.start()).url;
    const management = await deadPort();
    const frontend = createFrontendServer(loadFrontendConfig(onThisMachine(env.frontend, { auth: authUrl }, management)), { log });
    running.push(frontend);
    const frontendUrl = (await frontend.start()).url;

    // As the kubelet does: the probe's port name, through the container's ports, to the listener.
    const urls: Record<Service, string> = { face: faceUrl, auth: authUrl, frontend: frontendUrl };
    const probeUrl = (s: Service, port: string) => {
      const containerPort = c[s].ports.find((p) => p.name === port)?.containerPort;
      expect(containerPort, `${s}: the probe's port ${port} is a container port`).toBeDefined();
      if (containerPort === HTTP_PORT) return urls[s];
      expect(containerPort, `${s}: ${port}`).toBe(Number(env[s][names.managementPort]));
      return `http://127.0.0.1:${management}`;
    };
    for (const s of SERVICES) {
      for (const probe of [c[s].livenessProbe, c[s].readinessProbe, c[s].startupProbe]) {
        const r = await fetch(probeUrl(s, probe.httpGet.port) + probe.httpGet.path);
        expect(r.status, `${id}: ${s} ${probe.httpGet.path}: ${await r.text()}`).toBe(200);
      }
    }
    // The dashboard's service port, which the Ingress reaches, does not answer them.
    expect((await fetch(`${frontendUrl}/metrics`)).status).toBe(404);
    // And they work together: the dashboard's origin reaches auth, auth reaches face.
    const session = await fetch(`${frontendUrl}/api/session`);
    expect(session.status).toBe(200);
    // Auth's credential is accepted by face: a challenge for nobody enrolled is 404 (liveness
    // on) or 409 (liveness off), never 401.
    const check = await fetch(`${faceUrl}/v1/liveness/challenges`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.auth[names.faceServiceToken]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'contract-check', binding: 'contract-check-binding' }),
    });
    expect([404, 409], await check.text()).toContain(check.status);

    for (const s of running.splice(0).reverse()) await s.close();
  }, 120_000);
});
