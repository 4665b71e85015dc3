import { describe, expect, it } from 'vitest';
import { loadFrontendConfig } from '../src/config.ts';
import { HTTP_PORT, probes } from '../../shared/contract.ts';
import type { K8sObject } from '../../../src/plan/render.ts';
import { plantChartDir, plantIds, template } from '../../../test/support/plants.ts';

interface Container {
  env: { name: string; value?: string; valueFrom?: unknown }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
}

const ofComponent = (objs: K8sObject[], kind: string, component: string) =>
  objs.find((o) => o.kind === kind && o.metadata.labels?.['app.kubernetes.io/component'] === component)!;

const containerOf = (deployment: K8sObject) =>
  (deployment.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;

describe.each(plantIds())('the chart of %s and the frontend agree', (id) => {
  it('the environment the chart gives the frontend pods is a valid frontend configuration', async () => {
    const objs = await template(plantChartDir(id));
    const container = containerOf(ofComponent(objs, 'Deployment', 'frontend'));
    // Secrets arrive at run time; any value stands in for them here (the frontend has none today).
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value ?? 'from-a-secret']));
    const cfg = loadFrontendConfig(env);
    expect(cfg.port).toBe(container.ports[0]!.containerPort);
    expect(cfg.port).toBe(HTTP_PORT);
    expect(container.readinessProbe.httpGet.path).toBe(probes.readiness);
    expect(container.livenessProbe.httpGet.path).toBe(probes.liveness);
  });

  it("the auth URL the frontend forwards to is the chart's auth Service, which reaches the auth pods' HTTP port", async () => {
    const objs = await template(plantChartDir(id));
    const cfg = loadFrontendConfig(Object.fromEntries(containerOf(ofComponent(objs, 'Deployment', 'frontend')).env.map((e) => [e.name, e.value ?? 'from-a-secret'])));
    const service = ofComponent(objs, 'Service', 'auth');
    const port = (service.spec as { ports: { port: number; targetPort: string }[] }).ports[0]!;
    expect(cfg.authServiceUrl).toBe(`http://${service.metadata.name}:${port.port}`);
    const auth = containerOf(ofComponent(objs, 'Deployment', 'auth'));
    expect(auth.ports.find((p) => p.name === port.targetPort)?.containerPort).toBe(HTTP_PORT);
  });
});
