import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDebian } from './debian.ts';

/**
 * A throwaway signing key in its own GnuPG home (`dir`), and the public keyring a plant
 * would get (Helm reads keyrings in the classic binary format: gpg --export).
 */
export function throwawayKey(dir: string): { homedir: string; key: string; keyring: string } {
  ensureDebian('gpg', '/usr/bin/gpg');
  const homedir = dir;
  const key = 'KubeVision Release Test <release-test@kubevision.example>';
  const gpg = (...args: string[]) => execFileSync('gpg', ['--homedir', homedir, '--batch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // RSA: the OpenPGP library helm 3 verifies with has no EdDSA.
  gpg('--passphrase', '', '--quick-generate-key', key, 'rsa3072', 'sign', 'never');
  const keyring = path.join(homedir, 'plant-pubring.gpg');
  writeFileSync(keyring, gpg('--export', key));
  return { homedir, key, keyring };
}
