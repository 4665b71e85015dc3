import { chartContent, type ChartContent } from '../chart/chart-files.ts';
import { withPlacementMap } from '../catalog/placement-map.ts';
import type { Model } from '../model.ts';
import { planMap } from '../plan/map.ts';
import { planPlant } from '../plan/plan.ts';
import type { Plant } from '../plant/load.ts';
import { plantChart } from './charts.ts';

/**
 * A plant chart's files as the build publishes them: the chart's own, and its placement map
 * (src/catalog/placement-map.ts), drawn from the chart as helm renders it (src/plan/plan.ts),
 * not from the values. `build` and `diff` both make a plant chart through here.
 */
export async function plantChartContent(model: Model, plant: Plant): Promise<ChartContent> {
  const map = planMap(await planPlant(model, plant));
  return withPlacementMap(chartContent(plantChart(model, plant)), map, plant.displayName);
}
