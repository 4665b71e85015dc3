import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
export const VALUES_DIR = path.join(PROJECT_ROOT, 'values');
/** A fresh build of the current source, made once per test run by global-setup.ts. */
export const BUILD_ROOT = path.join(PROJECT_ROOT, 'test', 'output', 'build');
export const OUTPUT_DIR = path.join(PROJECT_ROOT, 'test', 'output');
export const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures');
