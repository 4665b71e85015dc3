import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, dropPgSchema, uniqueSchema } from '../../../test/support/postgres.ts';
import { PASSWORD, authStack, type AuthStack } from './support.ts';

/**
 * Guesses fired all at once, as an attacker with one script does. Throttling reserves each
 * attempt before its password is hashed (a compare-and-set on the counter), so a burst gets
 * exactly the free attempts the policy gives, not one per request, and refusals are not
 * counted (they would lock the owner out for the longest wait).
 */
const BURST = 64;
const FREE = 5;

async function metric(s: AuthStack, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

const namespace = uniqueSchema('kv_auth_race');
// What is checked here is the counter, not load shedding: on a slow machine 64 comparisons
// queue for more than the production 5 s and some would (rightly) be answered 503 busy.
const patient = { AUTH_HASH_MAX_WAIT_MS: '60000' };
afterAll(() => dropPgSchema(namespace));

describe.each([
  ['the embedded database (PGlite)', authStack({ env: patient })],
  ['the PostgreSQL server', authStack({ env: { DATABASE_URL: TEST_PG_URL, ...patient }, namespace })],
])('%d parallel logins on %s'.replace('%d', String(BURST)), (_name, stack) => {
  it(`a burst of ${BURST} wrong passwords gets ${FREE} comparisons; the owner waits 30 s after it, not the longest wait`, { timeout: 120_000 }, async () => {
    const s = stack();
    const { email } = await s.user();
    const attacker = await s.browser({ 'x-forwarded-for': '10.9.0.1' });
    const throttledBefore = await metric(s, 'auth_throttled_total', 'authenticator="password"');
    const replies = await Promise.all(Array.from({ length: BURST }, (_, i) => attacker.post('/api/login', { email, password: `guess number ${i}` })));
    expect(replies.map((r) => r.status)).toEqual(Array(BURST).fill(401));
    expect(new Set(replies.map((r) => r.body.error.code))).toEqual(new Set(['invalid_credentials']));
    expect((await metric(s, 'auth_throttled_total', 'authenticator="password"')) - throttledBefore, 'refused without comparing').toBe(BURST - FREE);

    const owner = await s.browser({ 'x-forwarded-for': '10.9.0.2' });
    expect((await owner.post('/api/login', { email, password: PASSWORD })).status, 'still inside the 30 s').toBe(401);
    s.clock.advance(30_000);
    // Had every request been counted, the counter would be 69 and the wait 15 min.
    expect((await owner.post('/api/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it(`in the waiting regime, of ${BURST} guesses at once exactly one is compared`, { timeout: 120_000 }, async () => {
    const s = stack();
    const { email } = await s.user();
    const attacker = await s.browser({ 'x-forwarded-for': '10.9.1.1' });
    for (let i = 0; i < FREE; i++) expect((await attacker.post('/api/login', { email, password: `guess ${i}` })).status).toBe(401);
    s.clock.advance(30_000);
    const throttledBefore = await metric(s, 'auth_throttled_total', 'authenticator="password"');
    const replies = await Promise.all(Array.from({ length: BURST }, (_, i) => attacker.post('/api/login', { email, password: `burst guess ${i}` })));
    expect(replies.map((r) => r.status)).toEqual(Array(BURST).fill(401));
    expect((await metric(s, 'auth_throttled_total', 'authenticator="password"')) - throttledBefore).toBe(BURST - 1);
    // Six failures now: the next attempt waits 60 s.
    s.clock.advance(59_000);
    expect((await attacker.post('/api/login', { email, password: PASSWORD })).status).toBe(401);
    s.clock.advance(1_000);
    expect((await attacker.post('/api/login', { email, password: PASSWORD })).status).toBe(200);
  });
});
