import type { ChartSpec } from '../chart/chart-files.ts';
import type { Model } from '../model.ts';
import type { Plant } from '../plant/load.ts';

export const GENERIC_CHART = 'kubevision';
export const plantChartName = (plant: Pick<Plant, 'id'>) => `kubevision-${plant.id}`;

export function genericChart(m: Model): ChartSpec {
  return {
    name: GENERIC_CHART,
    version: m.version,
    title: 'KubeVision',
    description: 'Face authentication for production plants: dashboard, auth, face service and MongoDB, placed per service on on-premise or cloud nodes',
    intro:
      'The generic KubeVision chart. Choose per service whether it runs on the on-premise edge nodes, in the cloud or anywhere, whether the face service uses a GPU, and how the dashboard is exposed.',
    root: m.root,
    defaults: m.defaults,
    tailored: false,
    templates: m.templates,
  };
}

export function plantChart(m: Model, plant: Plant): ChartSpec {
  return {
    name: plantChartName(plant),
    version: m.version,
    title: `KubeVision for ${plant.displayName}`,
    description: `KubeVision with the defaults of ${plant.displayName}`,
    intro: `KubeVision preconfigured for **${plant.displayName}**.${plant.description ? ` ${plant.description}` : ''} The form offers only the choices this plant's sites support; its defaults are the plant's.`,
    root: m.root,
    defaults: plant.values,
    tailored: true,
    templates: m.templates,
  };
}
