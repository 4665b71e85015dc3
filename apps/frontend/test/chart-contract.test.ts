import { describe, expect, it } from 'vitest';
import { loadFrontendConfig } from '../src/config.ts';
import { HTTP_PORT, probes } from '../../shared/contract.ts';
import { appContainer, containerEnv, ofComponent, plantChartDir, plantIds, template } from '../../../test/support/plants.ts';

describe.each(plantIds())('the chart of %s and the frontend agree', (id) => {
  it('the environment the chart gives the frontend pods is a valid frontend configuration', async () => {
    const objs = await template(plantChartDir(id));
    const container = appContainer(objs, 'frontend');
    // Secrets arrive at run time; any value stands in for them here (the frontend has none today).
    const env = containerEnv(container, () => 'from-a-secret');
    const cfg = loadFrontendConfig(env);
    expect(cfg.port).toBe(container.ports[0]!.containerPort);
    expect(cfg.port).toBe(HTTP_PORT);
    expect(container.readinessProbe.httpGet.path).toBe(probes.readiness);
    expect(container.livenessProbe.httpGet.path).toBe(probes.liveness);
  });

  it("the auth URL the frontend forwards to is the chart's auth Service, which reaches the auth pods' HTTP port", async () => {
    const objs = await template(plantChartDir(id));
    const cfg = loadFrontendConfig(containerEnv(appContainer(objs, 'frontend'), () => 'from-a-secret'));
    const service = ofComponent(objs, 'Service', 'auth');
    const port = (service.spec as { ports: { port: number; targetPort: string }[] }).ports[0]!;
    expect(cfg.authServiceUrl).toBe(`http://${service.metadata.name}:${port.port}`);
    const auth = appContainer(objs, 'auth');
    expect(auth.ports.find((p) => p.name === port.targetPort)?.containerPort).toBe(HTTP_PORT);
  });
});
