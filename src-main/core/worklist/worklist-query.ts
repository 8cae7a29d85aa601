/**
 * The CSR's worklist (issue 19, item 8): their recent callers and the complaint follow-ups they owe
 * that are due today or overdue. Reads only: the customers of the CSR's latest calls
 * (calls_agent_started_idx, newest first, walked until enough distinct customers are found) and
 * unresolved complaints by follow-up date (complaints_status_follow_up_idx: one range per status).
 */
import type { ReadableDb } from '../db/open';
import { formatPhone } from '../../../src-shared/domain/phone';
import { WORKLIST_LIMITS, type DueFollowUp, type RecentCaller, type WorklistOutput } from '../../../src-shared/contracts/worklist';
import type { ComplaintSeverity, ComplaintStatus } from '../../../src-shared/contracts/complaints';

/** Calls read at most to find the recent callers: a CSR's day is a few dozen calls, often several per customer. */
const CALLS_SCANNED = 200;

/** Complaint statuses a follow-up is still owed on. */
const UNRESOLVED: readonly ComplaintStatus[] = ['open', 'in_progress', 'reopened'];

export class WorklistQuery {
  private readonly recentCalls;
  private readonly customer;
  private readonly followUps;

  constructor(db: ReadableDb) {
    const c = db.$client;
    this.recentCalls = c
      .prepare(`SELECT customer_id, started_at FROM calls WHERE agent_id = ? ORDER BY started_at DESC LIMIT ${CALLS_SCANNED}`)
      .raw();
    this.customer = c.prepare(
      `SELECT c.first_name AS firstName, c.last_name AS lastName, p.e164, p.raw, p.verified
         FROM customers c LEFT JOIN customer_phones p ON p.customer_id = c.id AND p.is_primary = 1
        WHERE c.id = ? LIMIT 1`,
    );
    this.followUps = c.prepare(
      `SELECT k.id AS complaintId, k.customer_id AS customerId, cu.first_name AS firstName, cu.last_name AS lastName,
              coalesce(cc.label, k.category_code) AS category, k.severity, k.status, k.follow_up_on AS followUpOn
         FROM complaints k
         JOIN customers cu ON cu.id = k.customer_id
         LEFT JOIN complaint_categories cc ON cc.code = k.category_code
        WHERE k.status IN (SELECT value FROM json_each(?)) AND k.follow_up_on IS NOT NULL AND k.follow_up_on <= ? AND k.agent_id = ?
        ORDER BY k.follow_up_on, k.opened_at
        LIMIT ${WORKLIST_LIMITS.followUps}`,
    );
  }

  today(agentId: string, today: string): WorklistOutput {
    const recentCallers: RecentCaller[] = [];
    const seen = new Set<string>();
    for (const [customerId, startedAt] of this.recentCalls.all(agentId) as [string | null, number][]) {
      if (customerId === null || seen.has(customerId)) continue;
      seen.add(customerId);
      const c = this.customer.get(customerId) as
        | { firstName: string; lastName: string; e164: string | null; raw: string | null; verified: number | null }
        | undefined;
      if (!c) continue;
      recentCallers.push({
        customerId,
        displayName: `${c.firstName} ${c.lastName}`.trim(),
        phone: c.e164 === null ? null : c.verified === 1 ? formatPhone(c.e164) : (c.raw ?? c.e164),
        lastCallAt: new Date(startedAt).toISOString(),
      });
      if (recentCallers.length >= WORKLIST_LIMITS.recentCallers) break;
    }
    const rows = this.followUps.all(JSON.stringify(UNRESOLVED), today, agentId) as {
      complaintId: string;
      customerId: string;
      firstName: string;
      lastName: string;
      category: string;
      severity: ComplaintSeverity;
      status: ComplaintStatus;
      followUpOn: string;
    }[];
    const followUps: DueFollowUp[] = rows.map((r) => ({
      complaintId: r.complaintId,
      customerId: r.customerId,
      displayName: `${r.firstName} ${r.lastName}`.trim(),
      category: r.category,
      severity: r.severity,
      status: r.status,
      followUpOn: r.followUpOn,
      overdue: r.followUpOn < today,
    }));
    return { recentCallers, followUps };
  }
}
