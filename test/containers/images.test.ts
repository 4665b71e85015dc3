import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { APP_UID, HTTP_PORT } from '../../apps/shared/contract.ts';
import { BUILD_CA_SECRET, NODE_DOCKERFILE, PROJECT_ROOT, SERVICE_ARG, imageSpecs, projectVersion } from '../../src/images/images.ts';
import { offlineBaseRef } from '../../src/images/offline-base.ts';
import { podman, podmanOk } from './podman.ts';

const cpu = imageSpecs({ version: projectVersion() }).filter((s) => s.variant === 'cpu');

interface ImageConfig {
  User: string;
  Env: string[];
  Cmd: string[];
  Entrypoint?: string[] | null;
  ExposedPorts?: Record<string, unknown>;
  WorkingDir: string;
}

async function inspect(ref: string): Promise<{ Size: number; Config: ImageConfig }> {
  return (JSON.parse(await podmanOk(['image', 'inspect', ref])) as { Size: number; Config: ImageConfig }[])[0]!;
}

/** A command in the image as root, read-only, without network: to look, not to run the app. */
const look = (ref: string, script: string) => podmanOk(['run', '--rm', '--network', 'none', '--read-only', '--user', '0', '--entrypoint', 'sh', ref, '-c', script]);

it('npm run images -- --base offline built every CPU image on the offline base (the GPU image needs the CUDA base from a registry)', () => {
  const build = inject('imageBuild');
  console.log(`image build: ${build.seconds.toFixed(0)} s, offline base ${build.base}`);
  expect(readFileSync(build.log, 'utf8')).toContain(`# kubevision/face:${projectVersion()}-gpu: left out`);
  expect(['made', 'rootfs cached', 'image cached']).toContain(build.base);
});

describe.each(cpu.map((s) => [s.ref, s] as const))('%s', (ref, spec) => {
  it(`runs as ${APP_UID}:${APP_UID}, node as PID 1 on port ${HTTP_PORT}, in production mode`, async () => {
    const { Config: c, Size } = await inspect(ref);
    console.log(`${ref}: ${(Size / 1e6).toFixed(0)} MB`);
    expect(c.User).toBe(`${APP_UID}:${APP_UID}`);
    expect(c.Entrypoint ?? []).toEqual([]);
    // A Dockerfile of several services (apps/Dockerfile.node) starts a link to the service's main.mjs.
    expect(c.Cmd).toEqual(['node', spec.buildArgs.SERVICE ? 'main.mjs' : `apps/${spec.service}/main.mjs`]);
    expect((await look(ref, `readlink -f ${c.WorkingDir}/${c.Cmd[1]}`)).trim()).toBe(`${c.WorkingDir}/apps/${spec.service}/main.mjs`);
    expect(Object.keys(c.ExposedPorts ?? {})).toEqual([`${HTTP_PORT}/tcp`]);
    expect(c.Env).toEqual(expect.arrayContaining(['NODE_ENV=production', `PORT=${HTTP_PORT}`, 'TMPDIR=/tmp']));
  });

  it('holds no trace of the CA bundle npm used in the build, and no npm', async () => {
    const { Config: c } = await inspect(ref);
    expect(c.Env.filter((e) => e.startsWith('NODE_EXTRA_CA_CERTS='))).toEqual([]);
    const history = await podmanOk(['history', '--no-trunc', '--format', '{{.CreatedBy}}', ref]);
    expect(history).not.toContain(BUILD_CA_SECRET);
    expect(history).not.toContain('NODE_EXTRA_CA_CERTS');
    // No file in the image has the bundle's bytes (the same size, then the same hash).
    const bundle = process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt';
    const size = statSync(bundle).size;
    const hash = createHash('sha256').update(readFileSync(bundle)).digest('hex');
    const sameSize = await look(ref, `find / -xdev -type f -size ${size}c -exec sha256sum {} + 2>/dev/null; true`);
    expect(sameSize.split('\n').filter((l) => l.startsWith(hash))).toEqual([]);
    expect(await look(ref, 'test -e /run/secrets && echo /run/secrets; command -v npm npx corepack; true')).toBe('');
  });

  it('gives the app user write access to none of its files (only Debian\'s sticky temp folders, read-only in the cluster)', async () => {
    const writable = await podmanOk(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', ref, '-c', 'find / -xdev -writable ! -path "/proc/*" ! -path "/dev/*" 2>/dev/null; true']);
    expect(writable.trim().split('\n').filter((l) => l && !/^\/(tmp|var\/tmp|run\/lock|var\/lock|dev\/shm)(\/|$)/.test(l))).toEqual([]);
  });
});

it(`${NODE_DOCKERFILE} without --build-arg ${SERVICE_ARG} fails at its first step, saying what to pass`, async () => {
  const r = await podman(['build', '--build-arg', `NODE_IMAGE=${offlineBaseRef()}`, '-f', `${PROJECT_ROOT}/${NODE_DOCKERFILE}`, '-t', 'localhost/kubevision/no-service:test', PROJECT_ROOT], { timeoutMs: 300_000 });
  expect(r.code, r.stdout).not.toBe(0);
  expect(r.stderr + r.stdout).toContain(`build with --build-arg ${SERVICE_ARG}=auth or --build-arg ${SERVICE_ARG}=frontend`);
  expect((await podman(['image', 'exists', 'localhost/kubevision/no-service:test'])).code, 'no image').not.toBe(0);
});

it(`the offline base is Debian bookworm with this machine's Node.js ${process.version} in /usr/local`, async () => {
  const out = await look(offlineBaseRef(), '. /etc/os-release; echo $VERSION_CODENAME; command -v node; node --version');
  expect(out.trim().split('\n')).toEqual(['bookworm', '/usr/local/bin/node', process.version]);
});
