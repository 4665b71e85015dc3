import { availableParallelism } from 'node:os';

/** Runs `task` over `items` with at most `limit` at once; fails fast with the first error. */
export async function mapLimit<T, R>(items: T[], task: (item: T, index: number) => Promise<R>, limit = availableParallelism()): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
