/** SQL for complaints and their event history. Reads and writes are built separately. */
import type { ReadableDb, WritableDb } from '../db/open';
import type { ComplaintSeverity, ComplaintStatus } from '../../../src-shared/contracts/complaints';

export interface ComplaintRow {
  id: string;
  customerId: string;
  callId: string | null;
  categoryCode: string;
  categoryLabel: string;
  severity: ComplaintSeverity;
  status: ComplaintStatus;
  description: string;
  desiredResolution: string | null;
  orderId: string | null;
  orderNumber: string | null;
  orderLineId: string | null;
  orderLineLabel: string | null;
  followUpOn: string | null;
  resolution: string | null;
  openedAt: number;
  resolvedAt: number | null;
  updatedAt: number;
  agentId: string;
}

export interface ComplaintEventRow {
  id: string;
  kind: 'opened' | 'status' | 'follow_up' | 'note';
  fromStatus: ComplaintStatus | null;
  toStatus: ComplaintStatus | null;
  detail: string | null;
  agentId: string;
  callId: string | null;
  at: number;
}

const SUMMARY = `
  SELECT c.id, c.customer_id AS customerId, c.call_id AS callId, c.category_code AS categoryCode,
         coalesce(cc.label, c.category_code) AS categoryLabel, c.severity, c.status, c.description,
         c.desired_resolution AS desiredResolution, c.order_id AS orderId, o.number AS orderNumber,
         c.order_line_id AS orderLineId, CASE WHEN l.id IS NULL THEN NULL ELSE l.sku || ' ' || l.name END AS orderLineLabel,
         c.follow_up_on AS followUpOn, c.resolution, c.opened_at AS openedAt, c.resolved_at AS resolvedAt,
         c.updated_at AS updatedAt, c.agent_id AS agentId
    FROM complaints c
    LEFT JOIN complaint_categories cc ON cc.code = c.category_code
    LEFT JOIN orders o ON o.id = c.order_id
    LEFT JOIN order_lines l ON l.id = c.order_line_id`;

export function createComplaintReadRepository(db: ReadableDb) {
  const c = db.$client;
  const byId = c.prepare(`${SUMMARY} WHERE c.id = ?`);
  // complaints_customer_opened_idx, newest first; the status filter is a JSON array of statuses.
  const forCustomer = c.prepare(
    `${SUMMARY} WHERE c.customer_id = ? AND c.status IN (SELECT value FROM json_each(?)) ORDER BY c.opened_at DESC, c.id DESC LIMIT ?`,
  );
  const countForCustomer = c
    .prepare(`SELECT count(*) FROM complaints WHERE customer_id = ? AND status IN (SELECT value FROM json_each(?))`)
    .pluck();
  const events = c.prepare(
    `SELECT id, kind, from_status AS fromStatus, to_status AS toStatus, detail, agent_id AS agentId, call_id AS callId, at
       FROM complaint_events WHERE complaint_id = ? ORDER BY at, rowid`,
  );
  const activeCategory = c.prepare(`SELECT label FROM complaint_categories WHERE code = ? AND active = 1`).pluck();
  const order = c.prepare(`SELECT id, customer_id AS customerId FROM orders WHERE id = ?`);
  const line = c.prepare(
    `SELECT l.id, l.order_id AS orderId, o.customer_id AS customerId FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.id = ?`,
  );

  return {
    byId: (id: string) => byId.get(id) as ComplaintRow | undefined,
    forCustomer: (customerId: string, statuses: readonly ComplaintStatus[], limit: number) =>
      forCustomer.all(customerId, JSON.stringify(statuses), limit) as ComplaintRow[],
    countForCustomer: (customerId: string, statuses: readonly ComplaintStatus[]) =>
      countForCustomer.get(customerId, JSON.stringify(statuses)) as number,
    events: (complaintId: string) => events.all(complaintId) as ComplaintEventRow[],
    isActiveCategory: (code: string) => activeCategory.get(code) !== undefined,
    order: (orderId: string) => order.get(orderId) as { id: string; customerId: string } | undefined,
    orderLine: (lineId: string) => line.get(lineId) as { id: string; orderId: string; customerId: string } | undefined,
  };
}

export function createComplaintWriteRepository(db: WritableDb) {
  const c = db.$client;
  const insert = c.prepare(
    `INSERT INTO complaints (id, customer_id, call_id, order_id, order_line_id, category_code, severity, description,
                             desired_resolution, status, follow_up_on, opened_at, updated_at, agent_id)
     VALUES (@id, @customerId, @callId, @orderId, @orderLineId, @categoryCode, @severity, @description,
             @desiredResolution, 'open', @followUpOn, @openedAt, @openedAt, @agentId)`,
  );
  const insertEvent = c.prepare(
    `INSERT INTO complaint_events (id, complaint_id, call_id, agent_id, at, kind, from_status, to_status, detail)
     VALUES (@id, @complaintId, @callId, @agentId, @at, @kind, @fromStatus, @toStatus, @detail)`,
  );
  const setStatus = c.prepare(
    `UPDATE complaints SET status = @to, resolution = @resolution, resolved_at = @resolvedAt, updated_at = @at
      WHERE id = @id AND status = @from`,
  );
  const setFollowUp = c.prepare(`UPDATE complaints SET follow_up_on = ?, updated_at = ? WHERE id = ?`);

  return {
    insert(row: {
      id: string;
      customerId: string;
      callId: string | null;
      orderId: string | null;
      orderLineId: string | null;
      categoryCode: string;
      severity: ComplaintSeverity;
      description: string;
      desiredResolution: string | null;
      followUpOn: string | null;
      openedAt: number;
      agentId: string;
    }) {
      insert.run(row);
    },
    insertEvent(row: { id: string; complaintId: string; callId: string | null; agentId: string; at: number } & Omit<ComplaintEventRow, 'id' | 'agentId' | 'callId' | 'at'>) {
      insertEvent.run(row);
    },
    setStatus(row: { id: string; from: ComplaintStatus; to: ComplaintStatus; resolution: string | null; resolvedAt: number | null; at: number }) {
      const changes = setStatus.run(row).changes;
      if (changes !== 1) throw new Error(`complaint ${row.id}: status was not ${row.from}`);
    },
    setFollowUp(id: string, followUpOn: string | null, at: number) {
      setFollowUp.run(followUpOn, at, id);
    },
  };
}
