import { defineConfig } from 'vitest/config';

/**
 * The container images, built with podman from an offline Debian base and run as the
 * charts run them (`npm run test:images`). After the rest of the suite and on its own:
 * the builds and the containerised stack take both cores.
 */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/containers/**/*.test.ts'],
    // The charts (test/output/build), then the images.
    globalSetup: ['test/support/global-setup.ts', 'test/containers/setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
