/**
 * The audit log (issue 5): who did what, when. `recordAudit` appends one entry in whatever
 * transaction it is given, so an entry about a write commits or rolls back with that write. The
 * table is append-only (a trigger refuses UPDATE and DELETE: server/drizzle/0004_…sql).
 */
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { AuditAction, AuditEntry, AuditPage, AuditQuery } from '../../../src-shared/contracts/admin';
import type { StoreDb } from '../db/connect';
import { auditLog } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

/** A detail is a sentence, never an unbounded echo of what a client sent. */
const DETAIL_MAX = 1000;

export interface NewAuditEntry {
  /** The store's clock (epoch ms). */
  at: number;
  action: AuditAction;
  userId?: string | null;
  username?: string | null;
  workstationId?: string | null;
  workstationName?: string | null;
  subject?: string | null;
  detail: string;
  /** A workstation's own id for an event it recorded offline: recording it again does nothing. */
  eventId?: string;
}

/** Appends one entry; false when `eventId` was recorded before (nothing written). */
export async function recordAudit(db: StoreDb | StoreTx, entry: NewAuditEntry): Promise<boolean> {
  const rows = await db
    .insert(auditLog)
    .values({
      at: entry.at,
      action: entry.action,
      userId: entry.userId ?? null,
      username: entry.username ?? null,
      workstationId: entry.workstationId ?? null,
      workstationName: entry.workstationName ?? null,
      subject: entry.subject ?? null,
      detail: entry.detail.slice(0, DETAIL_MAX),
      eventId: entry.eventId ?? null,
    })
    .onConflictDoNothing({ target: auditLog.eventId })
    .returning({ seq: auditLog.seq });
  return rows.length > 0;
}

/** One page of the log, newest first, filtered as the query says. */
export async function readAuditPage(db: StoreDb, query: AuditQuery): Promise<AuditPage> {
  const where: SQL[] = [];
  if (query.action !== undefined) where.push(eq(auditLog.action, query.action));
  if (query.username !== undefined) where.push(eq(auditLog.username, query.username));
  if (query.workstationId !== undefined) where.push(eq(auditLog.workstationId, query.workstationId));
  if (query.from !== undefined) where.push(gte(auditLog.at, query.from));
  if (query.to !== undefined) where.push(lt(auditLog.at, query.to));
  if (query.before !== undefined) where.push(lt(auditLog.seq, query.before));
  const rows = await db
    .select({
      seq: auditLog.seq,
      at: auditLog.at,
      action: auditLog.action,
      userId: auditLog.userId,
      username: auditLog.username,
      workstationId: auditLog.workstationId,
      workstationName: auditLog.workstationName,
      subject: auditLog.subject,
      detail: auditLog.detail,
    })
    .from(auditLog)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(auditLog.seq))
    .limit(query.limit + 1);
  const entries: AuditEntry[] = rows.slice(0, query.limit);
  const nextBefore = rows.length > query.limit ? (entries.at(-1)?.seq ?? null) : null;
  return { entries, nextBefore };
}
