import path from 'node:path';
import type { ChartContent } from '../chart/chart-files.ts';
import { PlantError } from './errors.ts';
import type { Plant } from './load.ts';

/**
 * helm refuses a chart with a file over 5 MiB (helm/helm pkg/chart/loader/archive.go,
 * MaxDecompressedFileSize). The build stays well below: at 1 MiB a chart file is a mistake
 * (a pasted blob in a value), and Rancher shows README.md and app-readme.md on the app page.
 */
export const CHART_FILE_MAX = 1024 * 1024;

/** The longest string in the plant's values, with its key: what made a file that big. */
function largestValue(v: unknown, at = 'values'): { key: string; length: number } {
  if (typeof v === 'string') return { key: at, length: v.length };
  let best = { key: at, length: 0 };
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const c = largestValue(child, Array.isArray(v) ? `${at}[${k}]` : `${at}.${k}`);
      if (c.length > best.length) best = c;
    }
  }
  return best;
}

export function checkChartFiles(content: ChartContent, plant: Plant | null): void {
  const problems: string[] = [];
  for (const [rel, text] of content.body) {
    const bytes = Buffer.byteLength(text);
    if (bytes <= CHART_FILE_MAX) continue;
    const culprit = plant ? largestValue(plant.overrides) : undefined;
    problems.push(
      `${rel} of chart ${content.name} would be ${(bytes / 2 ** 20).toFixed(1)} MiB (at most ${CHART_FILE_MAX / 2 ** 20} MiB)` +
        (culprit?.length ? `; the longest value is ${culprit.key} (${culprit.length} characters)` : ''),
    );
  }
  if (problems.length) throw new PlantError(plant ? path.relative(process.cwd(), plant.file) || plant.file : content.name, problems);
}
