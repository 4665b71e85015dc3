import type { Logger } from '../../shared/log.ts';
import { Account } from './account.ts';
import { AuditTrail } from './audit.ts';
import type { AuthConfig } from './config.ts';
import type { FaceClient } from './face-client.ts';
import type { AuthMetrics } from './metrics.ts';
import { PasswordLogin } from './password-login.ts';
import type { PasswordHasher } from './passwords.ts';
import { SecondFactor } from './second-factor.ts';
import { Sessions } from './sessions.ts';
import type { AuthStore } from './store.ts';

/**
 * Every rule of the auth service. No request, response or cookie reaches the parts (routes.ts
 * translates), and what they refuse with is built in errors.ts. The parts are built once, here:
 * the routes and the plant administrator must share them, since the second factor keeps state
 * (the frame-rate memory, the recovery-code hasher's queue).
 */
export class AuthService {
  readonly sessions: Sessions;
  readonly audit: AuditTrail;
  readonly account: Account;
  readonly password: PasswordLogin;
  readonly secondFactor: SecondFactor;

  constructor(
    cfg: AuthConfig,
    store: () => Promise<AuthStore>,
    hasher: PasswordHasher,
    face: FaceClient,
    metrics: AuthMetrics,
    log: Logger,
    clock: () => number = Date.now,
  ) {
    this.sessions = new Sessions(cfg, store, clock);
    this.audit = new AuditTrail(cfg, store, log, clock);
    this.account = new Account(cfg, store, hasher, face, metrics, this.sessions, this.audit, clock);
    this.password = new PasswordLogin(cfg, store, hasher, metrics, this.sessions, this.account, this.audit, clock);
    this.secondFactor = new SecondFactor(store, face, metrics, this.sessions, this.account, this.audit, clock);
  }
}
