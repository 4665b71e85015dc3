import { execFile } from 'node:child_process';
import { containersConf } from '../../src/images/containers-conf.ts';
import { ensureDebian } from '../support/debian.ts';

/**
 * podman and what it runs with, from Debian (environment.md): runc (crun fails on this
 * cgroup hybrid), netavark and aardvark-dns (the network whose DNS resolves the Service
 * names the chart writes into the environment) with iptables, which netavark calls for every
 * network it sets up (without it each RUN step fails: "netavark: No such file or directory"),
 * catatonit (the pause process of the infra container `podman kube play` gives each pod),
 * debootstrap for the offline base.
 */
export const PODMAN_PACKAGES = ['podman', 'buildah', 'runc', 'netavark', 'aardvark-dns', 'iptables', 'catatonit', 'fuse-overlayfs', 'slirp4netns', 'uidmap', 'debootstrap'];

export function ensurePodman(): void {
  // One program of each package a container here cannot do without.
  for (const file of ['/usr/bin/podman', '/usr/bin/buildah', '/usr/sbin/runc', '/usr/lib/podman/aardvark-dns', '/usr/sbin/iptables', '/usr/bin/catatonit', '/usr/sbin/debootstrap']) ensureDebian(PODMAN_PACKAGES, file);
  // The same settings `npm run images` uses, so what the tests run is what it built with.
  const conf = containersConf();
  if (conf) process.env.CONTAINERS_CONF = conf.file;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function podman(args: string[], o: { timeoutMs?: number; input?: string } = {}): Promise<Result> {
  return run('podman', args, o);
}

export async function podmanOk(args: string[], o: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  return ok('podman', await podman(args, o), args);
}

/** buildah, with the same containers.conf (ensurePodman) and the same error reporting. */
export async function buildahOk(args: string[], o: { timeoutMs?: number } = {}): Promise<string> {
  return ok('buildah', await run('buildah', args, o), args);
}

function ok(bin: string, r: Result, args: string[]): string {
  if (r.code !== 0) throw new Error(`${bin} ${args.join(' ')}: exit ${r.code}\n${r.stderr || r.stdout}`);
  return r.stdout;
}

function run(bin: string, args: string[], o: { timeoutMs?: number; input?: string }): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { timeout: o.timeoutMs ?? 120_000, maxBuffer: 64 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) || 1 : 0, stdout, stderr });
    });
    if (o.input !== undefined) child.stdin?.end(o.input);
  });
}


/** Polls `check` until it returns a value, or throws after `limitMs` with what it saw last. */
export async function waitFor<T>(what: string, limitMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + limitMs;
  let last = '';
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > end) throw new Error(`${what}: not within ${Math.round(limitMs / 1000)} s${last ? ` (last: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
