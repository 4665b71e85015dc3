/**
 * Static checks of every Dockerfile `npm run images` builds, read as each build sees it
 * (its build arguments put in). The images themselves, built and run: test/containers/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerfileParser, type Instruction, type Run } from 'dockerfile-ast';
import { APP_UID, HTTP_PORT, faceBackend } from '../../apps/shared/contract.ts';
import { FACE_MODELS, MODEL_SPECS } from '../../apps/face/src/engine/models.ts';
import { BASE_IMAGE_ARG, BUILD_CA_SECRET, NODE_DOCKERFILE, SERVICES, SERVICE_ARG, imageSpecs, type ImageSpec } from '../../src/images/images.ts';
import { PROJECT_ROOT } from '../support/paths.ts';
import { appFolders, copySteps, dockerignore, envOf, execForm, globalArgs, importClosure, parseStages, withKeyword, type Stage } from './support.ts';

const rootPkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const runtime = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'src/images/runtime-packages.json'), 'utf8')) as {
  services: Record<string, { packages: string[]; loadedBy: Record<string, string>; modelFiles?: Record<string, string[]> }>;
};
const specs = imageSpecs({ version: '0.0.0' });
const ignored = dockerignore();
const abs = (rel: string) => path.join(PROJECT_ROOT, rel);
/** Files the build context sends for a path (a file, or a folder's files), relative to the root. */
function contextFiles(rel: string): string[] {
  if (ignored(rel)) return [];
  if (!statSync(abs(rel)).isDirectory()) return [rel];
  return readdirSync(abs(rel)).flatMap((name) => contextFiles(`${rel}/${name}`));
}
/** The build-stage files every image's dependency step needs, besides the service's own folders. */
const DEPENDENCY_INPUTS = ['package.json', 'package-lock.json', '.npmrc', 'src/images/runtime-manifest.mjs', 'src/images/runtime-packages.json'];

/** Pinned: an exact version tag (x.y.z) and the digest of the manifest list, no build arguments. */
const PINNED = /^(?<image>[a-z0-9][a-z0-9./_-]*):(?<tag>[\w][\w.-]*\d+\.\d+\.\d+[\w.-]*)@sha256:[0-9a-f]{64}$/;

describe('the Dockerfiles', () => {
  it("are exactly the ones npm run images builds: face's two, and one for the plain Node.js services", () => {
    const folders = ['apps', ...readdirSync(abs('apps')).map((d) => `apps/${d}`).filter((d) => statSync(abs(d)).isDirectory())];
    const onDisk = folders.flatMap((dir) =>
      readdirSync(abs(dir))
        .filter((f) => /^Dockerfile(\.|$)/.test(f))
        .map((f) => `${dir}/${f}`),
    );
    expect(onDisk.sort()).toEqual([...new Set(specs.map((s) => s.dockerfile))].sort());
    expect(specs.map((s) => `${s.service}/${s.variant}: ${s.dockerfile}`)).toEqual([
      'face/cpu: apps/face/Dockerfile',
      'face/gpu: apps/face/Dockerfile.gpu',
      `auth/cpu: ${NODE_DOCKERFILE}`,
      `frontend/cpu: ${NODE_DOCKERFILE}`,
    ]);
    // A Dockerfile of several services is told which by SERVICE; one of its own needs no argument.
    for (const s of specs) {
      const shared = specs.filter((o) => o.dockerfile === s.dockerfile && o.service !== s.service).length > 0;
      expect(s.buildArgs, s.dockerfile).toEqual(shared ? { [SERVICE_ARG]: s.service } : {});
    }
  });

  it('pin every base image the same way everywhere: one digest per image:tag', () => {
    const digests = new Map<string, Set<string>>();
    for (const s of specs) {
      for (const st of parseStages(abs(s.dockerfile), s.buildArgs)) {
        const image = st.base;
        if (!PINNED.test(image)) continue;
        const [ref, digest] = image.split('@') as [string, string];
        digests.set(ref, (digests.get(ref) ?? new Set()).add(digest));
      }
    }
    for (const [ref, set] of digests) expect([...set], ref).toHaveLength(1);
    // The Node.js of every image is the major version package.json's engines names.
    const major = /(\d+)/.exec((JSON.parse(readFileSync(abs('package.json'), 'utf8')) as { engines: { node: string } }).engines.node)?.[1];
    const nodes = [...digests.keys()].filter((r) => r.startsWith('node:'));
    expect(nodes.length).toBeGreaterThan(0);
    for (const r of nodes) expect(r).toMatch(new RegExp(`^node:${major}\\.\\d+\\.\\d+-`));
  });

  it('send no tests, docs, data or node_modules in the build context', () => {
    for (const rel of ['node_modules', 'data', 'charts', 'catalog', 'test/output', '.git', 'apps/face/test/api.test.ts', 'apps/shared/store/store.contract.test.ts', 'apps/shared/store/test/backends.ts', 'apps/face/README.md', 'apps/face/Dockerfile', NODE_DOCKERFILE]) {
      expect(ignored(rel), rel).toBe(true);
    }
    for (const rel of [...DEPENDENCY_INPUTS, 'apps/face/main.mjs', 'apps/frontend/public/index.html']) expect(ignored(rel), rel).toBe(false);
  });
});

describe.each(specs.map((s) => [`${s.dockerfile} (${s.service}, ${s.variant})`, s] as [string, ImageSpec]))('%s', (_, spec) => {
  const file = abs(spec.dockerfile);
  const stages = parseStages(file, spec.buildArgs);
  const final = stages.at(-1)!;
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));
  const closure = importClosure(`apps/${spec.service}/main.mjs`);
  const folders = appFolders(closure);
  const last = (st: Stage, keyword: string) => withKeyword(st, keyword).at(-1);

  it('is multi-stage: the runtime copies from a build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final.name).toBeUndefined();
    const fromStages = copySteps(final).map((c) => c.from).filter(Boolean);
    expect(fromStages.length).toBeGreaterThan(0);
    for (const f of fromStages) expect(stageNames.has(f), `COPY --from=${f}`).toBe(true);
  });

  it(`reads a CA bundle for npm only from the build secret ${BUILD_CA_SECRET}, in the build stage`, () => {
    // Docker's and buildah's RUN --mount=type=secret: the file is there for the one step
    // and in no layer; required=false keeps a build without it working.
    // dockerfile-ast keeps a RUN's flags (--mount=...) apart from its command.
    const withFlags = (r: Instruction) => [...(r as Run).getFlags().map((f) => `--${f.getName()}=${f.getValue()}`), r.getArgumentsContent() ?? ''].join(' ');
    const runs = stages.flatMap((st) => withKeyword(st, 'RUN').map((r) => ({ st, text: withFlags(r) })));
    const network = runs.filter((r) => /npm install|runtime-manifest\.mjs (prune|models)/.test(r.text));
    expect(network.length).toBeGreaterThan(0);
    for (const r of network) {
      expect(r.st, 'not in the runtime stage').not.toBe(final);
      expect(r.text, r.text).toContain(`--mount=type=secret,id=${BUILD_CA_SECRET},required=false`);
      expect(r.text).toContain(`if [ -f /run/secrets/${BUILD_CA_SECRET} ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/${BUILD_CA_SECRET}; fi`);
    }
    for (const r of runs.filter((x) => x.st === final)) expect(r.text).not.toContain('--mount');
    expect(Object.keys(envOf(final))).not.toContain('NODE_EXTRA_CA_CERTS');
  });

  it('pins every base image by exact version tag and digest', () => {
    for (const st of stages) {
      if (stageNames.has(st.base)) continue;
      expect(st.base, `FROM ${st.from.getImage()}`).toMatch(PINNED);
    }
    // The one build argument a FROM may name: the Node.js base --base replaces.
    for (const name of Object.keys(globalArgs(file))) expect(name).toBe(BASE_IMAGE_ARG);
    if (spec.variant === 'cpu') {
      expect(stages.map((st) => st.from.getImage()), 'both stages on the one base').toEqual(stages.map(() => `\${${BASE_IMAGE_ARG}}`));
    }
    // A `# syntax=` directive would pull a BuildKit frontend image by a floating tag; a
    // first comment line that reads like `# word=value` would be taken for a directive.
    for (const d of DockerfileParser.parse(readFileSync(file, 'utf8')).getDirectives()) {
      if (d.getName() === 'syntax') expect(d.getValue()).toMatch(/@sha256:[0-9a-f]{64}$/);
      else expect(['escape', 'check'], `parser directive "${d.getName()}"`).toContain(d.getName());
    }
  });

  it(`runs as the numeric APP_UID ${APP_UID}, without a HEALTHCHECK (Kubernetes probes)`, () => {
    const user = last(final, 'USER')?.getArgumentsContent()?.trim() ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    const [uid, gid = uid] = user.split(':').map(Number);
    expect(uid).toBe(APP_UID);
    expect(gid).toBe(APP_UID);
    for (const st of stages) expect(withKeyword(st, 'HEALTHCHECK')).toHaveLength(0);
  });

  it(`starts apps/${spec.service}/main.mjs with node, on HTTP_PORT, in production mode`, () => {
    const cmd = last(final, 'CMD');
    const argv = cmd && execForm(cmd);
    expect(argv).toEqual(['node', expect.stringMatching(/\.mjs$/)]);
    // CMD takes no build argument: a Dockerfile of several services starts a link to the
    // service's main.mjs, made in the runtime stage (relative, in WORKDIR).
    const links = new Map(
      withKeyword(final, 'RUN')
        .map((r) => /^ln -s (\S+) (\S+)$/.exec((r.getArgumentsContent() ?? '').trim()))
        .filter((m) => m !== null)
        .map((m) => [m[2]!, m[1]!]),
    );
    expect(links.get(argv![1]!) ?? argv![1], `${argv![1]} is apps/${spec.service}/main.mjs`).toBe(`apps/${spec.service}/main.mjs`);
    if (Object.keys(spec.buildArgs).length === 0) expect(links.size, 'one service, no link').toBe(0);
    const entrypoint = last(final, 'ENTRYPOINT');
    expect(entrypoint && execForm(entrypoint), 'ENTRYPOINT [] (no entrypoint script of the base image)').toEqual([]);
    expect(withKeyword(final, 'EXPOSE').map((e) => e.getArgumentsContent()?.trim())).toEqual([String(HTTP_PORT)]);
    const env = envOf(final);
    expect(env.NODE_ENV).toBe('production');
    expect(env.PORT).toBe(String(HTTP_PORT));
    expect(env.TMPDIR, 'tsx writes its cache under $TMPDIR: the chart mounts an emptyDir at /tmp').toBe('/tmp');
    expect(last(final, 'WORKDIR')?.getArgumentsContent()).toMatch(/^\/\w+/);
  });

  it('leaves every file root-owned and read-only to the app user', () => {
    // COPY creates root-owned files unless --chown says otherwise; the build stage takes
    // write permission from everyone but root, whatever the context's modes were.
    for (const c of copySteps(final)) expect(c.flags.chown ?? c.flags.chmod, `COPY ${c.sources.join(' ')}`).toBeUndefined();
    for (const st of stages.slice(0, -1).filter((s) => copySteps(final).some((c) => c.from === s.name && !/^\/usr\/local\//.test(c.sources[0] ?? '')))) {
      expect(withKeyword(st, 'RUN').at(-1)?.getArgumentsContent(), `stage ${st.name}`).toMatch(/chmod -R u=rwX,go=rX /);
    }
    // Nothing runs as the app user at build time, so it owns nothing.
    const afterUser = final.instructions.slice(final.instructions.findIndex((i) => i.getKeyword() === 'USER') + 1);
    expect(afterUser.map((i) => i.getKeyword()).filter((k) => !['EXPOSE', 'ENTRYPOINT', 'CMD', 'ENV', 'LABEL', 'STOPSIGNAL'].includes(k))).toEqual([]);
  });

  it('copies only files that exist in the repository and that the build context sends', () => {
    for (const st of stages) {
      for (const c of copySteps(st).filter((c) => !c.from)) {
        for (const src of c.sources) {
          expect(existsSync(abs(src)), `COPY ${src}: not in the repository`).toBe(true);
          expect(ignored(src), `COPY ${src}: excluded by .dockerignore`).toBe(false);
        }
      }
    }
  });

  it(`copies its own folder, apps/shared and whatever else ${spec.service} imports, and no other service's code`, () => {
    // The folders the service's code reaches through its imports (a new import of another
    // folder fails here until the Dockerfile copies it).
    expect(folders.has(`apps/${spec.service}`)).toBe(true);
    expect(folders.has('apps/shared')).toBe(true);
    for (const f of folders) expect(f, `${f}: loaded at run time but outside apps/`).toMatch(/^apps\/[^/]+$/);

    const fromContext = stages.flatMap((st) => copySteps(st).filter((c) => !c.from).flatMap((c) => c.sources));
    const appsFromContext = fromContext.filter((s) => s.startsWith('apps/'));
    expect(new Set(appsFromContext)).toEqual(folders);
    expect(fromContext.filter((s) => !s.startsWith('apps/')).sort()).toEqual([...DEPENDENCY_INPUTS].sort());

    // The runtime stage: those folders, the dependencies, package.json ("type": "module").
    const finalSources = copySteps(final).flatMap((c) => c.sources.map((s) => (c.from ? s.replace(/^.*?(?=apps\/|node_modules|package)/, '') : s)));
    expect(new Set(finalSources.filter((s) => s.startsWith('apps/')))).toEqual(folders);
    expect(finalSources).toContain('node_modules');
    expect(finalSources).toContain('package.json');

    // Everything the service loads is in the context; no tests or Dockerfiles are.
    for (const f of closure.files) expect(ignored(f), `${f} is loaded at run time but excluded by .dockerignore`).toBe(false);
    const shipped = [...folders].flatMap(contextFiles);
    expect(shipped.filter((f) => /(^|\/)test\/|\.test\.ts$|Dockerfile|\.md$/.test(f))).toEqual([]);
  });

  it('installs exactly the npm packages the service loads, at the locked versions', () => {
    const build = stages.slice(0, -1).flatMap((st) => withKeyword(st, 'RUN').map((r) => r.getArgumentsContent() ?? ''));
    const script = build.join('\n');
    expect(script).toContain(`runtime-manifest.mjs prune ${spec.service}`);
    expect(script).toMatch(/npm install --omit=dev/);
    expect(script).toMatch(/runtime-manifest\.mjs verify(\s|$)/);

    const declared = runtime.services[spec.service]!;
    const missing = [...closure.packages].filter((p) => !declared.packages.includes(p));
    expect(missing, `imported by ${spec.service} but not in src/images/runtime-packages.json`).toEqual([]);
    const extra = declared.packages.filter((p) => !closure.packages.has(p));
    expect(extra.sort(), 'packages no import reaches need a loadedBy entry').toEqual(Object.keys(declared.loadedBy).sort());
    for (const [pkg, by] of Object.entries(declared.loadedBy)) {
      expect(readFileSync(abs(`node_modules/${by}`), 'utf8'), `${by} loads ${pkg}`).toContain(`require("${pkg}")`);
      expect(declared.packages).toContain(by.split('/').slice(0, by.startsWith('@') ? 2 : 1).join('/'));
    }
    for (const p of declared.packages) expect(rootPkg.dependencies[p], `${p} must be a dependency, not a devDependency`).toBeDefined();
  });

  it('carries the model files of every model the service offers, and no others', () => {
    const wanted: Record<string, string[]> = {};
    if (spec.service === 'face') {
      for (const m of FACE_MODELS) if (MODEL_SPECS[m].pkg !== '@vladmandic/human') (wanted[MODEL_SPECS[m].pkg] ??= []).push(...MODEL_SPECS[m].files);
    }
    expect(runtime.services[spec.service]!.modelFiles ?? {}).toEqual(wanted);
    if (Object.keys(wanted).length === 0) return;
    const runs = stages.slice(0, -1).flatMap((st) => withKeyword(st, 'RUN').map((r) => r.getArgumentsContent() ?? ''));
    const at = runs.findIndex((r) => r.includes(`runtime-manifest.mjs models ${spec.service}`));
    expect(at, 'a build step unpacks them').toBeGreaterThanOrEqual(0);
    // After every verify: the package it unpacks is pinned but not installed by npm.
    expect(runs.slice(at + 1).join('\n')).not.toMatch(/runtime-manifest\.mjs verify/);
  });

  if (spec.variant === 'gpu') {
    it(`runs human on tfjs-node-gpu: FACE_BACKEND=${faceBackend.gpu}, on CUDA 11 + cuDNN 8 (libtensorflow 2.9)`, () => {
      expect(envOf(final).FACE_BACKEND).toBe(faceBackend.gpu);
      const tfjs = rootPkg.dependencies['@tensorflow/tfjs-core'];
      const runs = stages.flatMap((st) => withKeyword(st, 'RUN').map((r) => r.getArgumentsContent() ?? '')).join('\n');
      expect(runs, 'tfjs-node-gpu at the version of tfjs-core').toMatch(new RegExp(`npm install [^\\n]*@tensorflow/tfjs-node-gpu@${tfjs!.replace(/\./g, '\\.')}(\\s|$)`));
      expect(runs).toMatch(/runtime-manifest\.mjs verify --added @tensorflow\/tfjs-node-gpu/);
      // tfjs-node-gpu 4.x downloads libtensorflow 2.9.1: CUDA 11.x and cuDNN 8, nothing newer.
      expect(final.from.getImageName()).toBe('nvidia/cuda');
      expect(final.from.getImageTag()).toMatch(/^11\.\d+\.\d+-cudnn8-runtime-ubuntu\d+\.\d+$/);
      expect(spec.platform).toBe('linux/amd64');
    });
  } else {
    it('leaves the backend to the chart (wasm by default)', () => {
      expect([undefined, faceBackend.cpu]).toContain(envOf(final).FACE_BACKEND);
    });
  }
});

describe(`${NODE_DOCKERFILE}: the build argument ${SERVICE_ARG}`, () => {
  const file = abs(NODE_DOCKERFILE);
  // As a build without --build-arg sees it.
  const stages = parseStages(file);
  const uses = (i: Instruction) => new RegExp(`\\$\\{?${SERVICE_ARG}\\b`).test(i.getArgumentsContent() ?? '');
  const declares = (i: Instruction) => i.getKeyword() === 'ARG' && (i.getArgumentsContent() ?? '').trim() === SERVICE_ARG;
  const built = specs.filter((s) => s.dockerfile === NODE_DOCKERFILE).map((s) => s.service);
  const build = stages[0]!;
  const guard = build.instructions[build.instructions.findIndex(declares) + 1];

  it('is declared without a default in each stage, every one of which uses it, and not before the first FROM', () => {
    expect(Object.keys(globalArgs(file))).not.toContain(SERVICE_ARG);
    for (const st of stages) {
      const first = st.instructions.findIndex(uses);
      const decl = st.instructions.findIndex(declares);
      expect(first, `stage ${st.name ?? '(runtime)'} uses ${SERVICE_ARG}`).toBeGreaterThan(0);
      expect(decl, `stage ${st.name ?? '(runtime)'}: ARG ${SERVICE_ARG}, without a default, before its first use`).toBeGreaterThan(0);
      expect(decl).toBeLessThan(first);
    }
  });

  it('is checked first in the build stage, before anything is copied or installed', () => {
    expect(build.instructions.slice(0, build.instructions.findIndex(declares) + 1).map((i) => i.getKeyword())).toEqual(['FROM', 'ARG']);
    expect(guard?.getKeyword()).toBe('RUN');
    expect(uses(guard!)).toBe(true);
  });

  it(`a build without ${SERVICE_ARG}, or for a service this Dockerfile is not for, stops at that check and says what to pass`, () => {
    const check = (value?: string) =>
      spawnSync('sh', ['-c', guard!.getArgumentsContent() ?? ''], { encoding: 'utf8', env: { PATH: process.env.PATH, ...(value === undefined ? {} : { [SERVICE_ARG]: value }) } });
    for (const value of [undefined, '', 'face', 'shared', 'auth frontend', '../auth']) {
      const r = check(value);
      expect(r.status, `${SERVICE_ARG}=${value}`).toBe(1);
      for (const s of built) expect(r.stderr).toContain(`--build-arg ${SERVICE_ARG}=${s}`);
    }
    expect(SERVICES.filter((s) => check(s).status === 0)).toEqual(built);
  });
});
