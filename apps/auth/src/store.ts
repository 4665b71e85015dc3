import { createHash, randomUUID } from 'node:crypto';
import { DuplicateKeyError, type Collection, type DocumentStore } from '../../shared/store/types.ts';
import { judge, type ThrottlePolicy, type Verdict } from './throttle.ts';

/** An attempt counted before it is checked: what `refund` needs to give it back. */
export interface Reservation {
  key: string;
  /** The counter's failures with this attempt. */
  failures: number;
  at: number;
  previousAt?: number;
}

export type Attempt = { allowed: true; reservation: Reservation } | Exclude<Verdict, { allowed: true }>;

export interface UserDoc {
  id: string;
  /** Normalised: trimmed, lower-case. Unique. */
  email: string;
  name: string;
  passwordHash: string;
  createdAt: string;
  passwordChangedAt: string;
  faceEnabled: boolean;
  faceEnrolledAt?: string;
  faceTemplates: number;
  /** The plant's administrators; absent (or null, once taken back) for everyone else. */
  role?: 'admin' | null;
}

export type Stage = 'face' | 'full';

/** A session is stored under the SHA-256 of its cookie value: a database dump holds no live session. */
export interface SessionDoc {
  id: string;
  userId: string;
  stage: Stage;
  csrf: string;
  createdAt: string;
  lastSeenAt: string;
  absoluteExpiresAt: string;
  /** min(last seen + idle limit, absolute limit): the TTL index and readers drop it then. */
  expiresAt: string;
  ip: string;
  userAgent: string;
  /** The head-turn challenge issued to this session for its face step: only it may be answered here. */
  faceChallenge?: string | null;
  /** Challenges this session has asked for: bounded, so a half-logged-in session cannot probe forever. */
  faceChallenges?: number;
  /** When the person last proved who they are to this session (the login; kept across a password change). */
  authenticatedAt?: string;
  /** The second factor that login used, if any: administration needs one, recently. */
  factor?: 'face' | 'recovery';
}

/** A browser that has completed a login to the account (OWASP "device cookie"). */
export interface DeviceDoc {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface CounterDoc {
  id: string;
  failures: number;
  lastFailureAt?: number;
  expiresAt: string;
}

/** A one-time password reset an administrator issued: one per account, hashed, short-lived. */
export interface PasswordResetDoc {
  /** The account's id. */
  id: string;
  hash: string;
  createdAt: string;
  expiresAt: string;
  /** The administrator's id and, for the audit trail, email. */
  issuedBy: string;
  issuedByEmail?: string;
}

interface RecoveryCodeDoc {
  id: string;
  userId: string;
  createdAt: string;
  /**
   * The code, salted and hashed with scrypt: 80 bits is below the 112 NIST SP 800-63B-4
   * §3.1.2 lets a plain hash protect. Codes issued before this field existed have none:
   * their id is SHA-256(userId:code), and they work until used or regenerated.
   */
  hash?: string;
}

/** How recovery codes are hashed and checked (a PasswordHasher at the codes' own cost). */
export interface CodeHasher {
  hash(code: string): Promise<string>;
  verify(code: string, stored: string): Promise<boolean>;
}

/** Every kind of audit event, in the order a reader meets them. */
export const AUDIT_TYPES = [
  'register',
  'login',
  'logout',
  'face.enroll',
  'face.disable',
  'recovery.regenerate',
  'sessions.end',
  'password.change',
  'password.reset',
  'account.delete',
  'admin.claim',
  'admin.role',
  'admin.unlock',
  'admin.password_reset',
  'admin.face_erase',
  'admin.account_delete',
] as const;
export type AuditType = (typeof AUDIT_TYPES)[number];
export type LoginMethod = 'password' | 'face' | 'recovery';

export interface AuditDoc {
  id: string;
  at: string;
  /** `at` plus a per-process sequence number: events of one millisecond keep their order. */
  order: string;
  type: AuditType;
  /** 'login' for login attempts, so a user's history is one indexed query; 'admin' for what administrators did. */
  kind: 'login' | 'account' | 'admin';
  /** The account the event is about (for admin events: the one acted on). */
  userId?: string;
  email?: string;
  /** The administrator who did it (admin events only). */
  actorId?: string;
  actorEmail?: string;
  method?: LoginMethod;
  result?: 'success' | 'failure';
  reason?: string;
  ip: string;
  userAgent: string;
  expiresAt: string;
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const DAY = 24 * 3600 * 1000;

/** The auth service's data, on any DocumentStore (MongoDB in production). */
export class AuthStore {
  private sequence = 0;

  private constructor(
    readonly users: Collection<UserDoc>,
    readonly sessions: Collection<SessionDoc>,
    readonly devices: Collection<DeviceDoc>,
    private readonly counters: Collection<CounterDoc>,
    private readonly codes: Collection<RecoveryCodeDoc>,
    private readonly audit: Collection<AuditDoc>,
    readonly resets: Collection<PasswordResetDoc>,
  ) {}

  static async open(db: DocumentStore): Promise<AuthStore> {
    return new AuthStore(
      await db.collection<UserDoc>({ name: 'auth_users', indexes: [{ fields: ['email'], unique: true }] }),
      await db.collection<SessionDoc>({ name: 'auth_sessions', indexes: [{ fields: ['userId'] }], expiresAt: 'expiresAt' }),
      await db.collection<DeviceDoc>({ name: 'auth_devices', indexes: [{ fields: ['userId'] }], expiresAt: 'expiresAt' }),
      await db.collection<CounterDoc>({ name: 'auth_counters', expiresAt: 'expiresAt' }),
      await db.collection<RecoveryCodeDoc>({ name: 'auth_recovery_codes', indexes: [{ fields: ['userId'] }] }),
      await db.collection<AuditDoc>({ name: 'auth_audit', indexes: [{ fields: ['userId', 'kind'] }, { fields: ['order'] }], expiresAt: 'expiresAt' }),
      await db.collection<PasswordResetDoc>({ name: 'auth_password_resets', expiresAt: 'expiresAt' }),
    );
  }

  async userByEmail(email: string): Promise<UserDoc | null> {
    return (await this.users.find({ email }, { limit: 1 }))[0] ?? null;
  }

  // --- throttling counters -------------------------------------------------------

  /**
   * Judges an attempt against `key`'s counter and, when allowed, reserves it: counted as a
   * failure at once, by a compare-and-set on the counter as it was read, so that of
   * callers who read the same state exactly one goes ahead and the others judge again
   * on the new one. Refusals are never counted. The caller then calls `succeeded` (the
   * counter goes) or `refund` (nothing was compared); a failure needs nothing more.
   */
  async attempt(key: string, policy: ThrottlePolicy, now: number): Promise<Attempt> {
    const expiresAt = new Date(now + 90 * DAY).toISOString();
    // Each lost round means another caller's attempt was counted; within policy.free + 1
    // of them the judge refuses, so this bound is never the reason a caller stops.
    for (let round = 0; round <= policy.free + policy.hardLimit; round++) {
      const before = await this.counters.get(key);
      const failures = before?.failures ?? 0;
      const verdict = judge(policy, failures, before?.lastFailureAt ?? 0, now);
      if (!verdict.allowed) return verdict;
      const reserved = { failures: failures + 1, lastFailureAt: now, expiresAt };
      const reservation: Reservation = { key, failures: failures + 1, at: now, ...(before?.lastFailureAt !== undefined && { previousAt: before.lastFailureAt }) };
      if (before) {
        const expected = before.lastFailureAt === undefined ? { failures } : { failures, lastFailureAt: before.lastFailureAt };
        if (await this.counters.updateIf(key, expected, reserved)) return { allowed: true, reservation };
      } else {
        const created = await this.counters.insert({ id: key, ...reserved }).then(
          () => true,
          (e: unknown) => {
            if (e instanceof DuplicateKeyError) return false;
            throw e;
          },
        );
        if (created) return { allowed: true, reservation };
      }
    }
    return { allowed: false, locked: false, retryAfterSeconds: policy.baseWaitSeconds };
  }

  /** Gives back a reserved attempt that compared nothing (an unusable image, an outage). */
  async refund(r: Reservation): Promise<void> {
    const back = { failures: r.failures - 1, ...(r.previousAt !== undefined && { lastFailureAt: r.previousAt }) };
    if (await this.counters.updateIf(r.key, { failures: r.failures, lastFailureAt: r.at }, back)) return;
    // Others were counted since: only this attempt's count goes, their time stays.
    await this.counters.increment(r.key, { failures: -1 });
  }

  async succeeded(key: string): Promise<void> {
    await this.counters.delete(key);
  }

  /** A throttling counter as stored (failures and the time of the last), or null when clear. */
  counter(key: string): Promise<CounterDoc | null> {
    return this.counters.get(key);
  }

  async failures(key: string): Promise<number> {
    return (await this.counters.get(key))?.failures ?? 0;
  }

  /** A counter per fixed window (per client address per hour): returns the count after adding. */
  async countInWindow(key: string, windowMs: number, now: number, add = 1): Promise<number> {
    const start = Math.floor(now / windowMs) * windowMs;
    const doc = await this.counters.increment(`${key}:${start}`, { failures: add }, { lastFailureAt: now, expiresAt: new Date(start + windowMs).toISOString() });
    return doc.failures;
  }

  async inWindow(key: string, windowMs: number, now: number): Promise<number> {
    const start = Math.floor(now / windowMs) * windowMs;
    return (await this.counters.get(`${key}:${start}`))?.failures ?? 0;
  }

  /** Ends every session of the user but `keep` (the one asking); how many ended. */
  async endSessionsExcept(userId: string, keep: string): Promise<number> {
    let ended = 0;
    for (const s of await this.sessions.find({ userId })) if (s.id !== keep && (await this.sessions.delete(s.id))) ended++;
    return ended;
  }

  // --- recovery codes --------------------------------------------------------------

  async replaceRecoveryCodes(userId: string, codes: string[], now: number, hasher: CodeHasher): Promise<void> {
    const createdAt = new Date(now).toISOString();
    const docs = await Promise.all(codes.map(async (c) => ({ id: randomUUID(), userId, createdAt, hash: await hasher.hash(c) })));
    await this.codes.deleteMany({ userId });
    await this.codes.insertMany(docs);
  }

  /**
   * Single use: the code is found by checking it against each of the user's (at most ten),
   * then deleting that one is the atomic test-and-set, so two concurrent uses cannot both win.
   */
  async consumeRecoveryCode(userId: string, code: string, hasher: CodeHasher): Promise<boolean> {
    if (await this.codes.delete(sha256(`${userId}:${code}`))) return true;
    for (const doc of await this.codes.find({ userId })) {
      if (doc.hash && (await hasher.verify(code, doc.hash))) return this.codes.delete(doc.id);
    }
    return false;
  }

  recoveryCodesLeft(userId: string): Promise<number> {
    return this.codes.count({ userId });
  }

  // --- audit ----------------------------------------------------------------------

  async record(event: Omit<AuditDoc, 'id' | 'at' | 'order' | 'kind' | 'expiresAt'>, now: number, retentionDays: number): Promise<AuditDoc> {
    const at = new Date(now).toISOString();
    const doc: AuditDoc = {
      id: randomUUID(),
      at,
      order: `${at}#${String(++this.sequence).padStart(12, '0')}`,
      kind: event.type === 'login' ? 'login' : event.type.startsWith('admin.') ? 'admin' : 'account',
      ...event,
      expiresAt: new Date(now + retentionDays * DAY).toISOString(),
    };
    await this.audit.insert(doc);
    return doc;
  }

  recentLogins(userId: string, limit = 20): Promise<AuditDoc[]> {
    return this.audit.find({ userId, kind: 'login' }, { sort: { field: 'order', order: 'desc' }, limit });
  }

  /**
   * The audit trail, newest first, one page: `before` is the `order` of the last event of
   * the previous page. There is no way to change or delete an event here: only retention ends one.
   */
  auditEvents(filter: Pick<Partial<AuditDoc>, 'userId' | 'type' | 'kind' | 'result' | 'actorId'>, limit: number, before = '\uffff'): Promise<AuditDoc[]> {
    return this.audit.find(filter, { sort: { field: 'order', order: 'desc' }, after: before, limit });
  }

  /** Accounts by email, a page at a time, optionally those whose email or name contains `text`. */
  searchUsers(text: string, limit: number, after = ''): Promise<UserDoc[]> {
    return this.users.find({}, { sort: { field: 'email', order: 'asc' }, after, limit, contains: { fields: ['email', 'name'], text } });
  }

  /** Everything of one account except its audit trail (kept for the record, without biometrics). */
  async deleteAccount(userId: string): Promise<void> {
    await this.users.delete(userId);
    await this.sessions.deleteMany({ userId });
    await this.devices.deleteMany({ userId });
    await this.codes.deleteMany({ userId });
    await this.resets.delete(userId);
  }
}
