import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILDERS, projectVersion } from '../../src/images/images.ts';
import type { K8sObject } from '../../src/plan/render.ts';
import { PROJECT_ROOT } from '../support/paths.ts';
import { byKind, component, plantChartDir, template } from '../support/plants.ts';
import { tempDirs } from '../support/temp.ts';

const tempDir = tempDirs();
const version = projectVersion();
/**
 * The environment of a user without a CA bundle of their own (these machines set
 * NODE_EXTRA_CA_CERTS, which adds a build secret to every command), and a cache of the
 * test's own for the containers.conf a podman run writes.
 */
const { NODE_EXTRA_CA_CERTS: _ca, CONTAINERS_CONF: _conf, ...plainEnv } = process.env;
const userEnv = (): NodeJS.ProcessEnv => ({ ...plainEnv, KUBEVISION_CACHE: tempDir('cache') });

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: PROJECT_ROOT, env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * PATH without docker, podman or buildah: a folder that holds one of them is replaced by
 * a copy of it made of links to everything else (node and npm may live beside docker).
 */
function pathWithoutBuilders(extraFirst: string[] = []): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const out = dirs.map((dir) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return dir;
    }
    if (!names.some((n) => (BUILDERS as readonly string[]).includes(n))) return dir;
    const copy = tempDir('path');
    for (const n of names) if (!(BUILDERS as readonly string[]).includes(n)) symlinkSync(path.join(dir, n), path.join(copy, n));
    return copy;
  });
  return [...extraFirst, ...out].join(path.delimiter);
}

/** `npm run images -- ARGS`, as a user types it. */
const npmRunImages = (args: string[], env: NodeJS.ProcessEnv) => exec('npm', ['run', '--silent', 'images', '--', ...args], env);
/** The same program without npm in between, for the runs that need an exact PATH. */
const images = (args: string[], env: NodeJS.ProcessEnv) => exec(process.execPath, ['--import', 'tsx', 'src/images/main.ts', ...args], env);

/** Builds: the -t of each build command of a dry run. */
const tagsOf = (stdout: string) => [...stdout.matchAll(/ -t (\S+) /g)].map((m) => m[1]!);

function chartImages(objs: K8sObject[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of byKind(objs, 'Deployment')) {
    const spec = d.spec as { template: { spec: { containers: { image: string }[] } } };
    out[component(d)!] = spec.template.spec.containers[0]!.image;
  }
  return out;
}

describe('npm run images -- --dry-run', () => {
  it('prints the build commands of every image, needing no builder', async () => {
    const r = await npmRunImages(['--dry-run'], { ...userEnv(), PATH: pathWithoutBuilders() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `docker build -f apps/face/Dockerfile -t kubevision/face:${version} .`,
      `docker build --platform linux/amd64 -f apps/face/Dockerfile.gpu -t kubevision/face:${version}-gpu .`,
      `docker build --build-arg SERVICE=auth -f apps/Dockerfile.node -t kubevision/auth:${version} .`,
      `docker build --build-arg SERVICE=frontend -f apps/Dockerfile.node -t kubevision/frontend:${version} .`,
    ]);
  });

  it('--registry, --push, --only and --builder', async () => {
    const r = await npmRunImages(['--dry-run', '--registry', 'mirror.example.com:5000/kv/', '--push', '--only', 'face', '--builder', 'buildah'], userEnv());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `buildah bud -f apps/face/Dockerfile -t mirror.example.com:5000/kv/kubevision/face:${version} .`,
      `buildah bud --platform linux/amd64 -f apps/face/Dockerfile.gpu -t mirror.example.com:5000/kv/kubevision/face:${version}-gpu .`,
      `buildah push mirror.example.com:5000/kv/kubevision/face:${version}`,
      `buildah push mirror.example.com:5000/kv/kubevision/face:${version}-gpu`,
    ]);
    const two = await npmRunImages(['--dry-run', '--only', 'auth,frontend'], userEnv());
    expect(tagsOf(two.stdout)).toEqual([`kubevision/auth:${version}`, `kubevision/frontend:${version}`]);
  });

  it('--base offline builds the CPU images on the offline base, leaves the GPU image out, and passes NODE_EXTRA_CA_CERTS as a build secret', async () => {
    const ca = path.join(tempDir('ca'), 'proxy-ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const r = await npmRunImages(['--dry-run', '--base', 'offline', '--builder', 'podman'], { ...userEnv(), NODE_EXTRA_CA_CERTS: ca });
    expect(r.code, r.stderr).toBe(0);
    const base = `localhost/kubevision/node-base:${process.version.slice(1)}-bookworm`;
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`# kubevision/face:${version}-gpu: left out; --base replaces the Node.js base, and apps/face/Dockerfile.gpu builds on CUDA`);
    expect(lines.slice(1)).toEqual(
      [
        `podman build --build-arg NODE_IMAGE=${base} --secret id=build-ca,src=${ca} -f apps/face/Dockerfile -t kubevision/face:${version} .`,
        ...['auth', 'frontend'].map((s) => `podman build --build-arg SERVICE=${s} --build-arg NODE_IMAGE=${base} --secret id=build-ca,src=${ca} -f apps/Dockerfile.node -t kubevision/${s}:${version} .`),
      ],
    );
    const other = await npmRunImages(['--dry-run', '--base', 'registry.plant.example/node:20.20.2-bookworm-slim', '--only', 'auth'], userEnv());
    expect(other.stdout.trim().split('\n').at(-1)).toBe(`docker build --build-arg SERVICE=auth --build-arg NODE_IMAGE=registry.plant.example/node:20.20.2-bookworm-slim -f apps/Dockerfile.node -t kubevision/auth:${version} .`);
  });

  it('refuses unknown services, registries the chart would refuse, and unknown builders', async () => {
    for (const args of [['--only', 'mongodb'], ['--registry', 'https://mirror'], ['--builder', 'kaniko'], ['--base', 'no such image'], ['--nope']]) {
      const r = await npmRunImages(['--dry-run', ...args], process.env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/npm run images: /);
    }
  });
});

describe('the images are the ones the charts pull', () => {
  // linz-assembly runs face on a GPU site; porto-logistics on CPU.
  it.each([
    ['without a registry', [], []],
    ['through a registry mirror', ['--registry', 'mirror.example.com:5000/plant'], ['--set', 'global.imageRegistry=mirror.example.com:5000/plant']],
  ])('%s', async (_, cliArgs, helmArgs) => {
    const gpuPlant = chartImages(await template(plantChartDir('linz-assembly'), helmArgs));
    const cpuPlant = chartImages(await template(plantChartDir('porto-logistics'), helmArgs));
    expect(gpuPlant.face).toMatch(/-gpu$/);
    expect(cpuPlant.face).not.toMatch(/-gpu$/);

    const r = await npmRunImages(['--dry-run', ...cliArgs], process.env);
    expect(r.code, r.stderr).toBe(0);
    const built = tagsOf(r.stdout);
    const pulled = new Set([...Object.values(gpuPlant), ...Object.values(cpuPlant)]);
    expect(new Set(built)).toEqual(pulled);
  });
});

describe('npm run images: the builder', () => {
  /** A fake builder: `info` answers as given, every other call is logged and succeeds (or fails). */
  function fakeBin(dir: string, name: string, o: { info: 'ok' | 'no daemon'; failBuild?: boolean }): void {
    const log = path.join(dir, 'calls.log');
    const script = [
      '#!/bin/sh',
      'if [ "$1" = info ]; then',
      o.info === 'ok' ? '  echo "fake info"; exit 0' : '  echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
      'fi',
      `echo "${name} $*" >> '${log}'`,
      o.failBuild ? 'exit 3' : 'exit 0',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, name), script);
    chmodSync(path.join(dir, name), 0o755);
  }
  const calls = (dir: string) => readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n');

  it('without docker, podman or buildah: exit 1, naming what it looked for and how to install one', async () => {
    const r = await images([], { ...userEnv(), PATH: pathWithoutBuilders() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no usable container image builder');
    for (const b of BUILDERS) expect(r.stderr).toMatch(new RegExp(`^  ${b}\\s+not found on PATH$`, 'm'));
    expect(r.stderr).toContain('https://docs.docker.com/engine/install/');
    expect(r.stderr).toContain('apt-get install podman');
    expect(r.stderr).toContain('apt-get install buildah');
    expect(r.stderr).toContain('--dry-run');
  });

  it('a docker whose daemon does not answer is skipped for podman; each command is printed before it runs', async () => {
    const bin = tempDir('bin');
    fakeBin(bin, 'docker', { info: 'no daemon' });
    fakeBin(bin, 'podman', { info: 'ok' });
    const r = await images(['--push', '--registry', 'reg.example.com'], { ...userEnv(), PATH: pathWithoutBuilders([bin]) });
    expect(r.code, r.stderr).toBe(0);
    const expected = [
      `podman build -f apps/face/Dockerfile -t reg.example.com/kubevision/face:${version} .`,
      `podman build --platform linux/amd64 -f apps/face/Dockerfile.gpu -t reg.example.com/kubevision/face:${version}-gpu .`,
      `podman build --build-arg SERVICE=auth -f apps/Dockerfile.node -t reg.example.com/kubevision/auth:${version} .`,
      `podman build --build-arg SERVICE=frontend -f apps/Dockerfile.node -t reg.example.com/kubevision/frontend:${version} .`,
      ...['face', 'face', 'auth', 'frontend'].map((s, i) => `podman push reg.example.com/kubevision/${s}:${version}${i === 1 ? '-gpu' : ''}`),
    ];
    expect(calls(bin)).toEqual(expected);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('$ '))).toEqual(expected.map((c) => `$ ${c}`));
  });

  it('docker when its daemon answers; buildah bud when it is the only one', async () => {
    const both = tempDir('bin');
    fakeBin(both, 'docker', { info: 'ok' });
    fakeBin(both, 'buildah', { info: 'ok' });
    let r = await images(['--only', 'auth'], { ...userEnv(), PATH: pathWithoutBuilders([both]) });
    expect(r.code, r.stderr).toBe(0);
    expect(calls(both)).toEqual([`docker build --build-arg SERVICE=auth -f apps/Dockerfile.node -t kubevision/auth:${version} .`]);

    const only = tempDir('bin');
    fakeBin(only, 'buildah', { info: 'ok' });
    r = await images(['--only', 'frontend'], { ...userEnv(), PATH: pathWithoutBuilders([only]) });
    expect(r.code, r.stderr).toBe(0);
    expect(calls(only)).toEqual([`buildah bud --build-arg SERVICE=frontend -f apps/Dockerfile.node -t kubevision/frontend:${version} .`]);
  });

  it('stops at the first failing command with its exit code', async () => {
    const bin = tempDir('bin');
    fakeBin(bin, 'docker', { info: 'ok', failBuild: true });
    const r = await images(['--push'], { ...userEnv(), PATH: pathWithoutBuilders([bin]) });
    expect(r.code).toBe(3);
    expect(calls(bin)).toHaveLength(1);
    expect(r.stderr).toContain('failed with exit code 3');
  });

  it('--builder names one that is missing: exit 1 with the same advice', async () => {
    const r = await images(['--builder', 'podman'], { ...userEnv(), PATH: pathWithoutBuilders() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/podman\s+not found on PATH/);
  });
});
