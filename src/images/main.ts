import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { containersConf } from './containers-conf.ts';
import { ensureOfflineBase, offlineBaseRef } from './offline-base.ts';
import {
  BUILD_CA_SECRET,
  BUILDERS,
  PROJECT_ROOT,
  SERVICES,
  buildCommands,
  detectBuilder,
  imageSpecs,
  noBuilderMessage,
  probeBuilder,
  projectVersion,
  isRegistry,
  run,
  shellLine,
  type BuilderName,
  type Service,
} from './images.ts';

const USAGE = `npm run images -- [options]: build the container images of the application services

  kubevision/face:<version>       apps/face/Dockerfile (TensorFlow.js on wasm)
  kubevision/face:<version>-gpu   apps/face/Dockerfile.gpu (CUDA, tfjs-node-gpu; linux/amd64)
  kubevision/auth:<version>       apps/Dockerfile.node --build-arg SERVICE=auth
  kubevision/frontend:<version>   apps/Dockerfile.node --build-arg SERVICE=frontend

<version> is package.json's, the charts' appVersion, so the charts pull exactly these.
The builder is the first usable of docker (its daemon must answer \`docker info\`), podman
and buildah. Each command is printed before it runs; the build context is the project root.

Options:
  --registry HOST[:PORT][/PATH]   put the registry in front of the names, as the charts'
                                  global.imageRegistry does
  --push                          push the images after building all of them
  --only SERVICE                  face, auth or frontend (repeatable, or comma-separated)
  --builder docker|podman|buildah use this builder instead of the first usable one
  --base offline|IMAGE            build the CPU images on another Node.js base: \`offline\`
                                  makes one from Debian packages and this machine's Node.js
                                  (for machines that reach no container registry; needs
                                  root and debootstrap, cached after the first run); the GPU
                                  image's CUDA base comes only from a registry, so it is
                                  left out
  --dry-run                       print the commands only; needs no builder (docker's
                                  syntax unless --builder says otherwise)

With podman or buildah and no CONTAINERS_CONF, a containers.conf with limits this machine
allows (and runc, when installed) is written to the cache (~/.cache/kubevision) and used.
When NODE_EXTRA_CA_CERTS names a file, npm in the build trusts it: it is passed as the
build secret \`${BUILD_CA_SECRET}\` and ends up in no image.`;

async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    ({ values: opts } = parseArgs({
      args: argv,
      options: {
        registry: { type: 'string' },
        push: { type: 'boolean' },
        only: { type: 'string', multiple: true },
        builder: { type: 'string' },
        base: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`npm run images: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }

  const only = opts.only?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((s) => !(SERVICES as readonly string[]).includes(s)) ?? [];
  if (unknown.length) {
    console.error(`npm run images: --only ${unknown.join(', ')}: no such service (${SERVICES.join(', ')})`);
    return 2;
  }
  const registry = opts.registry?.replace(/\/+$/, '');
  if (registry !== undefined && !isRegistry(registry)) {
    console.error(`npm run images: --registry ${JSON.stringify(opts.registry)}: must be a registry host[:port][/path], as global.imageRegistry`);
    return 2;
  }
  if (opts.builder !== undefined && !(BUILDERS as readonly string[]).includes(opts.builder)) {
    console.error(`npm run images: --builder ${opts.builder}: must be one of ${BUILDERS.join(', ')}`);
    return 2;
  }

  if (opts.base !== undefined && opts.base !== 'offline' && !/^[a-z0-9][\w./:@-]*$/.test(opts.base)) {
    console.error(`npm run images: --base ${JSON.stringify(opts.base)}: must be \`offline\` or an image reference`);
    return 2;
  }

  const offline = opts.base === 'offline';
  const all = imageSpecs({ version: projectVersion(), registry, only: only as Service[] | undefined });
  const specs = all.filter((s) => !(opts.base && s.variant === 'gpu'));
  for (const s of all.filter((x) => !specs.includes(x))) console.log(`# ${s.ref}: left out; --base replaces the Node.js base, and ${s.dockerfile} builds on CUDA`);
  const caFile = process.env.NODE_EXTRA_CA_CERTS && existsSync(process.env.NODE_EXTRA_CA_CERTS) ? process.env.NODE_EXTRA_CA_CERTS : undefined;
  const buildOpts = { push: opts.push, caFile, baseImage: offline ? offlineBaseRef() : opts.base };
  let builder = opts.builder as BuilderName | undefined;
  if (opts['dry-run']) {
    for (const cmd of buildCommands(builder ?? 'docker', specs, buildOpts)) console.log(shellLine(cmd));
    return 0;
  }
  if (builder) {
    const probe = probeBuilder(builder);
    if (!probe.usable) {
      console.error(noBuilderMessage([probe]));
      return 1;
    }
  } else {
    const found = detectBuilder();
    if (!found.builder) {
      console.error(noBuilderMessage(found.probes));
      return 1;
    }
    builder = found.builder;
  }

  if (builder !== 'docker') {
    const conf = containersConf();
    if (conf) {
      process.env.CONTAINERS_CONF = conf.file;
      console.log(`# ${builder} settings: ${conf.file} (${conf.summary}); CONTAINERS_CONF=<file> uses yours instead`);
    }
  }
  if (caFile) console.log(`# npm in the build trusts ${caFile} (NODE_EXTRA_CA_CERTS), passed as the build secret ${BUILD_CA_SECRET}`);
  if (offline) {
    try {
      const base = await ensureOfflineBase(builder);
      console.log(`# the offline base ${base.ref} (${base.how})`);
    } catch (e) {
      console.error(`npm run images: ${(e as Error).message}`);
      return 1;
    }
  }
  console.log(`# ${specs.length} image${specs.length === 1 ? '' : 's'} with ${builder}, context ${PROJECT_ROOT}`);
  for (const cmd of buildCommands(builder, specs, buildOpts)) {
    console.log(`$ ${shellLine(cmd)}`);
    const code = await run(cmd);
    if (code !== 0) {
      console.error(`npm run images: \`${shellLine(cmd)}\` failed with exit code ${code}`);
      return code;
    }
  }
  console.log(`# built${opts.push ? ' and pushed' : ''}: ${specs.map((s) => s.ref).join(' ')}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
