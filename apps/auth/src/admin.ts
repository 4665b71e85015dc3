import { createHash, timingSafeEqual } from 'node:crypto';
import type { UserView } from './account.ts';
import type { AuthConfig } from './config.ts';
import { HOUR, keys } from './counters.ts';
import {
  adminExists,
  adminLoginRequired,
  adminOnly,
  adminSetupClosed,
  invalidResetCode,
  invalidSetupCode,
  lastAdmin,
  ownAccount,
  resetLocked,
  resetThrottled,
  setupThrottled,
  userNotFound,
} from './errors.ts';
import type { FaceClient } from './face-client.ts';
import { normaliseEmail, uuidOf } from './fields.ts';
import { PasswordHasher } from './passwords.ts';
import { newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.ts';
import type { AuditQuery, ClaimInput, RedeemResetInput, RoleInput, UsersQuery } from './requests.ts';
import type { AuthService } from './service.ts';
import type { Client } from './sessions.ts';
import { sha256, type AuditDoc, type AuthStore, type SessionDoc, type UserDoc } from './store.ts';
import { judge, policies, type ThrottlePolicy } from './throttle.ts';

/** One authenticator's throttling as an administrator sees it. */
export interface ThrottleState {
  failures: number;
  /** Disabled until unlocked (the hard limit was reached). */
  locked: boolean;
  /** Seconds until the next attempt is allowed; 0: now. */
  retryAfterSeconds: number;
}

export interface AdminUserView extends UserView {
  throttle: { password: ThrottleState; face: ThrottleState; recovery: ThrottleState; reauth: ThrottleState; passwordReset: ThrottleState; trustedBrowsers: ThrottleState[] };
  /** A reset code waiting to be used: when it was issued and when it stops working. */
  passwordReset?: { issuedAt: string; expiresAt: string };
  sessions: number;
}

export type AuditEntry = Omit<AuditDoc, 'order' | 'expiresAt'>;


/** Redeeming reset codes: a few free tries, then waits, and the code is void after 20 wrong ones. */
const RESET_POLICY: ThrottlePolicy = { free: 5, baseWaitSeconds: 30, maxWaitSeconds: 3600, hardLimit: 20 };
const resetKey = (email: string) => `reset:${sha256(email)}`;
const claimKey = (userId: string) => `admin-claim:${userId}`;

/**
 * The plant administrator: finds accounts, sees and clears their throttling, hands out
 * one-time password reset codes, erases face data, reads the audit trail. Every action is
 * audited with who did it; nothing here changes or deletes audit events (only retention
 * ends one). An administrator must have logged in recently, with the second factor.
 */
export class PlantAdmin {
  /** Reset codes are 80 random bits and live hours: the recovery codes' scrypt cost is plenty. */
  private readonly codeHasher = new PasswordHasher({ logN: 12, r: 8, p: 1 }, { queueMax: 64 });

  constructor(
    private readonly cfg: AuthConfig,
    private readonly store: () => Promise<AuthStore>,
    private readonly auth: AuthService,
    private readonly hasher: PasswordHasher,
    private readonly face: FaceClient,
    private readonly clock: () => number = Date.now,
  ) {}

  // --- who may administer ----------------------------------------------------------

  /** Refuses unless the session's login was recent and (where the plant has face login) used the second factor. */
  private checkRecentLogin(s: SessionDoc, user: UserDoc): void {
    const at = Date.parse(s.authenticatedAt ?? s.createdAt);
    const minutes = this.cfg.adminFreshMinutes;
    if (this.cfg.adminSecondFactor && !user.faceEnabled) {
      throw adminLoginRequired('no_second_factor', minutes);
    }
    if (this.cfg.adminSecondFactor && !s.factor) {
      throw adminLoginRequired('password_only', minutes);
    }
    if (this.clock() - at > minutes * 60_000) {
      throw adminLoginRequired('stale', minutes);
    }
  }

  private async admin(session: SessionDoc | undefined): Promise<UserDoc> {
    const user = await this.auth.sessions.userOf(session);
    if (user.role !== 'admin') throw adminOnly();
    this.checkRecentLogin(session!, user);
    return user;
  }

  /**
   * The first administrator: a user who knows the setup code the operator holds (a Secret
   * the chart keeps). Only while the plant has no administrator; wrong codes are throttled
   * per account and count against the client address like failed logins.
   */
  async claim(session: SessionDoc | undefined, input: ClaimInput, client: Client): Promise<UserView> {
    const user = await this.auth.sessions.userOf(session);
    this.checkRecentLogin(session!, user);
    const code = input.code.trim();
    const expected = this.cfg.adminBootstrapToken;
    if (!expected) throw adminSetupClosed();
    const store = await this.store();
    if (user.role === 'admin') return this.auth.account.view(user);
    if ((await store.users.count({ role: 'admin' })) > 0) throw adminExists();
    const now = this.clock();
    const verdict = await store.attempt(claimKey(user.id), policies.password(this.cfg.passwordFreeAttempts), now);
    if (!verdict.allowed) throw setupThrottled(verdict.retryAfterSeconds);
    if (!sameSecret(code, expected)) {
      await store.countInWindow(keys.clientFailures(client.ip), HOUR, now);
      await this.auth.audit.record({ type: 'admin.claim', result: 'failure', reason: 'wrong_code', userId: user.id, email: user.email, actorId: user.id, actorEmail: user.email }, client);
      throw invalidSetupCode();
    }
    await store.succeeded(claimKey(user.id));
    const updated = (await store.users.update(user.id, { role: 'admin' }))!;
    await this.auth.audit.record({ type: 'admin.claim', result: 'success', userId: user.id, email: user.email, actorId: user.id, actorEmail: user.email }, client);
    return this.auth.account.view(updated);
  }

  // --- accounts ---------------------------------------------------------------------

  async users(session: SessionDoc | undefined, query: UsersQuery): Promise<{ users: AdminUserView[]; next?: string }> {
    await this.admin(session);
    const text = (query.q ?? '').trim();
    const after = query.after ?? '';
    const limit = query.limit ?? 25;
    const store = await this.store();
    const found = await store.searchUsers(text, limit + 1, after);
    const page = found.slice(0, limit);
    return { users: await Promise.all(page.map((u) => this.view(u))), ...(found.length > limit && { next: page.at(-1)!.email }) };
  }

  async user(session: SessionDoc | undefined, id: string): Promise<AdminUserView> {
    await this.admin(session);
    return this.view(await this.target(id));
  }

  /** Clears every throttle of the account: its password (from any browser), face, recovery codes, re-checks and resets. */
  async unlock(session: SessionDoc | undefined, id: string, client: Client): Promise<AdminUserView> {
    const admin = await this.admin(session);
    const user = await this.target(id);
    const store = await this.store();
    const before = await this.view(user);
    const cleared = Object.entries(before.throttle)
      .filter(([, s]) => (Array.isArray(s) ? s.some((d) => d.failures > 0) : s.failures > 0))
      .map(([name]) => name);
    for (const key of await this.counterKeys(user)) await store.succeeded(key);
    await this.adminAudit('admin.unlock', admin, user, client, cleared.length ? `cleared ${cleared.join(', ')}` : 'nothing was throttled');
    return this.view(user);
  }

  /**
   * A one-time code that sets a new password (no mail server: the administrator hands it
   * over). Shown once, stored hashed; a new one replaces the last. It changes nothing until
   * used: the account keeps its password, sessions and second factor.
   */
  async issueReset(session: SessionDoc | undefined, id: string, client: Client): Promise<{ code: string; expiresAt: string }> {
    const admin = await this.admin(session);
    const user = await this.target(id);
    const store = await this.store();
    const now = this.clock();
    const code = newRecoveryCodes(1)[0]!;
    const expiresAt = new Date(now + this.cfg.passwordResetHours * HOUR).toISOString();
    await store.resets.delete(user.id);
    await store.resets.insert({ id: user.id, hash: await this.codeHasher.hash(code), createdAt: new Date(now).toISOString(), expiresAt, issuedBy: admin.id, issuedByEmail: admin.email });
    await store.succeeded(resetKey(user.email));
    await this.adminAudit('admin.password_reset', admin, user, client, `valid until ${expiresAt}`);
    return { code, expiresAt };
  }

  /** Turns face login off and erases the templates in the face service (first: if it cannot, nothing changes). */
  async eraseFace(session: SessionDoc | undefined, id: string, client: Client): Promise<AdminUserView> {
    const admin = await this.admin(session);
    const user = await this.target(id);
    const erased = await this.face.deleteSubject(user.id);
    const store = await this.store();
    await store.users.update(user.id, { faceEnabled: false, faceTemplates: 0 });
    await store.succeeded(keys.face(user.id));
    // Sessions that passed the face step no longer reflect the account's factors.
    if (user.id !== admin.id) await store.sessions.deleteMany({ userId: user.id });
    await this.adminAudit('admin.face_erase', admin, user, client, `${erased} template${erased === 1 ? '' : 's'} erased`);
    return this.view((await store.users.get(user.id))!);
  }

  /** Erasure of someone else's account: face templates first, then everything but the audit trail. */
  async deleteAccount(session: SessionDoc | undefined, id: string, client: Client): Promise<void> {
    const admin = await this.admin(session);
    const user = await this.target(id);
    if (user.id === admin.id) throw ownAccount();
    if (user.faceEnabled || user.faceTemplates > 0 || user.faceEnrolledAt) await this.face.deleteSubject(user.id);
    const store = await this.store();
    await store.deleteAccount(user.id);
    for (const key of await this.counterKeys(user)) await store.succeeded(key);
    await this.adminAudit('admin.account_delete', admin, user, client);
  }

  /** Makes an account an administrator or takes it back; the last administrator stays one. */
  async setRole(session: SessionDoc | undefined, id: string, input: RoleInput, client: Client): Promise<AdminUserView> {
    const admin = await this.admin(session);
    const user = await this.target(id);
    const store = await this.store();
    if (!input.admin && user.role === 'admin' && (await store.users.count({ role: 'admin' })) <= 1) {
      throw lastAdmin();
    }
    // A shallow merge cannot drop a field: a former administrator's role is null.
    const updated = (await store.users.update(user.id, { role: input.admin ? 'admin' : null }))!;
    await this.adminAudit('admin.role', admin, user, client, input.admin ? 'made administrator' : 'no longer administrator');
    return this.view(updated);
  }

  // --- the audit trail ------------------------------------------------------------------

  async auditTrail(session: SessionDoc | undefined, query: AuditQuery): Promise<{ events: AuditEntry[]; next?: string }> {
    await this.admin(session);
    const { before, limit = 50, ...filter } = query;
    const found = await (await this.store()).auditEvents(filter, limit + 1, before);
    const page = found.slice(0, limit);
    return { events: page.map(({ order: _o, expiresAt: _e, ...e }) => e), ...(found.length > limit && { next: page.at(-1)!.order }) };
  }

  // --- the user's side of a reset ------------------------------------------------------

  /**
   * Sets a new password with the code an administrator handed over. Wrong, used, expired
   * and unknown all read the same; the new password is checked before the code is spent.
   * Every session and trusted browser of the account ends; the second factor stays.
   */
  async redeemReset(input: RedeemResetInput, client: Client): Promise<void> {
    const email = normaliseEmail(input.email);
    const raw = input.code;
    const store = await this.store();
    const now = this.clock();
    if ((await store.inWindow(keys.clientFailures(client.ip), HOUR, now)) >= this.cfg.ipFailuresPerHour) throw invalidResetCode();
    const user = await store.userByEmail(email);
    if (user) this.auth.password.checkNewPassword(input.newPassword, user);
    const verdict = await store.attempt(resetKey(email), RESET_POLICY, now);
    if (!verdict.allowed) {
      throw verdict.locked ? resetLocked() : resetThrottled(verdict.retryAfterSeconds);
    }
    const stored = user ? await store.resets.get(user.id) : null;
    // The store drops it once expired; the check here also holds between its sweeps and for a moved clock.
    const reset = stored && Date.parse(stored.expiresAt) > now ? stored : null;
    const code = normaliseRecoveryCode(raw);
    const ok = reset && code ? await this.codeHasher.verify(code, reset.hash) : await this.codeHasher.verifyDecoy(raw);
    // Deleting it is the test-and-set: of two uses of one code, one wins.
    if (!ok || !user || !reset || !(await store.resets.delete(user.id))) {
      await store.countInWindow(keys.clientFailures(client.ip), HOUR, now);
      if (user) await this.auth.audit.record({ type: 'password.reset', result: 'failure', reason: 'wrong_code', userId: user.id, email: user.email }, client);
      throw invalidResetCode();
    }
    await store.users.update(user.id, { passwordHash: await this.hasher.hash(input.newPassword), passwordChangedAt: new Date(now).toISOString() });
    await store.sessions.deleteMany({ userId: user.id });
    await store.devices.deleteMany({ userId: user.id });
    for (const key of [resetKey(email), keys.password(email), keys.reauth(user.id)]) await store.succeeded(key);
    await this.auth.audit.record({ type: 'password.reset', result: 'success', userId: user.id, email: user.email, reason: `code issued by ${reset.issuedByEmail ?? reset.issuedBy}` }, client);
  }

  // --- helpers ----------------------------------------------------------------------------

  private async target(id: string): Promise<UserDoc> {
    const user = await (await this.store()).users.get(uuid(id, 'id'));
    if (!user) throw userNotFound();
    return user;
  }

  private async counterKeys(user: UserDoc): Promise<string[]> {
    const store = await this.store();
    const devices = await store.devices.find({ userId: user.id });
    return [keys.password(user.email), keys.face(user.id), keys.recovery(user.id), keys.reauth(user.id), resetKey(user.email), ...devices.map((d) => keys.device(d.id))];
  }

  private async view(user: UserDoc): Promise<AdminUserView> {
    const store = await this.store();
    const now = this.clock();
    const state = async (key: string, policy: ThrottlePolicy): Promise<ThrottleState> => {
      const c = await store.counter(key);
      const failures = c?.failures ?? 0;
      const verdict = judge(policy, failures, c?.lastFailureAt ?? 0, now);
      return { failures, locked: !verdict.allowed && verdict.locked, retryAfterSeconds: verdict.allowed ? 0 : verdict.retryAfterSeconds };
    };
    const password = policies.password(this.cfg.passwordFreeAttempts);
    const devices = await store.devices.find({ userId: user.id });
    const reset = await store.resets.get(user.id);
    return {
      ...(await this.auth.account.view(user)),
      throttle: {
        password: await state(keys.password(user.email), password),
        face: await state(keys.face(user.id), policies.face),
        recovery: await state(keys.recovery(user.id), policies.recovery),
        reauth: await state(keys.reauth(user.id), password),
        passwordReset: await state(resetKey(user.email), RESET_POLICY),
        trustedBrowsers: (await Promise.all(devices.map((d) => state(keys.device(d.id), password)))).filter((s) => s.failures > 0),
      },
      ...(reset && { passwordReset: { issuedAt: reset.createdAt, expiresAt: reset.expiresAt } }),
      sessions: await store.sessions.count({ userId: user.id }),
    };
  }

  private adminAudit(type: AuditDoc['type'], admin: UserDoc, user: UserDoc, client: Client, reason?: string): Promise<void> {
    return this.auth.audit.record({ type, result: 'success', userId: user.id, email: user.email, actorId: admin.id, actorEmail: admin.email, ...(reason && { reason }) }, client);
  }
}

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

const uuid = (v: string, field: string) => uuidOf(v, field, 'an account');
