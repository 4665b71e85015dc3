// The CLI runs as one JavaScript bundle of src/cli/main.ts, kept in node_modules/.cache and
// remade by esbuild whenever one of its sources changed. Loading TypeScript through tsx on
// every start cost about 0.2 s of compiler start-up alone, and a bundle loads in one read.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');
const ENTRY = path.join(ROOT, 'src/cli/main.ts');
const CACHE = path.join(ROOT, 'node_modules/.cache/kubevision');
const OUT = path.join(CACHE, 'cli.mjs');
const INPUTS = path.join(CACHE, 'cli.inputs.json');

const stamp = (file) => {
  const s = statSync(file, { throwIfNoEntry: false });
  return s ? `${s.size}:${s.mtimeMs}` : 'missing';
};

/** Whether the bundle was made from the sources as they are now. */
function fresh() {
  if (!existsSync(OUT) || !existsSync(INPUTS)) return false;
  try {
    const inputs = JSON.parse(readFileSync(INPUTS, 'utf8'));
    return Object.entries(inputs).every(([rel, s]) => stamp(path.join(ROOT, rel)) === s);
  } catch {
    return false;
  }
}

/**
 * Each module keeps its own import.meta.url (its source file), so paths it resolves
 * against itself (package.json, the project root) are the same as when run from source.
 */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

export async function cliBundle() {
  if (fresh()) return OUT;
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['esbuild', 'fflate', '@aws-cdk/*'],
    write: false,
    metafile: true,
    plugins: [ownUrl],
    absWorkingDir: ROOT,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __kvRequire } from 'node:module'; const require = __kvRequire(import.meta.url);" },
  });
  mkdirSync(CACHE, { recursive: true });
  // Written under temporary names first: several CLIs may start at once.
  const tmp = `${OUT}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, OUT);
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((rel) => [rel, stamp(path.join(ROOT, rel))]));
  writeFileSync(`${INPUTS}.${process.pid}.tmp`, JSON.stringify(inputs));
  renameSync(`${INPUTS}.${process.pid}.tmp`, INPUTS);
  return OUT;
}
