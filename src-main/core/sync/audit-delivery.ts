/**
 * Delivers the sign-in events recorded while the store was unreachable (AuditQueue) to the store's
 * audit log, a batch at a time, each leaving the queue once the store answered for it (issue 5).
 */
import type { WorkstationAuditRequest, WorkstationAuditResponse } from '../../../src-shared/contracts/admin';
import type { AuditQueue } from './audit-queue';
import { expectAnswer } from './cycle-failure';
import type { StoreResult } from './store-client';

export interface AuditDeliveryOptions {
  audit: Pick<AuditQueue, 'batch' | 'delivered'>;
  /** Sends one batch (signed with the workstation token). */
  report: (body: WorkstationAuditRequest) => Promise<StoreResult<WorkstationAuditResponse>>;
  log: (message: string) => void;
}

/** Sends every queued event; unreachable ends the cycle (CycleFailure), refused drops the batch. */
export async function deliverOfflineAudit({ audit, report, log }: AuditDeliveryOptions): Promise<void> {
  for (;;) {
    const events = audit.batch();
    if (events.length === 0) return;
    const sent = await report({ events });
    if (!sent.ok && sent.failure.kind === 'permanent') {
      // A store that cannot take them (an older store, a malformed event) must not stop sync.
      log(`the central store refused ${events.length} offline sign-in event(s); they are dropped: ${sent.failure.message}`);
    } else {
      expectAnswer(sent);
    }
    audit.delivered(events.map((e) => e.id));
  }
}
