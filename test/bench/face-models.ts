import type { BenchContext, Row } from './context.ts';
import { measureAll, table } from '../fixtures/faces/measure-models.ts';

/**
 * Every face descriptor human can load, side by side on the fixtures (the same run as
 * test/fixtures/faces/models.md): accuracy, latency and memory per model. Rows: per-image
 * latency (detection plus embedding) per model, with faceres, the default, as the baseline.
 */
export async function benchFaceModels(ctx: BenchContext): Promise<Row[]> {
  const stats = measureAll();
  ctx.note(`face descriptors on the fixtures (test/fixtures/faces/measure-models.ts):\n${table(stats)}`);
  const base = stats.find((s) => s.model === 'faceres')!;
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return stats.map((s) => ({
    what: `face model ${s.model}: one image, detect + embed (ms)`,
    n: null,
    samples: s.run.ms,
    ...(s.model !== 'faceres' && { floorMedian: median(base.run.ms), ratioNote: 'faceres, same images, same run' }),
  }));
}
