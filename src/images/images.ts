import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findParam, type StringParam } from '../params/dsl.ts';
import { values } from '../params/kubevision.ts';
import { project } from '../project.ts';

export const PROJECT_ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');

/** The application services that ship as images. */
export const SERVICES = ['face', 'auth', 'frontend'] as const;
export type Service = (typeof SERVICES)[number];

/**
 * The Dockerfile of the plain Node.js services, auth and frontend: one for both, the service
 * named by the build argument SERVICE_ARG (it has no default: a build without it fails).
 * face has its own (apps/face/Dockerfile and Dockerfile.gpu): models, and CUDA for the GPU.
 */
export const NODE_DOCKERFILE = 'apps/Dockerfile.node';
export const SERVICE_ARG = 'SERVICE';
export const NODE_SERVICES = ['auth', 'frontend'] as const satisfies readonly Service[];

export interface ImageSpec {
  service: Service;
  variant: 'cpu' | 'gpu';
  /** Relative to the project root, which is the build context. */
  dockerfile: string;
  /** --build-arg NAME=value the Dockerfile needs (NODE_DOCKERFILE: which service). */
  buildArgs: Record<string, string>;
  /** [registry/]repository:tag, exactly as the chart's "kubevision.image" renders it. */
  ref: string;
  /** The platform a variant must be built for, when it has to be one (libtensorflow GPU: x86_64 only). */
  platform?: string;
}

/** A chart default, so the images are named as the charts reference them. */
function chartDefault(key: string): StringParam {
  const p = findParam(values, key);
  if (!p || p.kind !== 'string') throw new Error(`chart value ${key} is not a string parameter`);
  return p;
}

/** Whether a registry is one global.imageRegistry accepts (every pattern of its format). */
export const isRegistry = (value: string): boolean =>
  (chartDefault('global.imageRegistry').format?.patterns ?? []).every((p) => new RegExp(p).test(value));

export const projectVersion = (): string => project().version;

/**
 * Every image, in build order. Names and tags follow the chart: repository
 * `<service>.image.repository`, tag the chart's appVersion (the package version), the GPU
 * face variant with `face.gpu.tagSuffix`, and `global.imageRegistry` put in front.
 */
export function imageSpecs(o: { version: string; registry?: string; only?: readonly Service[] }): ImageSpec[] {
  const prefix = o.registry ? `${o.registry.replace(/\/+$/, '')}/` : '';
  const gpuSuffix = chartDefault('face.gpu.tagSuffix').default;
  const specs: ImageSpec[] = [];
  for (const service of SERVICES) {
    if (o.only && !o.only.includes(service)) continue;
    const repository = chartDefault(`${service}.image.repository`).default;
    const plain = (NODE_SERVICES as readonly Service[]).includes(service);
    specs.push({
      service,
      variant: 'cpu',
      dockerfile: plain ? NODE_DOCKERFILE : `apps/${service}/Dockerfile`,
      buildArgs: plain ? { [SERVICE_ARG]: service } : {},
      ref: `${prefix}${repository}:${o.version}`,
    });
    if (service === 'face') {
      specs.push({
        service,
        variant: 'gpu',
        dockerfile: 'apps/face/Dockerfile.gpu',
        buildArgs: {},
        ref: `${prefix}${repository}:${o.version}${gpuSuffix}`,
        platform: 'linux/amd64',
      });
    }
  }
  return specs;
}

// ---- builders

export const BUILDERS = ['docker', 'podman', 'buildah'] as const;
export type BuilderName = (typeof BUILDERS)[number];

export interface Probe {
  name: BuilderName;
  /** Where it was found on PATH. */
  bin?: string;
  usable: boolean;
  /** Why it cannot be used. */
  problem?: string;
}

export function onPath(cmd: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, cmd);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Is the builder there and working? `<builder> info` must succeed: for docker that means
 * the daemon answers; podman and buildah need no daemon, but their storage must open.
 */
export function probeBuilder(name: BuilderName, env: NodeJS.ProcessEnv = process.env): Probe {
  const bin = onPath(name, env.PATH);
  if (!bin) return { name, usable: false, problem: 'not found on PATH' };
  const r = spawnSync(bin, ['info'], { env, encoding: 'utf8', timeout: 20_000 });
  if (r.status === 0) return { name, bin, usable: true };
  const why = (r.error?.message ?? `${r.stderr ?? ''}\n${r.stdout ?? ''}`).split('\n').map((l) => l.trim()).filter(Boolean);
  const said = why.find((l) => /cannot|error|denied|refused|not running|permission/i.test(l)) ?? why[0] ?? `exit code ${r.status}`;
  return { name, bin, usable: false, problem: `found at ${bin}, but \`${name} info\` failed: ${said}` };
}

/** The first usable builder, docker, then podman, then buildah; and what was found. */
export function detectBuilder(env: NodeJS.ProcessEnv = process.env): { builder?: BuilderName; probes: Probe[] } {
  const probes: Probe[] = [];
  for (const name of BUILDERS) {
    const p = probeBuilder(name, env);
    probes.push(p);
    if (p.usable) return { builder: name, probes };
  }
  return { probes };
}

export function noBuilderMessage(probes: Probe[]): string {
  return [
    'npm run images: no usable container image builder. Looked for, in this order:',
    ...probes.map((p) => `  ${p.name.padEnd(8)} ${p.problem ?? 'usable'}`),
    'Install one of them:',
    '  docker   Docker Engine, https://docs.docker.com/engine/install/ (the daemon must run: `docker info` must answer)',
    '  podman   https://podman.io/docs/installation (Debian/Ubuntu: apt-get install podman)',
    '  buildah  https://github.com/containers/buildah/blob/main/install.md (Debian/Ubuntu: apt-get install buildah)',
    'or print the commands without building: npm run images -- --dry-run',
  ].join('\n');
}

/** The build argument (an ARG before the first FROM) that names the Node.js base of the CPU images. */
export const BASE_IMAGE_ARG = 'NODE_IMAGE';
/** The build secret that carries a CA bundle for npm (RUN --mount=type=secret,id=...). */
export const BUILD_CA_SECRET = 'build-ca';

export interface BuildOptions {
  push?: boolean;
  /** Replaces the pinned Node.js base of the CPU images (the GPU image has its own). */
  baseImage?: string;
  /** A CA bundle file for npm during the build (NODE_EXTRA_CA_CERTS), passed as a build secret. */
  caFile?: string;
}

/** The commands that build (and push) the images, each an argv. Run from the project root. */
export function buildCommands(builder: BuilderName, specs: ImageSpec[], o: BuildOptions = {}): string[][] {
  const build = builder === 'buildah' ? ['buildah', 'bud'] : [builder, 'build'];
  const cmds = specs.map((s) => [
    ...build,
    ...(s.platform ? ['--platform', s.platform] : []),
    ...Object.entries(s.buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
    ...(o.baseImage && s.variant === 'cpu' ? ['--build-arg', `${BASE_IMAGE_ARG}=${o.baseImage}`] : []),
    ...(o.caFile ? ['--secret', `id=${BUILD_CA_SECRET},src=${o.caFile}`] : []),
    '-f',
    s.dockerfile,
    '-t',
    s.ref,
    '.',
  ]);
  if (o.push) for (const s of specs) cmds.push([builder, 'push', s.ref]);
  return cmds;
}

/** An argv as one shell line, quoted where needed. */
export function shellLine(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Runs one command in the project root with the terminal attached; resolves to its exit code. */
export function run(argv: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const [cmd, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(cmd!, args, { cwd: o.cwd ?? PROJECT_ROOT, env: o.env ?? process.env, stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`${cmd}: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
