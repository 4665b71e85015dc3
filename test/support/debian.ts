import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const apt = (...args: string[]) =>
  execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });

/**
 * Makes sure a program from Debian packages is there: when `file` is missing, installs
 * `pkgs` (after `apt-get update` when the package lists are stale). The tests' tools come
 * from the machine's Debian mirror, never from a download of their own.
 */
export function ensureDebian(pkgs: string | string[], file: string): string {
  if (existsSync(file)) return file;
  const list = typeof pkgs === 'string' ? [pkgs] : pkgs;
  try {
    apt('install', '-y', '--no-install-recommends', ...list);
  } catch {
    try {
      apt('update');
      apt('install', '-y', '--no-install-recommends', ...list);
    } catch (e) {
      throw new Error(`${file} is missing and could not be installed (apt-get install ${list.join(' ')}, as root): ${(e as Error).message}`);
    }
  }
  if (!existsSync(file)) throw new Error(`apt-get installed ${list.join(' ')}, but ${file} is still missing`);
  return file;
}
