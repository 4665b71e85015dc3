import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../test/support/temp.ts';
import { PASSWORD, authStack, templatesAt, type AuthStack, type Browser } from './support.ts';

const FACES = path.resolve(import.meta.dirname, '../../../test/fixtures/faces');
const photo = (file: string) => readFileSync(path.join(FACES, file)).toString('base64');
const SETUP_CODE = 'plant-setup-code-0123456789';


/** A user with face login on and their recovery codes. */
async function enrolled(s: AuthStack) {
  const u = await s.user();
  const r = await u.b.post('/api/me/face', { images: [photo('yale-1.jpg'), photo('yale-2.jpg')] });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { ...u, codes: r.body.recoveryCodes as string[] };
}

/** A fresh login with the second factor (a recovery code: as good as the face, and quick). */
async function secondFactorLogin(s: AuthStack, email: string, code: string): Promise<Browser> {
  const b = await s.browser();
  expect((await b.post('/api/login', { email, password: PASSWORD })).body.stage).toBe('face');
  const r = await b.post('/api/login/recovery', { code });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return b;
}

/** The plant's first administrator, logged in as administration needs. */
async function firstAdmin(s: AuthStack) {
  const u = await enrolled(s);
  const b = await secondFactorLogin(s, u.email, u.codes[0]!);
  const r = await b.post('/api/admin/claim', { code: SETUP_CODE });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return { ...u, b, codes: u.codes.slice(1) };
}

const audit = async (admin: Browser, query: string) => {
  const r = await admin.get(`/api/admin/audit?${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.events as { type: string; result?: string; reason?: string; actorId?: string; actorEmail?: string; userId?: string }[];
};

describe('the plant administrator', () => {
  // The face service keeps its templates on disk: one test stops and restarts it (an outage).
  const stack = authStack({ face: true, env: { AUTH_ADMIN_BOOTSTRAP_TOKEN: SETUP_CODE }, faceEnv: { DATABASE_URL: '', FACE_DATA_DIR: tempDirs()('admin-face') } });
  let admin: Awaited<ReturnType<typeof firstAdmin>>;

  it('the setup code makes the first administrator, once, and only from a fresh login with the second factor', async () => {
    const s = stack();
    const plain = await s.user();
    const noFactor = await plain.b.post('/api/admin/claim', { code: SETUP_CODE });
    expect(noFactor.status).toBe(403);
    expect(noFactor.body.error).toMatchObject({ code: 'admin_login_required', reason: 'no_second_factor' });

    const u = await enrolled(s);
    const passwordOnly = await u.b.post('/api/admin/claim', { code: SETUP_CODE });
    expect(passwordOnly.body.error, 'the session that enrolled never passed a second factor').toMatchObject({ code: 'admin_login_required', reason: 'password_only' });

    const b = await secondFactorLogin(s, u.email, u.codes[0]!);
    const wrong = await b.post('/api/admin/claim', { code: 'not-the-code-at-all' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_setup_code', field: 'code' });
    expect((await b.get('/api/admin/users')).body.error.code, 'not an administrator yet').toBe('admin_only');
    const ok = await b.post('/api/admin/claim', { code: SETUP_CODE });
    expect(ok.status).toBe(200);
    expect(ok.body.user.role).toBe('admin');
    expect((await b.get('/api/me')).body.user.role).toBe('admin');
    admin = { ...u, b, codes: u.codes.slice(1) };

    // The code made one administrator; more come from an administrator.
    const other = await enrolled(s);
    const late = await (await secondFactorLogin(s, other.email, other.codes[0]!)).post('/api/admin/claim', { code: SETUP_CODE });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('admin_exists');
    expect((await plain.b.get('/api/admin/users')).body.error.code).toBe('admin_only');

    // Administration needs a login at most 15 minutes old, whatever the session's own limits.
    s.clock.advance(16 * 60_000);
    const stale = await b.get('/api/admin/users');
    expect(stale.status).toBe(403);
    expect(stale.body.error).toMatchObject({ code: 'admin_login_required', reason: 'stale' });
    expect((await b.get('/api/me')).status, 'the session itself is still good').toBe(200);
    admin.b = await secondFactorLogin(s, u.email, admin.codes.shift()!);
    expect((await admin.b.get('/api/admin/users')).status).toBe(200);

    const claims = await audit(admin.b, `type=admin.claim&userId=${u.id}`);
    expect(claims.map((e) => `${e.result}:${e.reason ?? ''}`)).toEqual(['success:', 'failure:wrong_code']);
  });

  it('finds accounts by part of an email or name, a page at a time', async () => {
    const s = stack();
    const tag = `find${Date.now() % 100000}`;
    for (const n of ['Anna Berg', 'Bert Anders', 'Carl Other']) await s.user({ name: n, email: `${tag}-${n.split(' ')[0]!.toLowerCase()}@plant.example` });
    const found = await admin.b.get(`/api/admin/users?q=${encodeURIComponent(tag.toUpperCase())}&limit=2`);
    expect(found.status).toBe(200);
    expect(found.body.users.map((u: { email: string }) => u.email)).toEqual([`${tag}-anna@plant.example`, `${tag}-bert@plant.example`]);
    const rest = await admin.b.get(`/api/admin/users?q=${tag}&limit=2&after=${encodeURIComponent(found.body.next)}`);
    expect(rest.body.users.map((u: { name: string }) => u.name)).toEqual(['Carl Other']);
    expect(rest.body.next).toBeUndefined();
    const byName = await admin.b.get(`/api/admin/users?q=anders`);
    expect(byName.body.users.map((u: { name: string }) => u.name)).toContain('Bert Anders');
    expect((await admin.b.get('/api/admin/users?limit=0')).body.error).toMatchObject({ code: 'invalid_field', field: 'limit' });
    expect((await admin.b.get('/api/admin/users/not-an-id')).body.error).toMatchObject({ code: 'invalid_field', field: 'id' });
    expect((await admin.b.get('/api/admin/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('unlock: a throttled account looks like a wrong password to its owner; the administrator sees why and clears it', async () => {
    const s = stack();
    const target = await s.user();
    const terminal = await s.browser();
    for (let i = 0; i < 6; i++) expect((await terminal.post('/api/login', { email: target.email, password: 'not my password' })).status).toBe(401);
    const refused = await terminal.post('/api/login', { email: target.email, password: PASSWORD });
    expect(refused.body.error.code, 'the right password, refused while waiting').toBe('invalid_credentials');

    const seen = (await admin.b.get(`/api/admin/users/${target.id}`)).body.user;
    expect(seen.throttle.password, 'five failures; tries while it waits are refused, not counted').toMatchObject({ failures: 5, locked: false });
    expect(seen.throttle.password.retryAfterSeconds).toBeGreaterThan(0);
    const unlocked = await admin.b.post(`/api/admin/users/${target.id}/unlock`);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.user.throttle.password).toEqual({ failures: 0, locked: false, retryAfterSeconds: 0 });
    expect((await terminal.post('/api/login', { email: target.email, password: PASSWORD })).status, 'in at once').toBe(200);

    const [event] = await audit(admin.b, `userId=${target.id}&kind=admin`);
    expect(event).toMatchObject({ type: 'admin.unlock', actorId: admin.id, actorEmail: admin.email, userId: target.id, reason: 'cleared password' });
  });

  it('a password reset code works once, for its account, before it expires; the new password is checked first; every session ends', async () => {
    const s = stack();
    const target = await s.user();
    const issued = await admin.b.post(`/api/admin/users/${target.id}/password-reset`);
    expect(issued.status).toBe(201);
    expect(issued.body.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect((await admin.b.get(`/api/admin/users/${target.id}`)).body.user.passwordReset).toEqual({ issuedAt: expect.any(String), expiresAt: issued.body.expiresAt });
    expect((await target.b.get('/api/me')).status, 'issuing changes nothing yet').toBe(200);

    const terminal = await s.browser();
    const reset = (body: object) => terminal.post('/api/password-reset', { email: target.email, code: issued.body.code, newPassword: 'a brand new passphrase', ...body });
    const weak = await reset({ newPassword: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: 'weak_password', field: 'newPassword' });
    const wrong = await reset({ code: 'AAAA-BBBB-CCCC-DDDD' });
    expect(wrong.body.error).toMatchObject({ code: 'invalid_reset_code', field: 'code' });
    const unknown = await reset({ email: 'nobody-here@plant.example' });
    expect(unknown.body, 'an unknown account reads the same').toEqual(wrong.body);

    const done = await reset({ code: issued.body.code.toLowerCase() });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await target.b.get('/api/me')).status, 'the old session ended').toBe(401);
    expect((await terminal.post('/api/login', { email: target.email, password: PASSWORD })).status).toBe(401);
    expect((await terminal.post('/api/login', { email: target.email, password: 'a brand new passphrase' })).body.stage).toBe('full');
    expect((await reset({ newPassword: 'another fresh passphrase' })).body.error.code, 'used once').toBe('invalid_reset_code');

    const late = await admin.b.post(`/api/admin/users/${target.id}/password-reset`);
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    s.clock.advance(25 * 3600_000);
    expect((await reset({ code: late.body.code, newPassword: 'another fresh passphrase' })).body.error.code, 'expired after 24 h').toBe('invalid_reset_code');
    admin.b = await secondFactorLogin(s, admin.email, admin.codes.shift()!);

    const events = await audit(admin.b, `userId=${target.id}`);
    expect(events.filter((e) => e.type.includes('reset')).map((e) => `${e.type}:${e.result}`)).toEqual([
      'password.reset:failure',
      'admin.password_reset:success',
      'password.reset:failure',
      'password.reset:success',
      'password.reset:failure',
      'admin.password_reset:success',
    ]);
  });

  it('wrong reset codes are throttled: waits after 5, the code void after 20', async () => {
    const s = stack();
    const target = await s.user();
    const { body } = await admin.b.post(`/api/admin/users/${target.id}/password-reset`);
    const terminal = await s.browser();
    const guess = () => terminal.post('/api/password-reset', { email: target.email, code: 'AAAA-BBBB-CCCC-DDDD', newPassword: 'a brand new passphrase' });
    for (let i = 0; i < 5; i++) expect((await guess()).body.error.code).toBe('invalid_reset_code');
    const waiting = await guess();
    expect(waiting.status).toBe(429);
    expect(waiting.body.error.code).toBe('reset_throttled');
    const right = await terminal.post('/api/password-reset', { email: target.email, code: body.code, newPassword: 'a brand new passphrase' });
    expect(right.body.error.code, 'even the right code waits').toBe('reset_throttled');
    expect((await admin.b.get(`/api/admin/users/${target.id}`)).body.user.throttle.passwordReset).toMatchObject({ failures: 5, retryAfterSeconds: 30 });
    // Waiting out each wait, up to the 20th wrong code: then the code is void until the administrator issues a new one.
    for (let n = 5; n < 20; n++) {
      s.clock.advance(3600_000);
      expect((await guess()).body.error.code, `wrong code ${n + 1}`).toBe('invalid_reset_code');
    }
    s.clock.advance(3600_000);
    expect((await terminal.post('/api/password-reset', { email: target.email, code: body.code, newPassword: 'a brand new passphrase' })).body.error.code).toBe('reset_locked');
    admin.b = await secondFactorLogin(s, admin.email, admin.codes.shift()!);
    const again = await admin.b.post(`/api/admin/users/${target.id}/password-reset`);
    const ok = await terminal.post('/api/password-reset', { email: target.email, code: again.body.code, newPassword: 'a brand new passphrase' });
    expect(ok.status, 'a new code starts over').toBe(200);
  });

  it("erases a user's face data: templates gone from the face service, face login off, their sessions ended; with the face service down, nothing changes", async () => {
    const s = stack();
    const target = await enrolled(s);
    expect(await templatesAt(s, target.id)).toBe(2);
    // The face service down: nothing changes, and the administrator is told to retry.
    await s.stopFace();
    const down = await admin.b.del(`/api/admin/users/${target.id}/face`);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('face_unavailable');
    await s.restartFace({});
    expect((await admin.b.get(`/api/admin/users/${target.id}`)).body.user.face).toMatchObject({ enabled: true, templates: 2 });
    expect((await target.b.get('/api/me')).status, 'their session stays').toBe(200);
    const r = await admin.b.del(`/api/admin/users/${target.id}/face`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.user.face).toMatchObject({ enabled: false, templates: 0 });
    expect(await templatesAt(s, target.id)).toBe(0);
    expect((await target.b.get('/api/me')).status).toBe(401);
    // With face off the account logs in with the password alone (its recovery codes stay for next time).
    expect((await (await s.browser()).post('/api/login', { email: target.email, password: PASSWORD })).body.stage).toBe('full');
    const [event] = await audit(admin.b, `userId=${target.id}&type=admin.face_erase`);
    expect(event).toMatchObject({ actorId: admin.id, reason: '2 templates erased' });
  });

  it('erases another account whole, makes and unmakes administrators, and keeps the last one', async () => {
    const s = stack();
    const leaving = await enrolled(s);
    expect((await admin.b.del(`/api/admin/users/${admin.id}`)).body.error.code).toBe('own_account');
    expect((await admin.b.del(`/api/admin/users/${leaving.id}`)).status).toBe(200);
    expect(await templatesAt(s, leaving.id)).toBe(0);
    expect((await admin.b.get(`/api/admin/users/${leaving.id}`)).status).toBe(404);
    expect((await audit(admin.b, `userId=${leaving.id}&kind=admin`))[0]).toMatchObject({ type: 'admin.account_delete', actorId: admin.id });

    expect((await admin.b.post(`/api/admin/users/${admin.id}/role`, { admin: false })).body.error.code).toBe('last_admin');
    const deputy = await enrolled(s);
    expect((await admin.b.post(`/api/admin/users/${deputy.id}/role`, { admin: 'yes' })).body.error).toMatchObject({ code: 'invalid_field', field: 'admin' });
    expect((await admin.b.post(`/api/admin/users/${deputy.id}/role`, { admin: true })).body.user.role).toBe('admin');
    const d = await secondFactorLogin(s, deputy.email, deputy.codes[0]!);
    expect((await d.get('/api/admin/users')).status).toBe(200);
    expect((await d.post(`/api/admin/users/${deputy.id}/role`, { admin: false })).body.user.role).toBe('user');
    expect((await d.get('/api/admin/users')).body.error.code).toBe('admin_only');
  });

  it('reads the audit trail filtered and in pages, and no route changes or deletes it', async () => {
    const s = stack();
    const target = await s.user();
    await (await s.browser()).post('/api/login', { email: target.email, password: 'wrong password here' });
    await admin.b.post(`/api/admin/users/${target.id}/unlock`);
    const all = await audit(admin.b, `userId=${target.id}`);
    expect(all.map((e) => e.type)).toEqual(['admin.unlock', 'login', 'register']);
    expect((await audit(admin.b, `userId=${target.id}&kind=login&result=failure`)).map((e) => e.reason)).toEqual(['wrong_password']);
    expect((await audit(admin.b, `actorId=${admin.id}&limit=200`)).every((e) => e.actorId === admin.id)).toBe(true);
    const first = await admin.b.get(`/api/admin/audit?userId=${target.id}&limit=2`);
    const second = await admin.b.get(`/api/admin/audit?userId=${target.id}&limit=2&before=${encodeURIComponent(first.body.next)}`);
    expect([...first.body.events, ...second.body.events].map((e: { type: string }) => e.type)).toEqual(all.map((e) => e.type));
    expect(second.body.next).toBeUndefined();
    expect((await admin.b.get('/api/admin/audit?type=everything')).body.error).toMatchObject({ code: 'invalid_field', field: 'type' });
    expect((await admin.b.get('/api/admin/audit?userId=1')).body.error).toMatchObject({ code: 'invalid_field', field: 'userId' });

    for (const [method, p] of [['DELETE', '/api/admin/audit'], ['POST', '/api/admin/audit'], ['DELETE', `/api/admin/audit/${all[0]!.type}`]] as const) {
      const r = await admin.b.call(method, p, {});
      expect(r.status, `${method} ${p}`).toBe(404);
    }
    expect((await audit(admin.b, `userId=${target.id}`)).length).toBe(all.length);
  });
});
