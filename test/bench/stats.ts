/** Small statistics and formatting helpers for the benchmarks. Numbers only, no verdicts. */

export interface Summary {
  runs: number;
  median: number;
  /** Nearest-rank 95th percentile: with fewer than 20 samples it is the maximum. */
  p95: number;
  min: number;
  max: number;
}

const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export function median(xs: readonly number[]): number {
  if (!xs.length) return Number.NaN;
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = sorted(xs);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

export const p95 = (xs: readonly number[]): number => percentile(xs, 95);

export function summarize(xs: readonly number[]): Summary {
  const s = sorted(xs);
  return { runs: s.length, median: median(s), p95: p95(s), min: s[0] ?? Number.NaN, max: s[s.length - 1] ?? Number.NaN };
}

/** Milliseconds, rounded: "1234" (or "-" when missing). */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '-';
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

export function fmtRatio(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '-';
  return `${r.toFixed(2)}x`;
}

/** Times one call of `fn` in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** A plain-text table; numeric-looking cells are right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (s: string) => /^[-0-9.x]+$/.test(s) && s !== '-';
  const line = (cells: string[]) =>
    cells.map((c, i) => (numeric(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
