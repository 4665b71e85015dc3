import { describe, expect, it } from 'vitest';
import { judge, policies, waitSeconds } from '../src/throttle.ts';
import { PASSWORD, authStack, uniqueEmail } from './support.ts';

describe('the numbers (NIST SP 800-63B-4)', () => {
  it('face: 5 free failures, then at least 30 s, doubling; disabled at 50', () => {
    expect([0, 4].map((n) => waitSeconds(policies.face, n))).toEqual([0, 0]);
    expect([5, 6, 7, 8].map((n) => waitSeconds(policies.face, n))).toEqual([30, 60, 120, 240]);
    expect(waitSeconds(policies.face, 49)).toBe(3600);
    expect(judge(policies.face, 49, 0, 4000 * 1000).allowed).toBe(true);
    expect(judge(policies.face, 50, 0, Number.MAX_SAFE_INTEGER)).toEqual({ allowed: false, locked: true, retryAfterSeconds: 0 });
  });

  it('password and recovery codes: at most 100 consecutive failures', () => {
    expect(policies.password(5).hardLimit).toBe(100);
    expect(policies.recovery.hardLimit).toBe(100);
    expect(waitSeconds(policies.password(5), 99)).toBe(15 * 60);
    const t = 1_000_000;
    expect(judge(policies.password(5), 5, t, t + 29_000)).toEqual({ allowed: false, locked: false, retryAfterSeconds: 1 });
    expect(judge(policies.password(5), 5, t, t + 30_000).allowed).toBe(true);
  });
});

const stack = authStack();
const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('password throttling', () => {
  it('after 5 failures the account waits 30 s, even for the right password, and counts again from zero after a success', async () => {
    const s = stack();
    const { email } = await s.user();
    const attacker = await s.browser(from('10.0.0.1'));
    for (let i = 0; i < 5; i++) expect((await attacker.post('/api/login', { email, password: `guess number ${i}` })).status).toBe(401);
    const tooSoon = await attacker.post('/api/login', { email, password: PASSWORD });
    expect(tooSoon.status).toBe(401);
    expect(tooSoon.body.error.code).toBe('invalid_credentials');

    s.clock.advance(30_000);
    expect((await attacker.post('/api/login', { email, password: PASSWORD })).status).toBe(200);
    const again = await s.browser(from('10.0.0.2'));
    for (let i = 0; i < 5; i++) await again.post('/api/login', { email, password: `guess ${i}` });
    s.clock.advance(30_000);
    expect((await again.post('/api/login', { email, password: 'one more guess' })).status).toBe(401);
    s.clock.advance(59_000);
    expect((await again.post('/api/login', { email, password: PASSWORD })).status, 'the 7th try waits 60 s').toBe(401);
    s.clock.advance(1_000);
    expect((await again.post('/api/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('an attacker cannot lock the owner out of a browser they logged in with before', async () => {
    const s = stack();
    const { b: owner, email } = await s.user();
    await owner.post('/api/logout');
    expect(owner.jar.has('__Host-kv-device')).toBe(true);
    const attacker = await s.browser(from('10.0.1.1'));
    for (let i = 0; i < 20; i++) {
      s.clock.advance(16 * 60_000);
      await attacker.post('/api/login', { email, password: `guess ${i}` });
    }
    expect((await attacker.post('/api/login', { email, password: PASSWORD })).status, 'unknown browsers wait').toBe(401);
    expect((await owner.post('/api/login', { email, password: PASSWORD })).status, 'the owner does not').toBe(200);
    // ... and their success clears the account's count for everyone.
    expect((await attacker.post('/api/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('at most 100 consecutive failures: then the password is refused from unknown browsers, whatever the wait', async () => {
    const s = stack();
    const { b: owner, email } = await s.user();
    await owner.post('/api/logout');
    const attacker = await s.browser(from('10.0.2.1'));
    for (let i = 0; i < 100; i++) {
      expect((await attacker.post('/api/login', { email, password: `guess ${i}` })).status).toBe(401);
      s.clock.advance(16 * 60_000);
    }
    s.clock.advance(30 * 24 * 3600_000);
    const locked = await (await s.browser(from('10.0.2.2'))).post('/api/login', { email, password: PASSWORD });
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe('invalid_credentials');
    expect((await owner.post('/api/login', { email, password: PASSWORD })).status, 'a known browser still gets in').toBe(200);
  });

  it('a client address with 100 failures in an hour is refused for every account, others are not', async () => {
    const s = stack();
    const { email } = await s.user();
    const sprayer = await s.browser(from('10.0.3.1'));
    for (let i = 0; i < 100; i++) await sprayer.post('/api/login', { email: uniqueEmail('spray'), password: PASSWORD });
    const hashes = async () => Number(/^auth_password_hash_seconds_count\{[^}]*\} (\d+)$/m.exec(await (await fetch(`${s.url}/metrics`)).text())?.[1] ?? 0);
    const before = await hashes();
    expect(before, 'the metric is read').toBeGreaterThan(100);
    for (let i = 0; i < 5; i++) expect((await sprayer.post('/api/login', { email, password: PASSWORD })).status).toBe(401);
    expect(await hashes(), 'refused by the address limit without spending a password hash').toBe(before);
    expect((await (await s.browser(from('10.0.3.2'))).post('/api/login', { email, password: PASSWORD })).status).toBe(200);
    s.clock.advance(3600_000);
    expect((await sprayer.post('/api/login', { email, password: PASSWORD })).status, 'next hour').toBe(200);
  });
});

describe('no user enumeration', () => {
  it('unknown account, wrong password and throttled: same status, same body, comparable time', async () => {
    const s = stack();
    const { email } = await s.user();
    const throttledEmail = (await s.user()).email;
    const b = await s.browser(from('10.0.4.1'));
    for (let i = 0; i < 6; i++) await b.post('/api/login', { email: throttledEmail, password: `guess ${i}` });

    const cases = {
      unknown: () => b.post('/api/login', { email: uniqueEmail('nobody'), password: PASSWORD }),
      wrongPassword: () => b.post('/api/login', { email, password: 'wrong but long enough' }),
      throttled: () => b.post('/api/login', { email: throttledEmail, password: PASSWORD }),
    };
    const bodies = new Set<string>();
    const ms: Record<string, number[]> = { unknown: [], wrongPassword: [], throttled: [] };
    for (let round = 0; round < 15; round++) {
      for (const [name, attempt] of Object.entries(cases)) {
        const t = performance.now();
        const r = await attempt();
        ms[name]!.push(performance.now() - t);
        expect(r.status, name).toBe(401);
        bodies.add(JSON.stringify(r.body));
        expect(r.cookies.map((c) => c.name), name).toEqual([]);
      }
      // Stay below the per-address limit; the throttled account stays throttled.
      s.clock.advance(1000);
    }
    expect([...bodies]).toEqual([JSON.stringify({ error: { code: 'invalid_credentials', message: 'Email or password is wrong.' } })]);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = median(ms.wrongPassword!);
    for (const name of ['unknown', 'throttled']) {
      // Each does one scrypt derivation, as a wrong password does; without it they answer in about 1 ms.
      const ratio = median(ms[name]!) / base;
      expect(ratio, `${name}: ${median(ms[name]!).toFixed(1)} ms vs ${base.toFixed(1)} ms`).toBeGreaterThan(0.6);
      expect(ratio, name).toBeLessThan(1.7);
    }
  });
});

describe('registration', () => {
  it('one client address may create a bounded number of accounts per hour', async () => {
    const s = stack();
    const b = await s.browser(from('10.0.5.1'));
    for (let i = 0; i < 100; i++) expect((await b.post('/api/register', { email: uniqueEmail('bulk'), name: 'B', password: PASSWORD })).status).toBe(201);
    const r = await b.post('/api/register', { email: uniqueEmail('bulk'), name: 'B', password: PASSWORD });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('too_many_registrations');
    expect((await (await s.browser(from('10.0.5.2'))).post('/api/register', { email: uniqueEmail(), name: 'B', password: PASSWORD })).status).toBe(201);
  });
});

describe('client addresses only the configured proxies may name (TRUSTED_PROXIES)', () => {
  // As in the cluster: auth believes the pod network; this test's client, on loopback, is a plant workstation.
  const direct = authStack({ env: { TRUSTED_PROXIES: '10.42.0.0/16', AUTH_REGISTRATIONS_PER_HOUR: '3', AUTH_IP_FAILURES_PER_HOUR: '4' } });

  it('a client outside them cannot pick the address registrations are limited by, nor the one failed logins are', async () => {
    const s = direct();
    const { email } = await s.user();
    for (let i = 0; i < 2; i++) {
      const b = await s.browser(from(`10.0.6.${i}`));
      expect((await b.post('/api/register', { email: uniqueEmail('ws'), name: 'W', password: PASSWORD })).status).toBe(201);
    }
    const fresh = await s.browser(from('10.0.6.99'));
    const r = await fresh.post('/api/register', { email: uniqueEmail('ws'), name: 'W', password: PASSWORD });
    expect(r.status, 'the header is ignored: all four came from 127.0.0.1').toBe(429);

    // Four failures (fewer than the account's five free ones), each claiming another address.
    for (let i = 0; i < 4; i++) expect((await (await s.browser(from(`10.0.7.${i}`))).post('/api/login', { email, password: `guess ${i}` })).status).toBe(401);
    const login = await (await s.browser(from('10.0.7.200'))).post('/api/login', { email, password: PASSWORD });
    expect(login.status, 'refused by the per-address limit of 127.0.0.1').toBe(401);
  });

  it('the audit records the connecting address, not the claimed one', async () => {
    const s = direct();
    s.clock.advance(3600_000); // a new hour for the address limits
    const { email } = await s.user();
    const b = await s.browser(from('203.0.113.50'));
    expect((await b.post('/api/login', { email, password: 'a wrong one' })).status).toBe(401);
    expect((await b.post('/api/login', { email, password: PASSWORD })).status).toBe(200);
    const logins = (await b.get('/api/me/logins')).body.logins as { ip: string; result: string }[];
    expect(logins.map((l) => `${l.result}@${l.ip}`)).toEqual(['success@127.0.0.1', 'failure@127.0.0.1']);
  });
});
