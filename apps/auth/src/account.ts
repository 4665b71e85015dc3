import type { AuditTrail } from './audit.ts';
import type { AuthConfig } from './config.ts';
import { keys } from './counters.ts';
import { wrongPassword } from './errors.ts';
import type { FaceClient } from './face-client.ts';
import type { AuthMetrics } from './metrics.ts';
import type { PasswordHasher } from './passwords.ts';
import type { PasswordInput } from './requests.ts';
import type { Client, Sessions } from './sessions.ts';
import type { AuthStore, LoginMethod, SessionDoc, UserDoc } from './store.ts';
import { policies } from './throttle.ts';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'user';
  createdAt: string;
  face: { enabled: boolean; enrolledAt?: string; templates: number; locked: boolean };
  recoveryCodesLeft: number;
}

export interface LoginEntry {
  at: string;
  result: 'success' | 'failure';
  method: LoginMethod;
  ip: string;
  userAgent: string;
}

/** The logged-in user's own account: what they see of it, its sessions, its erasure, and the password re-check that guards changes to it. */
export class Account {
  constructor(
    private readonly cfg: AuthConfig,
    private readonly store: () => Promise<AuthStore>,
    private readonly hasher: PasswordHasher,
    private readonly face: FaceClient,
    private readonly metrics: AuthMetrics,
    private readonly sessions: Sessions,
    private readonly audit: AuditTrail,
    private readonly clock: () => number = Date.now,
  ) {}

  async me(session: SessionDoc): Promise<UserView> {
    return this.view(await this.sessions.userOf(session));
  }

  async logins(session: SessionDoc): Promise<LoginEntry[]> {
    const user = await this.sessions.userOf(session);
    const docs = await (await this.store()).recentLogins(user.id);
    return docs.map((d) => ({ at: d.at, result: d.result!, method: d.method!, ip: d.ip, userAgent: d.userAgent }));
  }

  async logout(client: Client): Promise<void> {
    if (!client.session) return;
    const store = await this.store();
    await store.sessions.delete(client.session.id);
    await this.audit.record({ type: 'logout', userId: client.session.userId }, client);
  }

  /** "Log out everywhere else": every other session of the account ends; how many did. */
  async endOtherSessions(session: SessionDoc, client: Client): Promise<number> {
    const user = await this.sessions.userOf(session);
    const ended = await (await this.store()).endSessionsExcept(user.id, session.id);
    await this.audit.record({ type: 'sessions.end', userId: user.id, email: user.email, reason: `${ended} ended` }, client);
    return ended;
  }

  /**
   * Erasure: the face templates first (if the face service cannot, nothing is deleted
   * and the user can retry), then the account, its sessions, devices and codes. The
   * audit trail stays, holding no biometric data.
   */
  async deleteAccount(session: SessionDoc, input: PasswordInput, client: Client): Promise<void> {
    const user = await this.sessions.userOf(session);
    await this.reauthenticate(user, input.password);
    if (user.faceEnabled || user.faceTemplates > 0 || user.faceEnrolledAt) await this.face.deleteSubject(user.id);
    const store = await this.store();
    await store.deleteAccount(user.id);
    for (const k of [keys.face(user.id), keys.recovery(user.id), keys.reauth(user.id), keys.password(user.email)]) await store.succeeded(k);
    this.metrics.deletions.inc();
    await this.audit.record({ type: 'account.delete', userId: user.id }, client);
  }

  /** Dangerous changes ask for the password again, throttled like a login. */
  async reauthenticate(user: UserDoc, password: string, field = 'password'): Promise<void> {
    const store = await this.store();
    const now = this.clock();
    const key = keys.reauth(user.id);
    const verdict = await store.attempt(key, policies.password(this.cfg.passwordFreeAttempts), now);
    const ok = verdict.allowed ? await this.hasher.verify(password.slice(0, 1024), user.passwordHash) : await this.hasher.verifyDecoy(password);
    if (!ok) throw wrongPassword(field);
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
}
