import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts', 'apps/**/*.test.ts'],
    // Run on their own afterwards (vitest.load.config.ts, vitest.images.config.ts).
    exclude: [...configDefaults.exclude, 'apps/local/test/load.test.ts', 'test/containers/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each helm call is a process; two cores.
    maxWorkers: 2,
  },
});
