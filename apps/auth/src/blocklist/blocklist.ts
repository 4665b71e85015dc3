import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAX_DRESSING, MIN_BASE, baseKey, baseWord, exactKey, split } from './normalise.ts';

/** The breached-password filter build.ts makes (sorted little-endian 32-bit keys). */
export const FILTER_FILE = fileURLToPath(new URL('./breached-passwords.u32', import.meta.url));

/** The product's own name: the first word anyone at a plant tries. */
export const PRODUCT_WORDS = ['kubevision'];
/** Context words shorter than this are ignored (they would refuse half the dictionary). */
const MIN_CONTEXT = 4;

let filter: Uint32Array | undefined;
const keys = () => {
  if (!filter) {
    const b = readFileSync(FILTER_FILE);
    filter = new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  }
  return filter;
};

function has(key: number): boolean {
  const f = keys();
  let lo = 0;
  let hi = f.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = f[mid]!;
    if (v === key) return true;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Breached: the password itself is in the list (SecLists' top 1M), or it is a listed word
 * dressed up with look-alikes, capitals and a tail of at most MAX_DRESSING digits or
 * symbols (`P@ssw0rd!`, `Summer2024`, `Qwerty123!`).
 */
export function isBreached(password: string): boolean {
  if (has(exactKey(password))) return true;
  const { tail } = split(password);
  return [...tail].length <= MAX_DRESSING && [...baseWord(password)].length >= MIN_BASE && has(baseKey(password));
}

/**
 * Words of names and addresses, alone and every run of them together:
 * `Linz Final-Assembly` -> linz, final, assembly, linzfinal, finalassembly, linzfinalassembly.
 */
export const wordsOf = (...texts: string[]) =>
  texts.flatMap((t) => {
    const words = t.normalize('NFC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 12);
    const runs = words.flatMap((_, i) => words.slice(i).map((__, j) => words.slice(i, i + j + 1).join('')));
    return runs.filter((w, i, all) => [...w].length >= MIN_CONTEXT && all.indexOf(w) === i);
  });

const letters = (s: string) => s.replace(/[^\p{L}]/gu, '');

/**
 * The context word a password is built from, if any: the letters of its base word contain
 * it, with at most MAX_DRESSING characters besides (`kubevision2026`, `Linz-Assembly1`, `Berger2024!`).
 */
export function contextWordIn(password: string, words: string[]): string | undefined {
  const base = letters(baseWord(password));
  const spare = [...password.normalize('NFC')].length;
  return words
    .map((w) => letters(baseWord(w)))
    .find((w) => [...w].length >= MIN_CONTEXT && base.includes(w) && spare - [...w].length <= MAX_DRESSING);
}
