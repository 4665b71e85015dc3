/**
 * How a password is compared with breached ones and with the words around it (NIST SP
 * 800-63B-4 §3.1.1.2: breached values, dictionary words, context-specific words). People
 * dress a weak word up: capitals, look-alike symbols, a few digits or a "!" at the end.
 * Those are taken off before comparing, on both sides.
 */

/** Look-alikes back to the letter they stand for (the common "leet" substitutions). */
const LOOK_ALIKES: Record<string, string> = { '@': 'a', '4': 'a', '8': 'b', '(': 'c', '3': 'e', '6': 'g', '1': 'i', '!': 'i', '|': 'i', '0': 'o', $: 's', '5': 's', '7': 't', '+': 't', '2': 'z' };

/** A tail of at most this many digits or symbols adds too little to save a weak word ("2024!"). */
export const MAX_DRESSING = 5;

/** Shorter base words would refuse too much that is not dressed-up ("abc" + anything). */
export const MIN_BASE = 4;

const TAIL = /[^\p{L}]+$/u;

/** Lower case, NFC, with the tail of digits and symbols split off. */
export function split(password: string): { word: string; tail: string } {
  const lower = password.normalize('NFC').toLowerCase().trim();
  const tail = TAIL.exec(lower)?.[0] ?? '';
  return { word: lower.slice(0, lower.length - tail.length), tail };
}

/** The word under the dressing: `P@ssw0rd!` -> `password`, `Summer2024` -> `summer`. */
export function baseWord(password: string): string {
  return [...split(password).word].map((c) => LOOK_ALIKES[c] ?? c).join('');
}

/** 32-bit FNV-1a over UTF-16 units: the keys of the breached-password filter. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Keys in the filter: a breached password as typed (lower case), and its base word. */
export const exactKey = (password: string) => fnv1a(`=${password.normalize('NFC').toLowerCase()}`);
export const baseKey = (password: string) => fnv1a(`~${baseWord(password)}`);
