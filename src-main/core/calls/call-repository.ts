/**
 * SQL for calls and the configurable lists. Read statements and write statements are built by
 * separate functions, so a reader connection never prepares the writer's UPDATEs.
 */
import type { ReadableDb, WritableDb } from '../db/open';
import { createCustomerExistsQuery } from '../customer/profile-repository';
import type { CallSource, CallStatus, ListEntry } from '../../../src-shared/contracts/calls';

export interface CallRow {
  id: string;
  customerId: string | null;
  fromE164: string | null;
  /** The caller id as received, when there was one (issue 19). */
  fromRaw: string | null;
  source: CallSource;
  agentId: string;
  status: CallStatus;
  startedAt: number;
  holdStartedAt: number | null;
  talkEndedAt: number | null;
  completedAt: number | null;
  talkMs: number;
  holdMs: number;
  wrapUpMs: number;
  dispositionCode: string | null;
  wrapUpNotes: string | null;
  /** The caller's satisfaction answer at wrap-up, 1–5, or null (issue 22). */
  satisfaction: number | null;
}

const CALL_COLUMNS = `id, customer_id AS customerId, from_e164 AS fromE164, from_raw AS fromRaw, source, agent_id AS agentId, status,
  started_at AS startedAt, hold_started_at AS holdStartedAt, talk_ended_at AS talkEndedAt, completed_at AS completedAt,
  talk_ms AS talkMs, hold_ms AS holdMs, wrap_up_ms AS wrapUpMs, disposition_code AS dispositionCode, wrap_up_notes AS wrapUpNotes, satisfaction`;

export function createCallReadRepository(db: ReadableDb) {
  const c = db.$client;
  const byId = c.prepare(`SELECT ${CALL_COLUMNS} FROM calls WHERE id = ?`);
  // calls_agent_started_idx: newest first, stops at the first unfinished call.
  const unfinished = c.prepare(
    `SELECT ${CALL_COLUMNS} FROM calls WHERE agent_id = ? AND status <> 'completed' ORDER BY started_at DESC LIMIT 1`,
  );
  // Every call of the agent not completed yet, oldest first (a screen-pop during a call waits on hold).
  const allUnfinished = c.prepare(
    `SELECT ${CALL_COLUMNS} FROM calls WHERE agent_id = ? AND status <> 'completed' ORDER BY started_at, id`,
  );
  const dispositions = c.prepare(`SELECT code, label FROM dispositions WHERE active = 1 ORDER BY sort, label`);
  const categories = c.prepare(`SELECT code, label FROM complaint_categories WHERE active = 1 ORDER BY sort, label`);
  const activeDisposition = c.prepare(`SELECT label FROM dispositions WHERE code = ? AND active = 1`).pluck();
  const customerExists = createCustomerExistsQuery(db);

  return {
    byId: (id: string) => byId.get(id) as CallRow | undefined,
    /** The agent's latest call that is not completed yet. */
    unfinishedForAgent: (agentId: string) => unfinished.get(agentId) as CallRow | undefined,
    /** All the agent's calls that are not completed, oldest first. */
    allUnfinishedForAgent: (agentId: string) => allUnfinished.all(agentId) as CallRow[],
    activeDispositions: () => dispositions.all() as ListEntry[],
    activeComplaintCategories: () => categories.all() as ListEntry[],
    isActiveDisposition: (code: string) => activeDisposition.get(code) !== undefined,
    customerExists,
  };
}

export function createCallWriteRepository(db: WritableDb) {
  const c = db.$client;
  const insert = c.prepare(
    `INSERT INTO calls (id, customer_id, from_e164, from_raw, source, agent_id, status, started_at)
     VALUES (@id, @customerId, @fromE164, @fromRaw, @source, @agentId, 'active', @startedAt)`,
  );
  const setCustomer = c.prepare(`UPDATE calls SET customer_id = ? WHERE id = ?`);
  const startHold = c.prepare(`UPDATE calls SET status = 'on_hold', hold_started_at = ? WHERE id = ? AND status = 'active'`);
  const endHold = c.prepare(`UPDATE calls SET status = 'active', hold_started_at = NULL, hold_ms = ? WHERE id = ? AND status = 'on_hold'`);
  const endTalk = c.prepare(
    `UPDATE calls SET status = 'wrap_up', hold_started_at = NULL, talk_ended_at = ?, talk_ms = ?, hold_ms = ?
      WHERE id = ? AND status IN ('active', 'on_hold')`,
  );
  const complete = c.prepare(
    `UPDATE calls SET status = 'completed', completed_at = ?, wrap_up_ms = ?, disposition_code = ?, wrap_up_notes = ?, satisfaction = ?
      WHERE id = ? AND status = 'wrap_up'`,
  );

  /** Each update names the status it expects; a row in any other state is a bug, not a no-op. */
  const once = (changes: number, what: string) => {
    if (changes !== 1) throw new Error(`call ${what}: expected to update one row, updated ${changes}`);
  };

  return {
    insert(row: { id: string; customerId: string | null; fromE164: string | null; fromRaw: string | null; source: CallSource; agentId: string; startedAt: number }) {
      insert.run(row);
    },
    setCustomer(id: string, customerId: string) {
      once(setCustomer.run(customerId, id).changes, 'attach');
    },
    startHold(id: string, at: number) {
      once(startHold.run(at, id).changes, 'hold');
    },
    endHold(id: string, holdMs: number) {
      once(endHold.run(holdMs, id).changes, 'resume');
    },
    endTalk(id: string, at: number, talkMs: number, holdMs: number) {
      once(endTalk.run(at, talkMs, holdMs, id).changes, 'end');
    },
    complete(id: string, at: number, wrapUpMs: number, dispositionCode: string, notes: string | null, satisfaction: number | null) {
      once(complete.run(at, wrapUpMs, dispositionCode, notes, satisfaction, id).changes, 'wrap-up');
    },
  };
}
