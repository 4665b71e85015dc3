import { describe, expect, it } from 'vitest';
import { loadFaceConfig } from '../src/config.ts';
import { HTTP_PORT, probes } from '../../shared/contract.ts';
import { appContainer, containerEnv, plantChartDir, plantIds, template } from '../../../test/support/plants.ts';

describe.each(plantIds())('the chart of %s and the face service agree', (id) => {
  it('the environment the chart gives the face pods is a valid face configuration', async () => {
    const objs = await template(plantChartDir(id));
    const container = appContainer(objs, 'face');
    // Secrets arrive at run time; any value stands in for them here.
    const env = containerEnv(container, (name) => (name === 'MONGODB_URI' ? 'mongodb://db/kv' : 'from-a-secret'));
    const cfg = loadFaceConfig(env);
    expect(cfg.port).toBe(container.ports[0]!.containerPort);
    expect(cfg.port).toBe(HTTP_PORT);
    expect(cfg.workers).toBe(2);
    expect(cfg.mongodbUri).toBeDefined();
    expect(container.readinessProbe.httpGet.path).toBe(probes.readiness);
    expect(container.livenessProbe.httpGet.path).toBe(probes.liveness);
    expect(cfg.backend).toBe(id === 'linz-assembly' ? 'tensorflow-gpu' : 'wasm');
  });
});
