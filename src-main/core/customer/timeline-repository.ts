/**
 * SQL for the customer timeline: one statement per source (orders, calls, complaints, notes),
 * each a backwards range scan of that table's (customer_id, time) index from the cursor, limited
 * to one page. The service merges the pages. The order statement needs orders_customer_placed_idx
 * and order_lines_order_idx, which a first copy builds only at its end: until then
 * `orderHistoryArriving` says so and the service leaves orders out (it is prepared anyway: without
 * INDEXED BY, preparing it with the indexes missing does not fail, and it re-plans once they exist).
 */
import type { ReadableDb } from '../db/open';
import { orderHistoryArriving } from '../db/deferred-indexes';
import type { OrderChannel, OrderStatus } from '../../../src-shared/domain/customer';
import type { CallSource, CallStatus } from '../../../src-shared/contracts/calls';
import type { ComplaintSeverity, ComplaintStatus } from '../../../src-shared/contracts/complaints';
import type { boundsAfter } from './timeline-cursor';

export type SourceBounds = ReturnType<typeof boundsAfter> & { customerId: string; limit: number };

export interface OrderEventRow {
  id: string;
  at: number;
  number: string;
  channel: OrderChannel;
  status: OrderStatus;
  campaignCode: string | null;
  totalCents: number;
  currency: string;
  lineCount: number;
}
export interface CallEventRow {
  id: string;
  at: number;
  status: CallStatus;
  source: CallSource;
  fromE164: string | null;
  agentId: string;
  dispositionCode: string | null;
  dispositionLabel: string | null;
  talkMs: number;
  holdMs: number;
  wrapUpMs: number;
  wrapUpNotes: string | null;
  satisfaction: number | null;
}
export interface ComplaintEventRow {
  id: string;
  at: number;
  status: ComplaintStatus;
  severity: ComplaintSeverity;
  categoryCode: string;
  categoryLabel: string;
  description: string;
  orderNumber: string | null;
  callId: string | null;
  resolvedAt: number | null;
}
export interface NoteEventRow {
  id: string;
  at: number;
  body: string;
  agentId: string;
  callId: string | null;
}

/** The keyset condition on a source's time column `at` and id column `id`. */
const after = (at: string, id: string) =>
  `${at} <= @atMax AND (${at} < @atMax OR @tieAll = 1 OR (@tieById = 1 AND ${id} < @idMax))`;

export const TIMELINE_SQL = {
  order: `SELECT o.id, o.placed_at AS at, o.number, o.channel, o.status, o.campaign_code AS campaignCode,
                 o.total_cents AS totalCents, o.currency,
                 (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lineCount
            FROM orders o
           WHERE o.customer_id = @customerId AND ${after('o.placed_at', 'o.id')}
           ORDER BY o.placed_at DESC, o.id DESC LIMIT @limit`,
  call: `SELECT c.id, c.started_at AS at, c.status, c.source, c.from_e164 AS fromE164, c.agent_id AS agentId,
                c.disposition_code AS dispositionCode, d.label AS dispositionLabel, c.talk_ms AS talkMs, c.hold_ms AS holdMs,
                c.wrap_up_ms AS wrapUpMs, c.wrap_up_notes AS wrapUpNotes, c.satisfaction
           FROM calls c LEFT JOIN dispositions d ON d.code = c.disposition_code
          WHERE c.customer_id = @customerId AND ${after('c.started_at', 'c.id')}
          ORDER BY c.started_at DESC, c.id DESC LIMIT @limit`,
  complaint: `SELECT c.id, c.opened_at AS at, c.status, c.severity, c.category_code AS categoryCode,
                     coalesce(cc.label, c.category_code) AS categoryLabel, c.description, o.number AS orderNumber,
                     c.call_id AS callId, c.resolved_at AS resolvedAt
                FROM complaints c
                LEFT JOIN complaint_categories cc ON cc.code = c.category_code
                LEFT JOIN orders o ON o.id = c.order_id
               WHERE c.customer_id = @customerId AND ${after('c.opened_at', 'c.id')}
               ORDER BY c.opened_at DESC, c.id DESC LIMIT @limit`,
  note: `SELECT n.id, n.created_at AS at, n.body, n.agent_id AS agentId, n.call_id AS callId
           FROM notes n
          WHERE n.customer_id = @customerId AND ${after('n.created_at', 'n.id')}
          ORDER BY n.created_at DESC, n.id DESC LIMIT @limit`,
} as const;

export function createTimelineRepository(db: ReadableDb) {
  const c = db.$client;
  const orders = c.prepare(TIMELINE_SQL.order);
  const calls = c.prepare(TIMELINE_SQL.call);
  const complaints = c.prepare(TIMELINE_SQL.complaint);
  const notes = c.prepare(TIMELINE_SQL.note);
  return {
    /** True while a first copy is still bringing in orders and their indexes are missing (one cache_meta read). */
    orderHistoryArriving: () => orderHistoryArriving(c),
    orders: (b: SourceBounds) => orders.all(b) as OrderEventRow[],
    calls: (b: SourceBounds) => calls.all(b) as CallEventRow[],
    complaints: (b: SourceBounds) => complaints.all(b) as ComplaintEventRow[],
    notes: (b: SourceBounds) => notes.all(b) as NoteEventRow[],
  };
}
