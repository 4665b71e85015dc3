import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { answer, CLIP_TIMING, CLIP_TURN_DEG, followingCamera, segment, TURNS_A, type Camera, type Progress } from '../../../test/support/webcam-clips.ts';
import { PASSWORD, authStack, templatesAt, type AuthStack, type Browser } from './support.ts';

const FACES = path.resolve(import.meta.dirname, '../../../test/fixtures/faces');
const photo = (file: string) => readFileSync(path.join(FACES, file)).toString('base64');


async function enrolledUser(s: AuthStack, images = [photo('yale-1.jpg'), photo('yale-2.jpg')]) {
  const u = await s.user();
  const r = await u.b.post('/api/me/face', { images });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { ...u, recoveryCodes: r.body.recoveryCodes as string[] };
}

async function passwordStep(s: AuthStack, email: string): Promise<Browser> {
  const b = await s.browser();
  const r = await b.post('/api/login', { email, password: PASSWORD });
  expect(r.body).toEqual({ stage: 'face', csrfToken: expect.any(String) });
  return b;
}

describe('face as a second factor (liveness off)', () => {
  const stack = authStack({ face: true });

  it('enrolls through the face service, hands out 10 recovery codes once, and then asks for the face at login', async () => {
    const s = stack();
    const { b, id, email, recoveryCodes } = await enrolledUser(s);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const me = (await b.get('/api/me')).body.user;
    expect(me).toMatchObject({ face: { enabled: true, templates: 2, locked: false }, recoveryCodesLeft: 10 });
    expect(await templatesAt(s, id)).toBe(2);

    const login = await passwordStep(s, email);
    const half = login.jar.get('__Host-kv-session');
    expect((await login.get('/api/me')).body.error.code, 'no access before the face step').toBe('second_factor_required');
    expect((await login.post('/api/login/face/challenge')).body).toEqual({ mode: 'off' });
    const r = await login.post('/api/login/face', { images: [photo('yale-4.jpg')] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.stage).toBe('full');
    expect(login.jar.get('__Host-kv-session'), 'new session id at the face step').not.toBe(half);
    expect((await login.get('/api/me')).status).toBe(200);
    const history = (await login.get('/api/me/logins')).body.logins;
    expect(history.slice(0, 2).map((l: { method: string; result: string }) => `${l.method}:${l.result}`)).toEqual(['face:success', 'password:success']);
  });

  it('refuses a different face, says what the camera sees wrong, and never accepts a descriptor', async () => {
    const s = stack();
    const { email } = await enrolledUser(s);
    const b = await passwordStep(s, email);
    const other = await b.post('/api/login/face', { images: [photo('messi-1.jpg')] });
    expect(other.status).toBe(401);
    expect(other.body.error).toMatchObject({ code: 'face_mismatch', attemptsLeft: 49 });
    const two = await b.post('/api/login/face', { images: [photo('multi-three-men.jpg')] });
    expect(two.status).toBe(422);
    expect(two.body.error).toMatchObject({ code: 'image_rejected', reason: 'multiple_faces' });
    const check = await b.post('/api/me/face/check', { image: photo('no-face.jpg') });
    // An answer, not an error: the page asks every second while the camera is aimed.
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: false, reason: 'no_face', message: 'no face was found in the picture' });
    // A truncated JPEG: the reason, in words for the user, never the decoder's own (VipsJpeg: premature end ...).
    const cut = readFileSync(path.join(FACES, 'yale-1.jpg'));
    s.clock.advance(1000); // the check takes three frames a second
    const truncated = await b.post('/api/me/face/check', { image: cut.subarray(0, Math.floor(cut.length / 3)).toString('base64') });
    expect(truncated.body).toMatchObject({ ok: false, reason: 'corrupt_image', message: 'the picture is damaged or incomplete; take it again' });
    expect(JSON.stringify(truncated.body)).not.toMatch(/vips|jpeg:/i);
    const forged = await b.post('/api/login/face', { descriptor: Array(1024).fill(0.1) });
    expect(forged.status).toBe(400);
    expect(forged.body.error.field).toBe('images');
    expect((await b.get('/api/me')).status).toBe(401);
  });

  // 50 real face comparisons: 14 s alone, past a minute beside the rest of the suite on two
  // cores. The limit only guards against a hang; a test cut off mid-way leaves its clock
  // and throttle state to the tests after it.
  it('face throttling: 5 free failures, then 30 s growing, disabled at 50; a recovery code still works', { timeout: 240_000 }, async () => {
    const s = stack();
    const { email, recoveryCodes } = await enrolledUser(s);
    const b = await passwordStep(s, email);
    const stranger = [photo('messi-1.jpg')];
    for (let i = 0; i < 5; i++) expect((await b.post('/api/login/face', { images: stranger })).status).toBe(401);
    const wait = await b.post('/api/login/face', { images: [photo('yale-4.jpg')] });
    expect(wait.status, 'even the right face waits').toBe(429);
    expect(wait.body.error).toMatchObject({ code: 'face_throttled', retryAfter: 30 });
    expect(wait.headers.get('retry-after')).toBe('30');
    s.clock.advance(30_000);
    expect((await b.post('/api/login/face', { images: stranger })).status).toBe(401);
    expect((await b.post('/api/login/face', { images: stranger })).body.error.retryAfter, 'the wait grows').toBe(60);

    // Up to the 50th failure (waiting out each wait, within the half-done login's 10 minutes per step).
    for (let n = 6; n < 50; n++) {
      s.clock.advance(3600_000);
      const again = await passwordStep(s, email);
      b.jar.clear();
      for (const [k, v] of again.jar) b.jar.set(k, v);
      b.csrf = again.csrf;
      expect((await b.post('/api/login/face', { images: stranger })).status, `failure ${n + 1}`).toBe(401);
    }
    s.clock.advance(3600_000);
    const c = await passwordStep(s, email);
    const locked = await c.post('/api/login/face', { images: [photo('yale-4.jpg')] });
    expect(locked.status).toBe(403);
    expect(locked.body.error.code).toBe('face_locked');
    expect((await c.post('/api/login/face/challenge')).body.error.code).toBe('face_locked');

    const recovered = await c.post('/api/login/recovery', { code: recoveryCodes[0]!.toLowerCase().replace(/-/g, ' ') });
    expect(recovered.status, JSON.stringify(recovered.body)).toBe(200);
    expect(recovered.body.user).toMatchObject({ face: { locked: true }, recoveryCodesLeft: 9 });
    // Re-enrolling is how face login comes back.
    expect((await c.del('/api/me/face', { password: PASSWORD })).status).toBe(200);
    expect((await c.post('/api/me/face', { images: [photo('yale-1.jpg')] })).body.user.face).toMatchObject({ enabled: true, locked: false });
  });

  it('recovery codes are single use, and regenerating voids the old ones', async () => {
    const s = stack();
    const { b: owner, email, recoveryCodes } = await enrolledUser(s);
    const first = await passwordStep(s, email);
    expect((await first.post('/api/login/recovery', { code: recoveryCodes[3] })).status).toBe(200);
    const second = await passwordStep(s, email);
    const reused = await second.post('/api/login/recovery', { code: recoveryCodes[3] });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('invalid_recovery_code');
    const fresh = await owner.post('/api/me/recovery-codes', { password: PASSWORD });
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect((await second.post('/api/login/recovery', { code: fresh.body.recoveryCodes[0] })).body.error.code, 'new codes end the half-done login too').toBe('not_authenticated');
    const third = await passwordStep(s, email);
    expect((await third.post('/api/login/recovery', { code: recoveryCodes[4] })).status, 'old codes void').toBe(401);
    expect((await third.post('/api/login/recovery', { code: fresh.body.recoveryCodes[0] })).status).toBe(200);
  });

  it('turning face off needs the password and deletes the templates', async () => {
    const s = stack();
    const { b, id, email } = await enrolledUser(s);
    expect((await b.del('/api/me/face', { password: 'not my password' })).status).toBe(401);
    expect(await templatesAt(s, id)).toBe(2);
    const off = await b.del('/api/me/face', { password: PASSWORD });
    expect(off.body.user.face).toMatchObject({ enabled: false, templates: 0 });
    expect(await templatesAt(s, id)).toBe(0);
    expect((await (await s.browser()).post('/api/login', { email, password: PASSWORD })).body.stage).toBe('full');
  });

  it('turning face login on or off, and new recovery codes, end every other session of the account', async () => {
    const s = stack();
    const { b, email } = await s.user();
    const elsewhere = async () => {
      const x = await s.browser();
      const r = await x.post('/api/login', { email, password: PASSWORD });
      if (r.body.stage === 'face') expect((await x.post('/api/login/face', { images: [photo('yale-4.jpg')] })).status).toBe(200);
      expect((await x.get('/api/me')).status).toBe(200);
      return x;
    };
    let other = await elsewhere();
    const enrolled = await b.post('/api/me/face', { images: [photo('yale-1.jpg')] });
    expect(enrolled.status).toBe(201);
    expect((await other.get('/api/me')).status, 'a password-only session would skip the new factor').toBe(401);
    other = await elsewhere();
    expect((await b.post('/api/me/recovery-codes', { password: PASSWORD })).status).toBe(200);
    expect((await other.get('/api/me')).status).toBe(401);
    other = await elsewhere();
    expect((await b.del('/api/me/face', { password: PASSWORD })).status).toBe(200);
    expect((await other.get('/api/me')).status).toBe(401);
    expect((await b.get('/api/me')).status, 'the session that made the change stays').toBe(200);
  });

  it('deleting the account deletes its face templates in the face service', async () => {
    const s = stack();
    const { b, id, email } = await enrolledUser(s);
    expect(await templatesAt(s, id)).toBe(2);
    expect((await b.del('/api/me', { password: PASSWORD })).status).toBe(200);
    expect(await templatesAt(s, id)).toBe(0);
    expect((await (await s.browser()).post('/api/login', { email, password: PASSWORD })).status).toBe(401);
  });

  // Last: it stops the face service.
  it('face service down: password-only accounts log in; face accounts are told and can use a recovery code', async () => {
    const s = stack();
    const plain = await s.user();
    const { email, recoveryCodes } = await enrolledUser(s);
    await s.face!.close();

    const t = performance.now();
    const b = await passwordStep(s, email);
    const down = await b.post('/api/login/face', { images: [photo('yale-4.jpg')] });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('face_unavailable');
    expect(down.body.error.message).toMatch(/recovery code/);
    expect(performance.now() - t, 'answered quickly, not after a long hang').toBeLessThan(5000);
    expect((await b.post('/api/login/face/challenge')).body.error.code).toBe('face_unavailable');
    expect((await b.post('/api/login/recovery', { code: recoveryCodes[0] })).status).toBe(200);

    expect((await (await s.browser()).post('/api/login', { email: plain.email, password: PASSWORD })).body.stage).toBe('full');
    expect((await fetch(`${s.url}/readyz`)).status, 'still ready: face is not needed for passwords').toBe(200);
    expect((await plain.b.del('/api/me', { password: PASSWORD })).status, 'an account without face data can still be deleted').toBe(200);
    const faceUser = await s.browser();
    await faceUser.post('/api/login/recovery', {});
    const deleting = await b.del('/api/me', { password: PASSWORD });
    expect(deleting.status, 'face data cannot be erased now: nothing is deleted').toBe(503);
    expect((await b.get('/api/me')).status).toBe(200);
  });
});

describe('after the plant changes the face model (face.model)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kv-auth-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stack = authStack({ face: true, faceEnv: { DATABASE_URL: `pglite://${dir}`, FACE_MODEL: 'faceres' } });

  it('the face step says to enroll again instead of comparing across models; a recovery code gets the user in to do it', { timeout: 180_000 }, async () => {
    const s = stack();
    const { email, recoveryCodes } = await enrolledUser(s);
    await s.restartFace({ FACE_MODEL: 'faceres-deep' });

    const b = await passwordStep(s, email);
    const r = await b.post('/api/login/face', { images: [photo('yale-4.jpg')] });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'face_reenroll_required', message: expect.stringMatching(/recovery code, then in your profile turn face login off and set it up again/) });
    // No access yet: the user still has to get past the second factor.
    expect((await b.get('/api/me')).body.error.code).toBe('second_factor_required');

    expect((await b.post('/api/login/recovery', { code: recoveryCodes[0] })).status).toBe(200);
    expect((await b.del('/api/me/face', { password: PASSWORD })).status).toBe(200);
    const again = await b.post('/api/me/face', { images: [photo('yale-1.jpg'), photo('yale-2.jpg')] });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const next = await passwordStep(s, email);
    const ok = await next.post('/api/login/face', { images: [photo('yale-4.jpg')] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});

describe('face login with the head-turn challenge', () => {
  const stack = authStack({ face: true, faceEnv: { FACE_LIVENESS: 'headturn', FACE_LIVENESS_TURN_DEG: CLIP_TURN_DEG, FACE_LIVENESS_STEPS: '2', ...CLIP_TIMING } });
  const atRest = segment('webcam-a', 'still')[0]!.toString('base64');
  const viaAuth = (b: Browser, camera: Camera, limit?: number) =>
    answer(
      async () => {
        const c = await b.post('/api/login/face/challenge');
        expect(c.status, JSON.stringify(c.body)).toBe(201);
        return c.body as Progress;
      },
      async (_p, images) => {
        const r = await b.post('/api/login/face/frames', { images });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body as Progress;
      },
      camera,
      limit,
    );

  it('logs in a person who turns as asked; a still photograph fails and counts as a failed attempt', { timeout: 120_000 }, async () => {
    const s = stack();
    const { email } = await enrolledUser(s, [atRest]);
    const b = await passwordStep(s, email);
    // A photo gets nowhere; after 30 requests the attacker asks for the verdict anyway.
    const still = await viaAuth(b, () => [segment('webcam-a', 'still')[0]!], 30);
    expect(still.last.phase, 'the rest passes, the asked turn never comes').toBe('turn');
    const refused = await b.post('/api/login/face', {});
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'face_mismatch', reason: 'steps_not_followed', attemptsLeft: 49 });

    const { last } = await viaAuth(b, followingCamera(TURNS_A));
    expect(last).toMatchObject({ phase: 'complete', done: 2 });
    const r = await b.post('/api/login/face', {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.stage).toBe('full');
    expect((await b.post('/api/login/face', {})).status, 'the login is done: no second answer').not.toBe(200);
  });

  it("refuses an answer to another login's challenge, and a challenge id that is not one", { timeout: 60_000 }, async () => {
    const s = stack();
    const { email } = await enrolledUser(s, [atRest]);
    const mine = await passwordStep(s, email);
    const theirs = await passwordStep(s, email);
    const c = await theirs.post('/api/login/face/challenge');
    await mine.post('/api/login/face/challenge');
    const r = await mine.post('/api/login/face', { challengeId: c.body.id });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'challenge_not_yours', field: 'challengeId' });
    for (const bad of ['a\u0000b', '\ud800', 42]) {
      const bad400 = await mine.post('/api/login/face', { challengeId: bad });
      expect(bad400.status, JSON.stringify(bad)).toBe(400);
      expect(bad400.body.error.field).toBe('challengeId');
    }
    // Frames go to this session's own challenge only; without one there is nothing to answer.
    const fresh = await passwordStep(s, email);
    expect((await fresh.post('/api/login/face/frames', { images: [atRest] })).body.error.code).toBe('no_challenge');
    // Their challenge is untouched by all that.
    expect((await theirs.post('/api/login/face/frames', { images: [atRest] })).body.phase).toBe('hold');
  });
});
