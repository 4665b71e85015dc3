import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from '../../src/pipeline/build.ts';
import { helmBinary } from '../../src/helm/binary.ts';
import { BUILD_ROOT, PROJECT_ROOT, VALUES_DIR } from './paths.ts';
import { ensurePostgres } from './postgres.ts';

/**
 * Builds every plant once from the current source; tests read test/output/build. The build
 * starts from the committed catalogs, as `npm run build` does: they are the published
 * history each chart's version is decided against.
 */
export default async function setup(): Promise<void> {
  await ensurePostgres();
  (await import('./chromium.ts')).ensureChromium();
  helmBinary(3);
  helmBinary(4);
  rmSync(BUILD_ROOT, { recursive: true, force: true });
  mkdirSync(BUILD_ROOT, { recursive: true });
  const published = path.join(PROJECT_ROOT, 'catalog');
  if (existsSync(published)) cpSync(published, path.join(BUILD_ROOT, 'catalog'), { recursive: true });
  await build({ projectRoot: BUILD_ROOT, valuesDir: VALUES_DIR });
}
