import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../src/config.ts';
import { PasswordHasher, isCommonPassword, passwordProblem } from '../src/passwords.ts';
import { newRecoveryCodes, normaliseRecoveryCode } from '../src/recovery-codes.ts';

describe('password storage', () => {
  it('defaults to scrypt N=2^17, r=8, p=1 (OWASP), salted, and verifies', async () => {
    const cfg = loadAuthConfig({ FACE_SERVICE_URL: 'http://face:8080', FACE_SERVICE_TOKEN: 't' });
    expect(cfg.scryptLogN).toBe(17);
    const hasher = new PasswordHasher({ logN: cfg.scryptLogN, r: 8, p: 1 }, 8);
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(await hasher.verify('correct horse battery staple', a)).toBe(true);
    expect(await hasher.verify('correct horse battery stapl', a)).toBe(false);
    expect(hasher.needsRehash(a)).toBe(false);
  });

  it('a hash made at a lower cost still verifies, and is marked for rehashing', async () => {
    const low = new PasswordHasher({ logN: 14, r: 8, p: 1 }, 8);
    const high = new PasswordHasher({ logN: 15, r: 8, p: 1 }, 8);
    const h = await low.hash('a long enough password');
    expect(await high.verify('a long enough password', h)).toBe(true);
    expect(high.needsRehash(h)).toBe(true);
  });

  it('treats canonically equal Unicode the same (NFC)', async () => {
    const hasher = new PasswordHasher({ logN: 14, r: 8, p: 1 }, 8);
    const h = await hasher.hash('Stra\u00dfe und Caf\u00e9 1');
    expect(await hasher.verify('Stra\u00dfe und Cafe\u0301 1', h)).toBe(true);
  });

  it('refuses work beyond its queue instead of piling up 128 MiB derivations', async () => {
    const hasher = new PasswordHasher({ logN: 14, r: 8, p: 1 }, 2, 1);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => hasher.hash('another long password')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['busy', 'busy', 'busy']);
  });
});

describe('password rules (ASVS V6)', () => {
  it('length 8 to 128 characters, counted as characters, no composition rules', () => {
    expect(passwordProblem('abcdefg', 'a@b.example', 8)?.reason).toBe('too_short');
    expect(passwordProblem('zqxwvutk', 'a@b.example', 8)).toBeNull();
    expect(passwordProblem('ü'.repeat(8), 'a@b.example', 8)).toBeNull();
    expect(passwordProblem('😀'.repeat(8), 'a@b.example', 8), 'emoji are one character each').toBeNull();
    expect(passwordProblem('x'.repeat(64), 'a@b.example', 8)).toBeNull();
    expect(passwordProblem('x'.repeat(128), 'a@b.example', 8)).toBeNull();
    expect(passwordProblem('x'.repeat(129), 'a@b.example', 8)?.reason).toBe('too_long');
    expect(passwordProblem('     spaces inside    ', 'a@b.example', 8)).toBeNull();
  });

  it('refuses the 3,000 most common passwords, in any case', () => {
    const list = readFileSync(new URL('../src/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(list).toHaveLength(3000);
    expect(list.every((p) => p.length >= 8)).toBe(true);
    for (const p of ['password', 'PASSWORD', 'iloveyou', '12345678', 'qwertyuiop', list[2999]!]) expect(isCommonPassword(p), p).toBe(true);
    expect(passwordProblem('Password1', 'a@b.example', 8)?.reason).toBe('common');
    expect(isCommonPassword('correct horse battery staple')).toBe(false);
  });

  it('refuses the account email inside the password', () => {
    expect(passwordProblem('maria.schmidt2024', 'maria.schmidt@plant.example', 8)?.reason).toBe('contains_email');
    expect(passwordProblem('xx maria.schmidt@plant.example', 'maria.schmidt@plant.example', 8)?.reason).toBe('contains_email');
  });
});

describe('recovery codes', () => {
  it('10 distinct codes of 80 bits, typed back in any case, with or without dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(normaliseRecoveryCode(c.toLowerCase().replace(/-/g, ''))).toBe(c);
      expect(normaliseRecoveryCode(` ${c.replace(/-/g, ' ')} `)).toBe(c);
    }
    expect(normaliseRecoveryCode('O0IL-0000-0000-0000')).toBe('0011-0000-0000-0000');
    expect(normaliseRecoveryCode('too-short')).toBeNull();
    expect(normaliseRecoveryCode('UUUU-0000-0000-0000'), 'U is not in the alphabet').toBeNull();
  });
});
