import { mkdirSync, rmSync } from 'node:fs';
import { build } from '../../src/build/build.ts';
import { helmBinary } from '../../src/helm/binary.ts';
import { BUILD_ROOT, VALUES_DIR } from './paths.ts';
import { ensurePostgres } from './postgres.ts';

/** Builds every plant once from the current source; tests read test/output/build. */
export default async function setup(): Promise<void> {
  await ensurePostgres();
  (await import('./chromium.ts')).ensureChromium();
  helmBinary(3);
  helmBinary(4);
  rmSync(BUILD_ROOT, { recursive: true, force: true });
  mkdirSync(BUILD_ROOT, { recursive: true });
  await build({ projectRoot: BUILD_ROOT, valuesDir: VALUES_DIR });
}
