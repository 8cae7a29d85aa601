/**
 * Sign-in events recorded while the store was unreachable (pending_audit, written by the session
 * keeper through the writer), read here by the sync engine and delivered to the store's audit log
 * (POST /workstation/audit). Each event keeps the id it was made with, so a resend after a lost
 * answer is recorded once; an event leaves the queue only after the store answered for it.
 */
import type Database from 'better-sqlite3';
import { WORKSTATION_AUDIT_MAX, type OfflineAuditEvent } from '../../../src-shared/contracts/admin';

export class AuditQueue {
  private readonly oldest: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(private readonly client: Database.Database) {
    this.oldest = client.prepare(`SELECT id, action, username, at, detail FROM pending_audit ORDER BY at, id LIMIT ?`);
    this.remove = client.prepare(`DELETE FROM pending_audit WHERE id = ?`);
  }

  batch(limit = WORKSTATION_AUDIT_MAX): OfflineAuditEvent[] {
    return (this.oldest.all(limit) as OfflineAuditEvent[]).map((e) => ({ ...e, detail: e.detail.slice(0, 500) }));
  }

  delivered(ids: readonly string[]): void {
    this.client.transaction(() => {
      for (const id of ids) this.remove.run(id);
    })();
  }
}
