import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { plantImages } from '../../src/images/plant-images.ts';
import type { KubeVisionValues } from '../../src/params/kubevision.ts';
import { coalesce } from '../../src/plant/merge.ts';
import { project } from '../../src/project.ts';
import { kubevision } from '../support/cli.ts';
import { images } from '../support/consumer-charts.ts';
import type { K8sObject } from '../../src/plan/render.ts';
import { tempDirs } from '../support/temp.ts';
import { genericChartDir, plantChartDir, template, theModel, thePlants } from '../support/plants.ts';

const temp = tempDirs();

const pulled = (objs: K8sObject[]) => images(objs).sort();

const listed = (values: KubeVisionValues) => plantImages(values, project().version).map((i) => i.image).sort();

/** What Artifact Hub reads from Chart.yaml: annotations."artifacthub.io/images", a YAML list in a string. */
const annotated = (dir: string) => {
  const chart = YAML.parse(readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as { annotations: Record<string, string> };
  return YAML.parse(chart.annotations['artifacthub.io/images']!) as { name: string; image: string }[];
};

describe('the images a plant must mirror are the ones its chart pulls', () => {
  it.each(thePlants().map((p) => [p.id, p] as const))('%s: the list, the Chart.yaml annotation and helm template agree', async (id, plant) => {
    const objs = await template(plantChartDir(id));
    expect(listed(plant.values)).toEqual(pulled(objs));
    expect(annotated(plantChartDir(id)).map((i) => i.image).sort()).toEqual(pulled(objs));
  });

  it('the generic chart, with a mirror, with Rancher\'s system default registry, with GPU face and without bundled MongoDB', async () => {
    const defaults = theModel().defaults;
    const cases: Record<string, unknown>[] = [
      {},
      { global: { imageRegistry: 'registry.plant.local:5000' } },
      { global: { cattle: { systemDefaultRegistry: 'rancher-mirror.local' }, systemDefaultRegistry: 'rancher-mirror.local' } },
      { global: { imageRegistry: 'mine.local', cattle: { systemDefaultRegistry: 'rancher-mirror.local' } }, face: { compute: 'gpu', image: { tag: '9.9.9' } }, sites: { onprem: { gpu: { enabled: true } } } },
      { mongodb: { mode: 'external', external: { existingSecret: 'db' } }, face: { enabled: false } },
    ];
    const dir = temp('images');
    for (const [n, over] of cases.entries()) {
      const file = path.join(dir, `values-${n}.yaml`);
      writeFileSync(file, YAML.stringify(over));
      const objs = await template(genericChartDir(), ['-f', file]);
      expect(listed(coalesce(defaults, over) as KubeVisionValues), JSON.stringify(over)).toEqual(pulled(objs));
    }
  });

  it('kubevision images PLANT: each image with its source, the copy commands, and --json', async () => {
    const mirrored = thePlants().find((p) => (p.values.global as { imageRegistry?: string }).imageRegistry);
    expect(mirrored, 'a plant with a registry mirror').toBeDefined();
    const json = await kubevision(['images', mirrored!.id, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as { images: { image: string; source: string }[]; mirrorCommands: string[] };
    expect(out.images.map((i) => i.image).sort()).toEqual(pulled(await template(plantChartDir(mirrored!.id))));
    expect(out.mirrorCommands).toEqual(out.images.map((i) => `skopeo copy --all docker://${i.source} docker://${i.image}`));
    const plain = await kubevision(['images', mirrored!.id]);
    for (const i of out.images) expect(plain.stdout).toContain(`${i.image}  (copy of ${i.source})`);
    for (const c of out.mirrorCommands) expect(plain.stdout).toContain(c);

    const direct = thePlants().find((p) => !(p.values.global as { imageRegistry?: string }).imageRegistry)!;
    expect((await kubevision(['images', direct.id])).stdout).toContain('nothing to mirror');
    const unknown = await kubevision(['images', 'no-such-plant']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no-such-plant');
  });
});

describe('Artifact Hub license', () => {
  it('claims no license while package.json grants none ("UNLICENSED"), and names the SPDX id once one is declared', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { license?: string };
    const charts = [genericChartDir(), ...thePlants().map((p) => plantChartDir(p.id))];
    for (const dir of charts) {
      const chart = YAML.parse(readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as { annotations: Record<string, string> };
      if (pkg.license === undefined || pkg.license === 'UNLICENSED') expect(chart.annotations).not.toHaveProperty(['artifacthub.io/license']);
      else expect(chart.annotations['artifacthub.io/license']).toBe(pkg.license);
    }
  });
});
