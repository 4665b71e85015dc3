/**
 * Throttling as NIST SP 800-63B-4 sets it. A counter holds the consecutive failures of
 * one authenticator (password per account or per trusted device, face, recovery code)
 * and the time of the last one; a success deletes it. The counters live in the
 * database, so every replica sees the same numbers.
 *
 * An attempt is counted *before* it is checked (pessimistic), with an atomic
 * increment: concurrent guesses on several replicas cannot slip past a hard limit, and
 * in the waiting regime an attempt that raced another one is refused.
 */
export interface ThrottlePolicy {
  /** Consecutive failures allowed without any wait. */
  free: number;
  /** The wait after the first failure beyond `free`; doubles with each further one. */
  baseWaitSeconds: number;
  maxWaitSeconds: number;
  /** After this many consecutive failures the authenticator is disabled. */
  hardLimit: number;
}

export const policies = {
  /** Password from a client that never logged in to the account: waits from the 6th failure, 30 s doubling to 15 min; disabled at 100 (NIST's cap). */
  password: (free: number): ThrottlePolicy => ({ free, baseWaitSeconds: 30, maxWaitSeconds: 15 * 60, hardLimit: 100 }),
  /** Face: after 5 failures at least 30 s, growing; face login disabled at 50 (NIST SP 800-63B-4 §3.2.3). */
  face: { free: 5, baseWaitSeconds: 30, maxWaitSeconds: 60 * 60, hardLimit: 50 } satisfies ThrottlePolicy,
  /** Recovery codes: as any authenticator, at most 100. */
  recovery: { free: 5, baseWaitSeconds: 30, maxWaitSeconds: 60 * 60, hardLimit: 100 } satisfies ThrottlePolicy,
} as const;

/** Seconds that must pass after the last failure, given `failures` consecutive ones. */
export function waitSeconds(policy: ThrottlePolicy, failures: number): number {
  if (failures < policy.free) return 0;
  return Math.min(policy.maxWaitSeconds, policy.baseWaitSeconds * 2 ** (failures - policy.free));
}

export type Verdict = { allowed: true } | { allowed: false; locked: boolean; retryAfterSeconds: number };

/** Whether another attempt may be made now, before counting it. */
export function judge(policy: ThrottlePolicy, failures: number, lastFailureAt: number, now: number): Verdict {
  if (failures >= policy.hardLimit) return { allowed: false, locked: true, retryAfterSeconds: 0 };
  const until = lastFailureAt + waitSeconds(policy, failures) * 1000;
  if (now < until) return { allowed: false, locked: false, retryAfterSeconds: Math.ceil((until - now) / 1000) };
  return { allowed: true };
}
