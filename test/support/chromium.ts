import { ensureDebian } from './debian.ts';

/** Debian's Chromium: the browser the browser tests drive (through playwright-core). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, installed when missing. */
export const ensureChromium = (): string => ensureDebian('chromium', CHROMIUM);

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
