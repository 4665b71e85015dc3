import { Counter, Histogram, createMetrics } from '../../shared/metrics.ts';

export function createAuthMetrics() {
  const base = createMetrics('auth');
  const registers = [base.registry];
  return {
    ...base,
    logins: new Counter({ name: 'auth_login_attempts_total', help: 'login steps by method and result', labelNames: ['method', 'result'] as const, registers }),
    throttled: new Counter({ name: 'auth_throttled_total', help: 'attempts refused by throttling, by authenticator', labelNames: ['authenticator'] as const, registers }),
    hashSeconds: new Histogram({ name: 'auth_password_hash_seconds', help: 'one scrypt derivation', buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2], registers }),
    registrations: new Counter({ name: 'auth_registrations_total', help: 'accounts created', registers }),
    deletions: new Counter({ name: 'auth_account_deletions_total', help: 'accounts deleted with their face data', registers }),
  };
}

export type AuthMetrics = ReturnType<typeof createAuthMetrics>;
