import type { Logger } from '../../shared/log.ts';
import type { AuthConfig } from './config.ts';
import type { Client } from './sessions.ts';
import type { AuditDoc, AuthStore } from './store.ts';

export type AuditEvent = Omit<AuditDoc, 'id' | 'at' | 'order' | 'kind' | 'expiresAt' | 'ip' | 'userAgent'>;

/** The audit trail: each event stored for the retention period and written to the log. */
export class AuditTrail {
  constructor(
    private readonly cfg: AuthConfig,
    private readonly store: () => Promise<AuthStore>,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  async record(event: AuditEvent, client: Client): Promise<void> {
    const doc = await (await this.store()).record({ ...event, ip: client.ip, userAgent: client.userAgent }, this.clock(), this.cfg.auditRetentionDays);
    this.log.info({ audit: { ...doc, order: undefined, expiresAt: undefined } }, `audit ${doc.type}${doc.result ? ` ${doc.method} ${doc.result}` : ''}`);
  }
}
