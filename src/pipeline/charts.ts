import type { ChartSpec } from '../chart/chart-files.ts';
import type { Model } from '../model.ts';
import type { Plant } from '../plant/load.ts';

export const GENERIC_CHART = 'kubevision';
export const plantChartName = (plant: Pick<Plant, 'id'>) => `kubevision-${plant.id}`;

export function genericChart(m: Model): ChartSpec {
  return {
    name: GENERIC_CHART,
    title: 'KubeVision (generic)',
    description: 'Face authentication for production plants: dashboard, auth, face service and MongoDB, placed per service on on-premise or cloud nodes',
    intro:
      'The generic KubeVision chart, with no plant preconfigured: choose per service whether it runs on the on-premise edge nodes, in the cloud or anywhere, and how the dashboard is exposed. A plant that has its own catalog installs its own chart instead (KubeVision for <plant>): it carries the plant\'s sites, GPUs, registry and hostnames.',
    root: m.root,
    defaults: m.defaults,
    rules: m.rules,
    templates: m.templates,
  };
}

export function plantChart(m: Model, plant: Plant): ChartSpec {
  return {
    name: plantChartName(plant),
    title: `KubeVision for ${plant.displayName}`,
    description: `KubeVision with the defaults of ${plant.displayName}`,
    intro: `KubeVision preconfigured for **${plant.displayName}**.${plant.description ? ` ${plant.description}` : ''} The form offers only the choices this plant's sites support; its defaults are the plant's.`,
    root: m.root,
    defaults: plant.values,
    rules: m.rules,
    templates: m.templates,
  };
}
