import { describe, expect, it } from 'vitest';
import { loadFaceConfig } from '../src/config.ts';
import { HTTP_PORT, probes } from '../../shared/contract.ts';
import { FACE_MODELS, DEFAULT_MODEL } from '../src/engine/models.ts';
import { appContainer, containerEnv, helm, plantChartDir, plantIds, template, SECRET_STAND_IN } from '../../../test/support/plants.ts';

describe.each(plantIds())('the chart of %s and the face service agree', (id) => {
  it('the environment the chart gives the face pods is a valid face configuration', async () => {
    const objs = await template(plantChartDir(id));
    const container = appContainer(objs, 'face');
    // Secrets arrive at run time; any value stands in for them here.
    const env = containerEnv(container, (name) => (name === 'MONGODB_URI' ? 'mongodb://db/kv' : SECRET_STAND_IN));
    const cfg = loadFaceConfig(env);
    expect(cfg.port).toBe(container.ports[0]!.containerPort);
    expect(cfg.port).toBe(HTTP_PORT);
    expect(cfg.workers).toBe(2);
    expect(cfg.mongodbUri).toBeDefined();
    expect(container.readinessProbe.httpGet.path).toBe(probes.readiness);
    expect(container.livenessProbe.httpGet.path).toBe(probes.liveness);
    expect(cfg.backend).toBe(id === 'linz-assembly' ? 'tensorflow-gpu' : 'wasm');
    expect(cfg.model).toBe(DEFAULT_MODEL);
  });
});

describe('face.model', () => {
  const chart = plantChartDir(plantIds()[0]!);
  it.each(FACE_MODELS)('%s in the values is the model the face service loads', async (model) => {
    const objs = await template(chart, ['--set', `face.model=${model}`]);
    const env = containerEnv(appContainer(objs, 'face'), (name) => (name === 'MONGODB_URI' ? 'mongodb://db/kv' : SECRET_STAND_IN));
    expect(loadFaceConfig(env).model).toBe(model);
  });

  it('a model the service does not offer is refused by the chart, naming the key', async () => {
    // mobilefacenet is measured but not offered (it scores every pair about 1.0).
    const r = await helm(['template', 'kv', chart, '--set', 'face.model=mobilefacenet']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('face.model must be one of the following: "faceres", "faceres-deep"');
  });
});
