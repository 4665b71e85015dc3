import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const apt = (...args: string[]) =>
  execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });

/**
 * Makes sure a program from a Debian package is there: when `file` is missing, installs
 * `pkg` (after `apt-get update` when the package lists are stale). The tests' tools come
 * from the machine's Debian mirror, never from a download of their own.
 */
export function ensureDebian(pkg: string, file: string): string {
  if (existsSync(file)) return file;
  try {
    apt('install', '-y', '--no-install-recommends', pkg);
  } catch {
    try {
      apt('update');
      apt('install', '-y', '--no-install-recommends', pkg);
    } catch (e) {
      throw new Error(`${file} is missing and could not be installed (apt-get install ${pkg}, as root): ${(e as Error).message}`);
    }
  }
  if (!existsSync(file)) throw new Error(`apt-get installed ${pkg}, but ${file} is still missing`);
  return file;
}
