import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ensureDebian } from './debian.ts';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface Registry {
  /** host:port, plain HTTP on 127.0.0.1. */
  host: string;
  stop(): void;
}

/**
 * Debian's docker-registry (the CNCF distribution registry, what Harbor and most plant
 * mirrors run) on 127.0.0.1, storing in `dir`; resolves once it answers the distribution
 * API's base endpoint.
 */
export async function startRegistry(dir: string): Promise<Registry> {
  const bin = ensureDebian('docker-registry', '/usr/bin/docker-registry');
  const host = `127.0.0.1:${await freePort()}`;
  writeFileSync(path.join(dir, 'config.yml'), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${host}\n`);
  const registry = spawn(bin, ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  for (;;) {
    const ok = await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false);
    if (ok) break;
    if (registry.exitCode !== null) throw new Error(`docker-registry exited (${registry.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { host, stop: () => registry.kill() };
}
