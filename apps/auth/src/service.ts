import { randomUUID } from 'node:crypto';
import { HttpError } from '../../shared/http.ts';
import type { Logger } from '../../shared/log.ts';
import { DuplicateKeyError } from '../../shared/store/types.ts';
import type { AuthConfig } from './config.ts';
import type { FaceChallenge, FaceClient } from './face-client.ts';
import type { AuthMetrics } from './metrics.ts';
import { PasswordHasher, passwordProblem } from './passwords.ts';
import { newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.ts';
import { DEVICE_DAYS, newToken } from './session.ts';
import { sha256, type AuditDoc, type AuthStore, type LoginMethod, type SessionDoc, type Stage, type UserDoc } from './store.ts';
import { policies } from './throttle.ts';

/** Who is asking: the client address and browser, and the cookies that identify them. */
export interface Client {
  ip: string;
  userAgent: string;
  session?: SessionDoc;
  deviceToken?: string;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'user';
  createdAt: string;
  face: { enabled: boolean; enrolledAt?: string; templates: number; locked: boolean };
  recoveryCodesLeft: number;
}

/** A new session for the client: the routes set its cookies (and a device cookie on full login). */
export interface Issued {
  stage: Stage;
  token: string;
  csrf: string;
  device?: string;
}

export interface LoginEntry {
  at: string;
  result: 'success' | 'failure';
  method: LoginMethod;
  ip: string;
  userAgent: string;
}

const HOUR = 3600_000;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;
/** The one answer to every failed password login, whatever the cause. */
export const INVALID_CREDENTIALS = 'Email or password is wrong.';

export const invalid = (field: string, message: string) => new HttpError(400, 'invalid_field', `${field}: ${message}`, { field });
/** 429 with when to come back, in the body and in Retry-After (which may differ when the body says 0: locked). */
export const throttledError = (code: string, message: string, retryAfter: number, header = retryAfter) =>
  new HttpError(429, code, message, { retryAfter }, { 'retry-after': String(header) });
const invalidCredentials = () => new HttpError(401, 'invalid_credentials', INVALID_CREDENTIALS);

export function normaliseEmail(raw: unknown): string {
  if (typeof raw !== 'string') throw invalid('email', 'must be a string');
  // NFC first: `é` typed as one character or as e + accent is one address.
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw invalid('email', 'is not an email address');
  return email;
}

export const keys = {
  password: (email: string) => `pw:account:${sha256(email)}`,
  device: (deviceId: string) => `pw:device:${deviceId}`,
  reauth: (userId: string) => `pw:reauth:${userId}`,
  face: (userId: string) => `face:${userId}`,
  recovery: (userId: string) => `recovery:${userId}`,
  clientFailures: (ip: string) => `client-failures:${ip}`,
  registrations: (ip: string) => `registrations:${ip}`,
};

/** Every rule of the auth service, independent of HTTP. */
export class AuthService {
  private readonly lastCheck = new Map<string, number>();
  /**
   * Recovery codes are 80 random bits: scrypt at 2^12 (4 MiB) is plenty against a stolen
   * table, and a login checks up to ten of them.
   */
  private readonly codeHasher = new PasswordHasher({ logN: 12, r: 8, p: 1 }, { queueMax: 64 });

  constructor(
    private readonly cfg: AuthConfig,
    private readonly store: () => Promise<AuthStore>,
    private readonly hasher: PasswordHasher,
    private readonly face: FaceClient,
    private readonly metrics: AuthMetrics,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  // --- registration and password login ----------------------------------------------

  async register(input: { email: unknown; name: unknown; password: unknown }, client: Client): Promise<{ user: UserView; issued: Issued }> {
    const email = normaliseEmail(input.email);
    if (typeof input.name !== 'string' || input.name.trim().length === 0 || input.name.trim().length > 100) throw invalid('name', 'must be 1 to 100 characters');
    if (typeof input.password !== 'string') throw invalid('password', 'must be a string');
    this.checkPassword(input.password, email, input.name.trim());
    const store = await this.store();
    const now = this.clock();
    if ((await store.countInWindow(keys.registrations(client.ip), HOUR, now)) > this.cfg.registrationsPerHour) {
      throw throttledError('too_many_registrations', 'too many accounts created from this address; try again later', 3600);
    }
    const at = new Date(now).toISOString();
    const user: UserDoc = {
      id: randomUUID(),
      email,
      name: input.name.trim(),
      passwordHash: await this.hasher.hash(input.password),
      createdAt: at,
      passwordChangedAt: at,
      faceEnabled: false,
      faceTemplates: 0,
    };
    try {
      await store.users.insert(user);
    } catch (e) {
      if (e instanceof DuplicateKeyError) throw new HttpError(409, 'email_taken', 'an account with this email already exists; log in instead', { field: 'email' });
      throw e;
    }
    this.metrics.registrations.inc();
    await this.audit({ type: 'register', userId: user.id, email }, client);
    const issued = await this.issue(user, 'full', client);
    return { user: await this.view(user), issued };
  }

  private checkPassword(password: string, email: string, name: string, field = 'password'): void {
    const problem = passwordProblem(password, email, this.cfg.passwordMinLength, { words: this.cfg.passwordContextWords.split(','), name });
    if (problem) throw new HttpError(400, 'weak_password', `${field}: ${problem.message}`, { field, reason: problem.reason });
  }

  /** A new password for an existing account (a change, or a reset code): the same rules as at registration. */
  checkNewPassword(password: unknown, user: UserDoc): string {
    if (typeof password !== 'string') throw invalid('newPassword', 'must be a string');
    this.checkPassword(password, user.email, user.name, 'newPassword');
    return password;
  }

  /**
   * Password login. Unknown account, wrong password and any throttling all end in the
   * same 401 after the same scrypt work. Failures are counted per account for unknown
   * browsers, per browser for those that completed a login to the account before (so
   * an attacker cannot lock the owner out of their own devices), and per client address.
   */
  async login(input: { email: unknown; password: unknown }, client: Client): Promise<{ user?: UserView; issued: Issued }> {
    const email = normaliseEmail(input.email);
    if (typeof input.password !== 'string' || input.password.length === 0) throw invalid('password', 'is required');
    const password = input.password.slice(0, 1024);
    const store = await this.store();
    const now = this.clock();
    // Every failure counts against the client address and is audited; what was typed
    // for an unknown account is not kept (people type passwords there).
    const failure = async (reason: string, userId?: string) => {
      await store.countInWindow(keys.clientFailures(client.ip), HOUR, now);
      this.metrics.logins.inc({ method: 'password', result: 'failure' });
      await this.audit({ type: 'login', method: 'password', result: 'failure', reason, ...(userId && { userId, email }) }, client);
      return invalidCredentials();
    };
    /** Refused without looking at the password, after the same scrypt work as a check. */
    const refuse = async (reason: string, userId?: string) => {
      await this.hasher.verifyDecoy(password);
      return failure(reason, userId);
    };

    if ((await store.inWindow(keys.clientFailures(client.ip), HOUR, now)) >= this.cfg.ipFailuresPerHour) {
      this.metrics.throttled.inc({ authenticator: 'client' });
      // No hash: every login from this address gets this answer, so its timing tells
      // nothing, and a sprayer must not cost 128 MiB of scrypt per request.
      throw await failure('client_throttled');
    }
    const user = await store.userByEmail(email);
    const device = client.deviceToken ? await store.devices.get(sha256(client.deviceToken)) : null;
    const trusted = user !== null && device !== null && device.userId === user.id;
    const key = trusted ? keys.device(device.id) : keys.password(email);
    const verdict = await store.attempt(key, policies.password(this.cfg.passwordFreeAttempts), now);
    if (!verdict.allowed) {
      this.metrics.throttled.inc({ authenticator: 'password' });
      throw await refuse(verdict.locked ? 'locked' : 'throttled', user?.id);
    }
    const ok = user ? await this.hasher.verify(password, user.passwordHash) : await this.hasher.verifyDecoy(password);
    if (!user || !ok) {
      throw await failure(user ? 'wrong_password' : 'unknown_account', user?.id);
    }
    // The owner got in: failures against the account so far were not theirs to carry.
    await store.succeeded(key);
    if (trusted) await store.succeeded(keys.password(email));
    if (this.hasher.needsRehash(user.passwordHash)) {
      await store.users.update(user.id, { passwordHash: await this.hasher.hash(password) });
    }
    this.metrics.logins.inc({ method: 'password', result: 'success' });
    if (user.faceEnabled) {
      await this.audit({ type: 'login', method: 'password', result: 'success', reason: 'face_required', userId: user.id, email }, client);
      return { issued: await this.issue(user, 'face', client) };
    }
    await this.audit({ type: 'login', method: 'password', result: 'success', userId: user.id, email }, client);
    return { user: await this.view(user), issued: await this.issue(user, 'full', client) };
  }

  // --- second step: face or recovery code -----------------------------------------------

  /**
   * The head-turn challenge for a face step (login), or null when liveness is off. It is
   * bound to this session at the face service and recorded in it, so its answer counts
   * only here; a session may ask for a bounded number of them.
   */
  async challenge(session: SessionDoc): Promise<Omit<FaceChallenge, 'frames'> | null> {
    const user = await this.userOf(session, 'face');
    const store = await this.store();
    const failures = await store.failures(keys.face(user.id));
    if (failures >= policies.face.hardLimit) throw faceLocked();
    if ((session.faceChallenges ?? 0) >= CHALLENGES_PER_SESSION) {
      throw new HttpError(429, 'too_many_challenges', `at most ${CHALLENGES_PER_SESSION} face checks per login; log in again`);
    }
    const c = await this.face.challenge(user.id, bindingOf(session));
    if (!c) return null;
    await store.sessions.update(session.id, { faceChallenge: c.id, faceChallenges: (session.faceChallenges ?? 0) + 1 });
    const { frames: _f, ...progress } = c;
    return progress;
  }

  /** Frames for this session's challenge, as the camera takes them: 1 to 4 a request. */
  async faceFrames(session: SessionDoc, input: { images: unknown }): Promise<FaceChallenge> {
    const user = await this.userOf(session, 'face');
    if (!session.faceChallenge) throw new HttpError(409, 'no_challenge', 'start the face check first (POST /api/login/face/challenge)');
    return this.face.frames(session.faceChallenge, user.id, bindingOf(session), imagesOf(input.images, 4));
  }

  async loginFace(session: SessionDoc, input: { images: unknown; challengeId: unknown }, client: Client): Promise<{ user: UserView; issued: Issued }> {
    const user = await this.userOf(session, 'face');
    if (!user.faceEnabled) throw new HttpError(409, 'face_not_enabled', 'this account has no face factor; log in again');
    const challengeId = input.challengeId === undefined || input.challengeId === null ? undefined : uuidOf(input.challengeId, 'challengeId');
    if (challengeId !== undefined && challengeId !== session.faceChallenge) {
      throw new HttpError(403, 'challenge_not_yours', 'this head-turn challenge was not issued to this login', { field: 'challengeId' });
    }
    const answer = session.faceChallenge ? { challengeId: session.faceChallenge, binding: bindingOf(session) } : { images: imagesOf(input.images, 1) };
    const store = await this.store();
    const now = this.clock();
    const key = keys.face(user.id);
    const verdict = await store.attempt(key, policies.face, now);
    if (!verdict.allowed) {
      await this.refusedSecondFactor('face', verdict.locked, user, client);
      if (verdict.locked) throw faceLocked();
      throw throttledError('face_throttled', `too many failed face attempts; wait ${verdict.retryAfterSeconds} s, or use a recovery code`, verdict.retryAfterSeconds);
    }
    let result;
    try {
      result = await this.face.verify(user.id, answer);
    } catch (e) {
      // Not a comparison (unusable image, outage): not a failed attempt either.
      await store.refund(verdict.reservation);
      throw e;
    }
    // Judged: the face service has forgotten it, and so does the session.
    if ('challengeId' in answer) await store.sessions.update(session.id, { faceChallenge: null });
    if (!result.match) {
      this.metrics.logins.inc({ method: 'face', result: 'failure' });
      const reason = result.liveness.passed ? 'no_match' : (result.liveness.reason ?? 'liveness_failed');
      await this.audit({ type: 'login', method: 'face', result: 'failure', reason, userId: user.id, email: user.email }, client);
      const left = policies.face.hardLimit - (await store.failures(key));
      throw new HttpError(401, 'face_mismatch', result.liveness.passed ? 'the face does not match this account' : 'the head-turn check failed; follow the steps on screen', {
        ...(!result.liveness.passed && { reason }),
        attemptsLeft: left,
      });
    }
    await store.succeeded(key);
    this.metrics.logins.inc({ method: 'face', result: 'success' });
    await this.audit({ type: 'login', method: 'face', result: 'success', userId: user.id, email: user.email }, client);
    return { user: await this.view(user), issued: await this.issue(user, 'full', client, { factor: 'face' }) };
  }

  async loginRecovery(session: SessionDoc, input: { code: unknown }, client: Client): Promise<{ user: UserView; issued: Issued }> {
    const user = await this.userOf(session, 'face');
    const raw = stringOf(input.code, 'code', 100);
    const store = await this.store();
    const now = this.clock();
    const key = keys.recovery(user.id);
    const verdict = await store.attempt(key, policies.recovery, now);
    if (!verdict.allowed) {
      await this.refusedSecondFactor('recovery', verdict.locked, user, client);
      if (verdict.locked) throw new HttpError(403, 'recovery_locked', 'recovery codes are disabled for this account after 100 failed attempts; contact your administrator');
      throw throttledError('recovery_throttled', `too many wrong codes; wait ${verdict.retryAfterSeconds} s`, verdict.retryAfterSeconds);
    }
    const code = normaliseRecoveryCode(raw);
    if (!code || !(await store.consumeRecoveryCode(user.id, code, this.codeHasher))) {
      this.metrics.logins.inc({ method: 'recovery', result: 'failure' });
      await this.audit({ type: 'login', method: 'recovery', result: 'failure', reason: 'wrong_code', userId: user.id, email: user.email }, client);
      throw new HttpError(401, 'invalid_recovery_code', 'this recovery code is wrong or was used already', { field: 'code' });
    }
    await store.succeeded(key);
    this.metrics.logins.inc({ method: 'recovery', result: 'success' });
    await this.audit({ type: 'login', method: 'recovery', result: 'success', userId: user.id, email: user.email }, client);
    return { user: await this.view(user), issued: await this.issue(user, 'full', client, { factor: 'recovery' }) };
  }

  async logout(client: Client): Promise<void> {
    if (!client.session) return;
    const store = await this.store();
    await store.sessions.delete(client.session.id);
    await this.audit({ type: 'logout', userId: client.session.userId }, client);
  }

  // --- the logged-in user --------------------------------------------------------------

  async me(session: SessionDoc): Promise<UserView> {
    return this.view(await this.userOf(session));
  }

  async logins(session: SessionDoc): Promise<LoginEntry[]> {
    const user = await this.userOf(session);
    const docs = await (await this.store()).recentLogins(user.id);
    return docs.map((d) => ({ at: d.at, result: d.result!, method: d.method!, ip: d.ip, userAgent: d.userAgent }));
  }

  async changePassword(session: SessionDoc, input: { currentPassword: unknown; newPassword: unknown }, client: Client): Promise<Issued> {
    const user = await this.userOf(session);
    await this.reauthenticate(user, input.currentPassword, client, 'currentPassword');
    const newPassword = this.checkNewPassword(input.newPassword, user);
    const store = await this.store();
    await store.users.update(user.id, { passwordHash: await this.hasher.hash(newPassword), passwordChangedAt: new Date(this.clock()).toISOString() });
    // Whoever else held a session (or a device cookie) of this account is out.
    await store.sessions.deleteMany({ userId: user.id });
    await store.devices.deleteMany({ userId: user.id });
    await this.audit({ type: 'password.change', userId: user.id, email: user.email }, client);
    // The same login, with a new session id: how and when the person proved it is them stays.
    return this.issue(user, 'full', client, { factor: session.factor, authenticatedAt: session.authenticatedAt });
  }

  /**
   * Live guidance while the camera is aimed; at most a few frames a second per session.
   * A frame the gates refuse is an answer, not an error (200 with the reason): the page
   * asks every second, and a 422 each time would fill the browser's console.
   */
  async checkFrame(session: SessionDoc, input: { image: unknown }): Promise<{ ok: true } | { ok: false; reason: string; message: string }> {
    await this.userOf(session, 'any');
    const [image] = imagesOf([input.image], 1, 'image');
    const now = this.clock();
    const last = this.lastCheck.get(session.id) ?? 0;
    if (now - last < 300) throw new HttpError(429, 'slow_down', 'at most three frames a second', { retryAfter: 1 });
    this.lastCheck.set(session.id, now);
    if (this.lastCheck.size > 10_000) this.lastCheck.clear();
    try {
      await this.face.check(image!);
      return { ok: true };
    } catch (e) {
      if (e instanceof HttpError && e.code === 'image_rejected') return { ok: false, reason: String(e.details.reason), message: e.message };
      throw e;
    }
  }

  async enrollFace(session: SessionDoc, input: { images: unknown }, client: Client): Promise<{ user: UserView; recoveryCodes?: string[] }> {
    const user = await this.userOf(session);
    if (user.faceEnabled) throw new HttpError(409, 'face_already_enabled', 'face login is already on; turn it off first to enroll again');
    const images = imagesOf(input.images, 5);
    const store = await this.store();
    const templates = await this.face.enroll(user.id, images);
    const now = this.clock();
    await store.users.update(user.id, { faceEnabled: true, faceEnrolledAt: new Date(now).toISOString(), faceTemplates: user.faceTemplates + templates });
    await store.succeeded(keys.face(user.id));
    // Face may only ever be one factor, with a non-biometric alternative: codes exist before it is enforced.
    let recoveryCodes: string[] | undefined;
    if ((await store.recoveryCodesLeft(user.id)) === 0) {
      recoveryCodes = newRecoveryCodes();
      await store.replaceRecoveryCodes(user.id, recoveryCodes, now, this.codeHasher);
    }
    // Another browser still logged in with the password alone would skip the new factor.
    await store.endSessionsExcept(user.id, session.id);
    await this.audit({ type: 'face.enroll', userId: user.id, email: user.email }, client);
    return { user: await this.view((await store.users.get(user.id))!), ...(recoveryCodes && { recoveryCodes }) };
  }

  async disableFace(session: SessionDoc, input: { password: unknown }, client: Client): Promise<UserView> {
    const user = await this.userOf(session);
    await this.reauthenticate(user, input.password, client);
    await this.face.deleteSubject(user.id);
    const store = await this.store();
    await store.users.update(user.id, { faceEnabled: false, faceTemplates: 0 });
    await store.succeeded(keys.face(user.id));
    // Whoever turned the factor off, no other session outlives the change.
    await store.endSessionsExcept(user.id, session.id);
    await this.audit({ type: 'face.disable', userId: user.id, email: user.email }, client);
    return this.view((await store.users.get(user.id))!);
  }

  async regenerateRecoveryCodes(session: SessionDoc, input: { password: unknown }, client: Client): Promise<string[]> {
    const user = await this.userOf(session);
    await this.reauthenticate(user, input.password, client);
    const codes = newRecoveryCodes();
    const store = await this.store();
    await store.replaceRecoveryCodes(user.id, codes, this.clock(), this.codeHasher);
    await store.succeeded(keys.recovery(user.id));
    // New codes usually mean the old ones leaked: whoever used one is logged out.
    await store.endSessionsExcept(user.id, session.id);
    await this.audit({ type: 'recovery.regenerate', userId: user.id, email: user.email }, client);
    return codes;
  }

  /** "Log out everywhere else": every other session of the account ends; how many did. */
  async endOtherSessions(session: SessionDoc, client: Client): Promise<number> {
    const user = await this.userOf(session);
    const ended = await (await this.store()).endSessionsExcept(user.id, session.id);
    await this.audit({ type: 'sessions.end', userId: user.id, email: user.email, reason: `${ended} ended` }, client);
    return ended;
  }

  /**
   * Erasure: the face templates first (if the face service cannot, nothing is deleted
   * and the user can retry), then the account, its sessions, devices and codes. The
   * audit trail stays, holding no biometric data.
   */
  async deleteAccount(session: SessionDoc, input: { password: unknown }, client: Client): Promise<void> {
    const user = await this.userOf(session);
    await this.reauthenticate(user, input.password, client);
    if (user.faceEnabled || user.faceTemplates > 0 || user.faceEnrolledAt) await this.face.deleteSubject(user.id);
    const store = await this.store();
    await store.deleteAccount(user.id);
    for (const k of [keys.face(user.id), keys.recovery(user.id), keys.reauth(user.id), keys.password(user.email)]) await store.succeeded(k);
    this.metrics.deletions.inc();
    await this.audit({ type: 'account.delete', userId: user.id }, client);
  }

  // --- helpers -----------------------------------------------------------------------

  /** A fresh session (new id, new CSRF token); the one it replaces is deleted. */
  private async issue(user: UserDoc, stage: Stage, client: Client, proof: { factor?: SessionDoc['factor']; authenticatedAt?: string } = {}): Promise<Issued> {
    const store = await this.store();
    if (client.session) await store.sessions.delete(client.session.id);
    const now = this.clock();
    const token = newToken();
    const csrf = newToken();
    // A half-done login (password only) lives for the face step only.
    const absolute = now + (stage === 'full' ? this.cfg.sessionAbsoluteHours * HOUR : 10 * 60_000);
    await store.sessions.insert({
      id: sha256(token),
      userId: user.id,
      stage,
      csrf,
      createdAt: new Date(now).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
      absoluteExpiresAt: new Date(absolute).toISOString(),
      expiresAt: new Date(Math.min(absolute, now + this.cfg.sessionIdleMinutes * 60_000)).toISOString(),
      ip: client.ip,
      userAgent: client.userAgent,
      authenticatedAt: proof.authenticatedAt ?? new Date(now).toISOString(),
      ...(proof.factor && { factor: proof.factor }),
    });
    if (stage !== 'full') return { stage, token, csrf };
    let device = client.deviceToken;
    const known = device ? await store.devices.get(sha256(device)) : null;
    if (!known || known.userId !== user.id) {
      device = newToken();
      await store.devices.insert({ id: sha256(device), userId: user.id, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + DEVICE_DAYS * 24 * HOUR).toISOString() });
    }
    return { stage, token, csrf, device };
  }

  /** A face or recovery-code attempt refused by throttling: counted and audited. */
  private async refusedSecondFactor(method: 'face' | 'recovery', locked: boolean, user: UserDoc, client: Client): Promise<void> {
    this.metrics.throttled.inc({ authenticator: method });
    await this.audit({ type: 'login', method, result: 'failure', reason: locked ? 'locked' : 'throttled', userId: user.id, email: user.email }, client);
  }

  /** The session's user; `need` is the stage the route requires. */
  async userOf(session: SessionDoc | undefined, need: Stage | 'any' = 'full'): Promise<UserDoc> {
    if (!session || (need !== 'any' && session.stage !== need)) {
      if (session?.stage === 'face' && need === 'full') throw new HttpError(401, 'second_factor_required', 'finish logging in with your face or a recovery code');
      if (session && need === 'face') throw new HttpError(409, 'no_face_step', 'there is no login waiting for a face or recovery code');
      throw new HttpError(401, 'not_authenticated', 'log in first');
    }
    const user = await (await this.store()).users.get(session.userId);
    if (!user) throw new HttpError(401, 'not_authenticated', 'log in first');
    return user;
  }

  /** Dangerous changes ask for the password again, throttled like a login. */
  private async reauthenticate(user: UserDoc, password: unknown, client: Client, field = 'password'): Promise<void> {
    if (typeof password !== 'string' || password.length === 0) throw invalid(field, 'is required');
    const store = await this.store();
    const now = this.clock();
    const key = keys.reauth(user.id);
    const verdict = await store.attempt(key, policies.password(this.cfg.passwordFreeAttempts), now);
    const ok = verdict.allowed ? await this.hasher.verify(password.slice(0, 1024), user.passwordHash) : await this.hasher.verifyDecoy(password);
    if (!ok) {
      throw new HttpError(401, 'invalid_credentials', 'the password is wrong', { field });
    }
    await store.succeeded(key);
  }

  async view(user: UserDoc): Promise<UserView> {
    const store = await this.store();
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role ?? 'user',
      createdAt: user.createdAt,
      face: {
        enabled: user.faceEnabled,
        ...(user.faceEnrolledAt && { enrolledAt: user.faceEnrolledAt }),
        templates: user.faceTemplates,
        locked: (await store.failures(keys.face(user.id))) >= policies.face.hardLimit,
      },
      recoveryCodesLeft: await store.recoveryCodesLeft(user.id),
    };
  }

  async audit(event: Omit<AuditDoc, 'id' | 'at' | 'order' | 'kind' | 'expiresAt' | 'ip' | 'userAgent'>, client: Client): Promise<void> {
    const doc = await (await this.store()).record({ ...event, ip: client.ip, userAgent: client.userAgent }, this.clock(), this.cfg.auditRetentionDays);
    this.log.info({ audit: { ...doc, order: undefined, expiresAt: undefined } }, `audit ${doc.type}${doc.result ? ` ${doc.method} ${doc.result}` : ''}`);
  }
}

const faceLocked = () =>
  new HttpError(403, 'face_locked', 'face login is disabled for this account after 50 failed attempts; log in with a recovery code and enroll your face again');

/** Head-turn challenges one half-logged-in session may ask for. */
const CHALLENGES_PER_SESSION = 10;

/** What the face service binds a challenge to: a one-way value of this session, never its id. */
const bindingOf = (session: SessionDoc): string => sha256(`face-challenge:${session.id}`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export function uuidOf(v: unknown, field: string, what = 'a challenge this login was given'): string {
  if (typeof v !== 'string' || !UUID.test(v)) throw invalid(field, `must be the id of ${what}`);
  return v;
}

export function stringOf(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(field, `must be a string of 1 to ${max} characters`);
  return v;
}

const BASE64 = /^(data:image\/(jpeg|png);base64,)?[A-Za-z0-9+/]+={0,2}$/;

function imagesOf(v: unknown, max: number, field = 'images'): string[] {
  if (!Array.isArray(v) || v.length === 0) throw invalid(field, 'must be a non-empty list of base64 JPEG images');
  if (v.length > max) throw invalid(field, `at most ${max} images in one request`);
  return v.map((img, i) => {
    const name = field === 'image' ? field : `${field}[${i}]`;
    if (typeof img !== 'string' || !BASE64.test(img)) throw invalid(name, 'must be a base64 JPEG or PNG image');
    return img;
  });
}
