import { defineConfig } from 'vitest/config';

/**
 * The 50-client load test runs after the rest of the suite, alone: it drives both cores
 * with production-cost password hashing, and beside the suite's helm processes its
 * requests wait past the dashboard's gateway timeout (504) however correct the services are.
 */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['apps/local/test/load.test.ts'],
    testTimeout: 180_000,
  },
});
