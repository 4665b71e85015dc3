import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium: the browser the browser tests drive (through playwright-core). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const apt = (...args: string[]) =>
  execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });

/**
 * Makes sure Chromium is there: when it is missing on a Debian machine, installs the
 * `chromium` package (after `apt-get update` when the package lists are stale). No
 * browser downloads of a test tool's own: they cannot reach their servers here.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  try {
    apt('install', '-y', '--no-install-recommends', 'chromium');
  } catch {
    try {
      apt('update');
      apt('install', '-y', '--no-install-recommends', 'chromium');
    } catch (e) {
      throw new Error(`Chromium is not at ${CHROMIUM} and could not be installed (apt-get install chromium, as root): ${(e as Error).message}`);
    }
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing`);
  return CHROMIUM;
}

/** Flags for headless Chromium on these machines (closed network, root, no GPU). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
