import { randomUUID } from 'node:crypto';
import { DuplicateKeyError } from '../../shared/store/types.ts';
import type { Account, UserView } from './account.ts';
import type { AuditTrail } from './audit.ts';
import type { AuthConfig } from './config.ts';
import { HOUR, keys } from './counters.ts';
import { emailTaken, invalid, invalidCredentials, tooManyRegistrations, weakPassword } from './errors.ts';
import { normaliseEmail } from './fields.ts';
import type { AuthMetrics } from './metrics.ts';
import { passwordProblem, type PasswordHasher } from './passwords.ts';
import type { ChangePasswordInput, LoginInput, RegisterInput } from './requests.ts';
import type { Client, Issued, Sessions } from './sessions.ts';
import { sha256, type AuthStore, type SessionDoc, type UserDoc } from './store.ts';
import { policies } from './throttle.ts';

/** The password: registering with one, logging in with it, changing it, and the rules a new one must meet. */
export class PasswordLogin {
  constructor(
    private readonly cfg: AuthConfig,
    private readonly store: () => Promise<AuthStore>,
    private readonly hasher: PasswordHasher,
    private readonly metrics: AuthMetrics,
    private readonly sessions: Sessions,
    private readonly account: Account,
    private readonly audit: AuditTrail,
    private readonly clock: () => number = Date.now,
  ) {}

  async register(input: RegisterInput, client: Client): Promise<{ user: UserView; issued: Issued }> {
    const email = normaliseEmail(input.email);
    if (input.name.trim().length === 0 || input.name.trim().length > 100) throw invalid('name', 'must be 1 to 100 characters');
    this.checkPassword(input.password, email, input.name.trim());
    const store = await this.store();
    const now = this.clock();
    if ((await store.countInWindow(keys.registrations(client.ip), HOUR, now)) > this.cfg.registrationsPerHour) {
      throw tooManyRegistrations();
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
      if (e instanceof DuplicateKeyError) throw emailTaken();
      throw e;
    }
    this.metrics.registrations.inc();
    await this.audit.record({ type: 'register', userId: user.id, email }, client);
    const issued = await this.sessions.issue(user, 'full', client);
    return { user: await this.account.view(user), issued };
  }

  private checkPassword(password: string, email: string, name: string, field = 'password'): void {
    const problem = passwordProblem(password, email, this.cfg.passwordMinLength, { words: this.cfg.passwordContextWords.split(','), name });
    if (problem) throw weakPassword(field, problem);
  }

  /** A new password for an existing account (a change, or a reset code): the same rules as at registration. */
  checkNewPassword(password: string, user: UserDoc): string {
    this.checkPassword(password, user.email, user.name, 'newPassword');
    return password;
  }

  /**
   * Password login. Unknown account, wrong password and any throttling all end in the
   * same 401 after the same scrypt work. Failures are counted per account for unknown
   * browsers, per browser for those that completed a login to the account before (so
   * an attacker cannot lock the owner out of their own devices), and per client address.
   */
  async login(input: LoginInput, client: Client): Promise<{ user?: UserView; issued: Issued }> {
    const email = normaliseEmail(input.email);
    const password = input.password.slice(0, 1024);
    const store = await this.store();
    const now = this.clock();
    // Every failure counts against the client address and is audited; what was typed
    // for an unknown account is not kept (people type passwords there).
    const failure = async (reason: string, userId?: string) => {
      await store.countInWindow(keys.clientFailures(client.ip), HOUR, now);
      this.metrics.logins.inc({ method: 'password', result: 'failure' });
      await this.audit.record({ type: 'login', method: 'password', result: 'failure', reason, ...(userId && { userId, email }) }, client);
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
      await this.audit.record({ type: 'login', method: 'password', result: 'success', reason: 'face_required', userId: user.id, email }, client);
      return { issued: await this.sessions.issue(user, 'face', client) };
    }
    await this.audit.record({ type: 'login', method: 'password', result: 'success', userId: user.id, email }, client);
    return { user: await this.account.view(user), issued: await this.sessions.issue(user, 'full', client) };
  }

  async changePassword(session: SessionDoc, input: ChangePasswordInput, client: Client): Promise<Issued> {
    const user = await this.sessions.userOf(session);
    await this.account.reauthenticate(user, input.currentPassword, 'currentPassword');
    const newPassword = this.checkNewPassword(input.newPassword, user);
    const store = await this.store();
    await store.users.update(user.id, { passwordHash: await this.hasher.hash(newPassword), passwordChangedAt: new Date(this.clock()).toISOString() });
    // Whoever else held a session (or a device cookie) of this account is out.
    await store.sessions.deleteMany({ userId: user.id });
    await store.devices.deleteMany({ userId: user.id });
    await this.audit.record({ type: 'password.change', userId: user.id, email: user.email }, client);
    // The same login, with a new session id: how and when the person proved it is them stays.
    return this.sessions.issue(user, 'full', client, { factor: session.factor, authenticatedAt: session.authenticatedAt });
  }
}
