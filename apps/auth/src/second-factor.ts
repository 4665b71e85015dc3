import type { Account, UserView } from './account.ts';
import type { AuditTrail } from './audit.ts';
import { keys } from './counters.ts';
import {
  challengeNotYours,
  faceAlreadyEnabled,
  faceLocked,
  faceMismatch,
  faceNotEnabled,
  faceThrottled,
  imageRejection,
  invalid,
  invalidRecoveryCode,
  noChallenge,
  recoveryLocked,
  recoveryThrottled,
  slowDown,
  tooManyChallenges,
} from './errors.ts';
import type { FaceChallenge, FaceClient } from './face-client.ts';
import type { AuthMetrics } from './metrics.ts';
import { PasswordHasher } from './passwords.ts';
import { newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.ts';
import type { EnrollInput, FaceCheckInput, FaceFramesInput, FaceLoginInput, PasswordInput, RecoveryLoginInput } from './requests.ts';
import type { Client, Issued, Sessions } from './sessions.ts';
import { sha256, type AuthStore, type Reservation, type SessionDoc, type UserDoc } from './store.ts';
import { policies } from './throttle.ts';

/** Head-turn challenges one half-logged-in session may ask for. */
const CHALLENGES_PER_SESSION = 10;

/** What the face service binds a challenge to: a one-way value of this session, never its id. */
const bindingOf = (session: SessionDoc): string => sha256(`face-challenge:${session.id}`);

/**
 * The second factor: the face step of a login or a recovery code instead, and the user
 * setting up, turning off or renewing them.
 */
export class SecondFactor {
  private readonly lastCheck = new Map<string, number>();
  /**
   * Recovery codes are 80 random bits: scrypt at 2^12 (4 MiB) is plenty against a stolen
   * table, and a login checks up to ten of them.
   */
  private readonly codeHasher = new PasswordHasher({ logN: 12, r: 8, p: 1 }, { queueMax: 64 });

  constructor(
    private readonly store: () => Promise<AuthStore>,
    private readonly face: FaceClient,
    private readonly metrics: AuthMetrics,
    private readonly sessions: Sessions,
    private readonly account: Account,
    private readonly audit: AuditTrail,
    private readonly clock: () => number = Date.now,
  ) {}

  // --- the login's second step ---------------------------------------------------------

  /**
   * The head-turn challenge for a face step (login), or null when liveness is off. It is
   * bound to this session at the face service and recorded in it, so its answer counts
   * only here; a session may ask for a bounded number of them.
   */
  async challenge(session: SessionDoc): Promise<Omit<FaceChallenge, 'frames'> | null> {
    const user = await this.sessions.userOf(session, 'face');
    const store = await this.store();
    const failures = await store.failures(keys.face(user.id));
    if (failures >= policies.face.hardLimit) throw faceLocked();
    if ((session.faceChallenges ?? 0) >= CHALLENGES_PER_SESSION) throw tooManyChallenges(CHALLENGES_PER_SESSION);
    const c = await this.face.challenge(user.id, bindingOf(session));
    if (!c) return null;
    await store.sessions.update(session.id, { faceChallenge: c.id, faceChallenges: (session.faceChallenges ?? 0) + 1 });
    const { frames: _f, ...progress } = c;
    return progress;
  }

  /** Frames for this session's challenge, as the camera takes them: 1 to 4 a request. */
  async faceFrames(session: SessionDoc, input: FaceFramesInput): Promise<FaceChallenge> {
    const user = await this.sessions.userOf(session, 'face');
    if (!session.faceChallenge) throw noChallenge();
    return this.face.frames(session.faceChallenge, user.id, bindingOf(session), input.images);
  }

  async loginFace(session: SessionDoc, input: FaceLoginInput, client: Client): Promise<{ user: UserView; issued: Issued }> {
    const user = await this.sessions.userOf(session, 'face');
    if (!user.faceEnabled) throw faceNotEnabled();
    const challengeId = input.challengeId ?? undefined;
    if (challengeId !== undefined && challengeId !== session.faceChallenge) throw challengeNotYours();
    // Liveness off (no challenge was asked for): the image is the answer, so it is required then.
    let answer: { challengeId: string; binding: string } | { images: string[] };
    if (session.faceChallenge) answer = { challengeId: session.faceChallenge, binding: bindingOf(session) };
    else if (input.images) answer = { images: input.images };
    else throw invalid('images', 'must be a non-empty list of base64 JPEG images');
    const store = await this.store();
    const key = keys.face(user.id);
    const reservation = await this.attempt('face', user, client);
    let result;
    try {
      result = await this.face.verify(user.id, answer);
    } catch (e) {
      // Not a comparison (unusable image, outage): not a failed attempt either.
      await store.refund(reservation);
      throw e;
    }
    // Judged: the face service has forgotten it, and so does the session.
    if ('challengeId' in answer) await store.sessions.update(session.id, { faceChallenge: null });
    if (!result.match) {
      this.metrics.logins.inc({ method: 'face', result: 'failure' });
      const reason = result.liveness.passed ? 'no_match' : (result.liveness.reason ?? 'liveness_failed');
      await this.audit.record({ type: 'login', method: 'face', result: 'failure', reason, userId: user.id, email: user.email }, client);
      const left = policies.face.hardLimit - (await store.failures(key));
      throw faceMismatch({ passed: result.liveness.passed, reason }, left);
    }
    await store.succeeded(key);
    return this.passed('face', user, client);
  }

  async loginRecovery(session: SessionDoc, input: RecoveryLoginInput, client: Client): Promise<{ user: UserView; issued: Issued }> {
    const user = await this.sessions.userOf(session, 'face');
    const raw = input.code;
    const store = await this.store();
    await this.attempt('recovery', user, client);
    const code = normaliseRecoveryCode(raw);
    if (!code || !(await store.consumeRecoveryCode(user.id, code, this.codeHasher))) {
      this.metrics.logins.inc({ method: 'recovery', result: 'failure' });
      await this.audit.record({ type: 'login', method: 'recovery', result: 'failure', reason: 'wrong_code', userId: user.id, email: user.email }, client);
      throw invalidRecoveryCode();
    }
    await store.succeeded(keys.recovery(user.id));
    return this.passed('recovery', user, client);
  }

  /** A face or recovery-code attempt, counted before it is checked; one refused by throttling is counted and audited. */
  private async attempt(method: 'face' | 'recovery', user: UserDoc, client: Client): Promise<Reservation> {
    const verdict = await (await this.store()).attempt(keys[method](user.id), policies[method], this.clock());
    if (verdict.allowed) return verdict.reservation;
    this.metrics.throttled.inc({ authenticator: method });
    await this.audit.record({ type: 'login', method, result: 'failure', reason: verdict.locked ? 'locked' : 'throttled', userId: user.id, email: user.email }, client);
    if (method === 'face') throw verdict.locked ? faceLocked() : faceThrottled(verdict.retryAfterSeconds);
    throw verdict.locked ? recoveryLocked() : recoveryThrottled(verdict.retryAfterSeconds);
  }

  /** The login is complete: a full session that remembers which factor finished it (administration asks). */
  private async passed(method: 'face' | 'recovery', user: UserDoc, client: Client): Promise<{ user: UserView; issued: Issued }> {
    this.metrics.logins.inc({ method, result: 'success' });
    await this.audit.record({ type: 'login', method, result: 'success', userId: user.id, email: user.email }, client);
    return { user: await this.account.view(user), issued: await this.sessions.issue(user, 'full', client, { factor: method }) };
  }

  // --- setting it up -------------------------------------------------------------------

  /**
   * Live guidance while the camera is aimed; at most a few frames a second per session.
   * A frame the gates refuse is an answer, not an error (200 with the reason): the page
   * asks every second, and a 422 each time would fill the browser's console.
   */
  async checkFrame(session: SessionDoc, input: FaceCheckInput): Promise<{ ok: true } | { ok: false; reason: string; message: string }> {
    await this.sessions.userOf(session, 'any');
    const now = this.clock();
    const last = this.lastCheck.get(session.id) ?? 0;
    if (now - last < 300) throw slowDown();
    this.lastCheck.set(session.id, now);
    if (this.lastCheck.size > 10_000) this.lastCheck.clear();
    try {
      await this.face.check(input.image);
      return { ok: true };
    } catch (e) {
      const rejected = imageRejection(e);
      if (rejected) return { ok: false, ...rejected };
      throw e;
    }
  }

  async enrollFace(session: SessionDoc, input: EnrollInput, client: Client): Promise<{ user: UserView; recoveryCodes?: string[] }> {
    const user = await this.sessions.userOf(session);
    if (user.faceEnabled) throw faceAlreadyEnabled();
    const store = await this.store();
    const templates = await this.face.enroll(user.id, input.images);
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
    await this.audit.record({ type: 'face.enroll', userId: user.id, email: user.email }, client);
    return { user: await this.account.view((await store.users.get(user.id))!), ...(recoveryCodes && { recoveryCodes }) };
  }

  async disableFace(session: SessionDoc, input: PasswordInput, client: Client): Promise<UserView> {
    const user = await this.sessions.userOf(session);
    await this.account.reauthenticate(user, input.password);
    await this.face.deleteSubject(user.id);
    const store = await this.store();
    await store.users.update(user.id, { faceEnabled: false, faceTemplates: 0 });
    await store.succeeded(keys.face(user.id));
    // Whoever turned the factor off, no other session outlives the change.
    await store.endSessionsExcept(user.id, session.id);
    await this.audit.record({ type: 'face.disable', userId: user.id, email: user.email }, client);
    return this.account.view((await store.users.get(user.id))!);
  }

  async regenerateRecoveryCodes(session: SessionDoc, input: PasswordInput, client: Client): Promise<string[]> {
    const user = await this.sessions.userOf(session);
    await this.account.reauthenticate(user, input.password);
    const codes = newRecoveryCodes();
    const store = await this.store();
    await store.replaceRecoveryCodes(user.id, codes, this.clock(), this.codeHasher);
    await store.succeeded(keys.recovery(user.id));
    // New codes usually mean the old ones leaked: whoever used one is logged out.
    await store.endSessionsExcept(user.id, session.id);
    await this.audit.record({ type: 'recovery.regenerate', userId: user.id, email: user.email }, client);
    return codes;
  }
}
