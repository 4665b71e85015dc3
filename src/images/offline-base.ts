import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from './containers-conf.ts';
import { onPath, run, shellLine, type BuilderName } from './images.ts';

/**
 * The base the CPU images build on when no container registry answers: Debian bookworm's
 * minimal system from the machine's own Debian mirror, plus the machine's Node.js (Debian's
 * nodejs is 18). It stands in for node:<version>-bookworm-slim, which is Debian bookworm
 * with Node.js in /usr/local; the published Dockerfiles keep that pinned base.
 */
export const SUITE = 'bookworm';

export interface OfflineBase {
  ref: string;
  /** What was done: reused the image, imported the cached root filesystem, or made it. */
  how: 'image cached' | 'rootfs cached' | 'made';
}

export const offlineBaseRef = (nodeVersion = process.version.replace(/^v/, '')) => `localhost/kubevision/node-base:${nodeVersion}-${SUITE}`;

/** The Debian mirror apt on this machine uses (deb822 or one-line sources), else Debian's CDN. */
export function debianMirror(env: NodeJS.ProcessEnv = process.env, files = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']): string {
  if (env.KUBEVISION_DEBIAN_MIRROR) return env.KUBEVISION_DEBIAN_MIRROR;
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const deb822 = /^URIs:\s*(\S+)/m.exec(text);
    if (deb822 && !deb822[1]!.includes('security')) return deb822[1]!;
    const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (line) return line[1]!;
  }
  return 'http://deb.debian.org/debian';
}

function imageExists(builder: BuilderName, ref: string): boolean {
  const args = builder === 'buildah' ? ['inspect', '--type', 'image', ref] : ['image', 'inspect', ref];
  return spawnSync(builder, args, { stdio: 'ignore' }).status === 0;
}

/** Node.js of this process, laid out as the node images have it: /usr/local/{bin,lib/node_modules}. */
function addNode(rootfs: string): void {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const npm = path.join(prefix, 'lib/node_modules/npm');
  if (!existsSync(npm)) throw new Error(`npm is not beside this Node.js (${npm}): the base needs both`);
  mkdirSync(path.join(rootfs, 'usr/local/bin'), { recursive: true });
  cpSync(process.execPath, path.join(rootfs, 'usr/local/bin/node'));
  cpSync(npm, path.join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(rootfs, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(rootfs, 'usr/local/bin/npx'));
  // What a slim image leaves out too: package lists, docs, manuals, translations.
  for (const dir of ['var/cache/apt', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale', 'var/log']) {
    const abs = path.join(rootfs, dir);
    rmSync(abs, { recursive: true, force: true });
    mkdirSync(abs, { recursive: true });
  }
}

const CHANGES = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["node"]'];

/** `tar -C rootfs -c . | <builder> import`, or buildah's from-scratch equivalent. */
async function importRootfs(builder: BuilderName, rootfs: string, ref: string, log: (line: string) => void): Promise<void> {
  if (builder === 'buildah') {
    const from = spawnSync('buildah', ['from', 'scratch'], { encoding: 'utf8' });
    if (from.status !== 0) throw new Error(`buildah from scratch failed: ${from.stderr.trim()}`);
    const ctr = from.stdout.trim();
    for (const cmd of [
      ['buildah', 'copy', ctr, `${rootfs}/`, '/'],
      ['buildah', 'config', '--env', CHANGES[0]!.slice(4), '--cmd', 'node', ctr],
      ['buildah', 'commit', '--rm', ctr, ref],
    ]) {
      log(`$ ${shellLine(cmd)}`);
      if ((await run(cmd)) !== 0) throw new Error(`\`${shellLine(cmd)}\` failed`);
    }
    return;
  }
  const importCmd = [builder, 'import', ...CHANGES.flatMap((c) => ['--change', c]), '-', ref];
  log(`$ tar -C ${rootfs} -c . | ${shellLine(importCmd)}`);
  await new Promise<void>((resolve, reject) => {
    const tar = spawn('tar', ['-C', rootfs, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const imp = spawn(importCmd[0]!, importCmd.slice(1), { stdio: [tar.stdout, 'ignore', 'inherit'] });
    let tarCode: number | null = null;
    tar.on('exit', (c) => (tarCode = c));
    imp.on('error', reject);
    imp.on('exit', (c) => (c === 0 && tarCode === 0 ? resolve() : reject(new Error(`${builder} import exited ${c} (tar ${tarCode})`))));
  });
}

/**
 * The offline base image, made at most once per machine: the image in the builder's
 * storage is reused; if it is gone, the cached root filesystem is imported again; only
 * without either does debootstrap run (about a minute to ten, by the mirror's speed).
 */
export async function ensureOfflineBase(builder: BuilderName, log: (line: string) => void = console.log, env: NodeJS.ProcessEnv = process.env): Promise<OfflineBase> {
  const ref = offlineBaseRef();
  if (imageExists(builder, ref)) return { ref, how: 'image cached' };
  const dir = path.join(cacheDir(env), `node-base-${process.version.slice(1)}-${SUITE}`);
  const rootfs = path.join(dir, 'rootfs');
  let how: OfflineBase['how'] = 'rootfs cached';
  if (!existsSync(rootfs)) {
    how = 'made';
    if (!onPath('debootstrap', env.PATH)) throw new Error('--base offline needs debootstrap (Debian/Ubuntu: apt-get install debootstrap)');
    if (process.getuid?.() !== 0) throw new Error('--base offline runs debootstrap, which needs root');
    const partial = path.join(dir, 'rootfs.partial');
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const cmd = ['debootstrap', '--variant=minbase', SUITE, partial, debianMirror(env)];
    log(`$ ${shellLine(cmd)}`);
    const code = await run(cmd, { env });
    if (code !== 0) throw new Error(`\`${shellLine(cmd)}\` failed with exit code ${code}`);
    addNode(partial);
    // Only a finished root filesystem gets the name the next run looks for.
    renameSync(partial, rootfs);
  }
  await importRootfs(builder, rootfs, ref, log);
  return { ref, how };
}
