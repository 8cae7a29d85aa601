/**
 * PageApplier: the repository that writes pulled pages into the cache (issue 4): per-table upserts
 * and tombstones, composed with the pull cursor (pull-cursor.ts, stored in the same transaction as
 * the page it came with, so a crash between pages resumes exactly where the cache is), snapshot
 * tracking (snapshot-tracking.ts) and cascades (cascades.ts).
 *
 * Rules (see README "Sync" and src-shared/sync/tables.ts):
 * - One IMMEDIATE transaction per page, with foreign keys not enforced while it applies: pages
 *   carry each row's CURRENT state, so a row can arrive before the row it references (a call
 *   logged, its customer created later, the call then attached to that customer: the page covering
 *   the call's first change already names the customer, who comes in a later page; a snapshot has
 *   the same across tables). The store keeps its references whole, and the cache converges on it
 *   page by page; checking per page would instead stop sync for good on such a page. Deletes go in
 *   reverse SYNC_TABLES order, then upserts in order. Booleans are bound as 1/0.
 * - Upserts are `INSERT … ON CONFLICT(<key>) DO UPDATE … WHERE <something differs>`: a row's
 *   rowid never changes (the FTS index of customer names points at customers.row_id, and the
 *   co-purchase miner's watermark at orders' rowids), unchanged rows are not rewritten, and the
 *   customers_fts_au trigger (drizzle/0001) re-indexes the name whenever an update sets it.
 * - Rows written by queued outbox entries are skipped (PendingWrites).
 * - A snapshot (first sync, reset, or a targeted re-pull) records the keys it received; on its
 *   last page, rows of tracked tables it did not receive, and that no queued write protects, are
 *   deleted (SnapshotTracking).
 * - Deleting a row first deals with local rows that reference it (FKs without ON DELETE CASCADE):
 *   unprotected dependents are removed or detached; a row still referenced by a protected one is
 *   kept, so the page always commits (Cascades).
 */
import type Database from 'better-sqlite3';
import { SYNC_TABLES, rowKey, type SyncTable, type SyncTableName } from '../../../src-shared/sync/tables';
import type { PullResponse } from '../../../src-shared/contracts/sync-protocol';
import { PendingWrites } from './pending-writes';
import { ALL_DEFERRABLE, buildDeferredIndexes, deferIndexes, deferredIndexNames, type DeferredGroup } from '../db/deferred-indexes';
import { PullCursor, type StoredCursor } from './pull-cursor';
import { SnapshotTracking, type SnapshotPlan, type UnreceivedRow } from './snapshot-tracking';
import { Cascades } from './cascades';
import { CODE_LISTS, OTHER_UNIQUE } from './synced-references';
import { q, rowKeySql } from './synced-sql';

export type { StoredCursor } from './pull-cursor';
export type { SnapshotPlan } from './snapshot-tracking';

export interface ApplyOptions {
  /** The running snapshot, when the page belongs to one. */
  snapshot: SnapshotPlan | null;
  /** Store the page's cursor (the main pull); a targeted re-pull keeps its cursor in memory. */
  saveCursor: boolean;
}

export interface ApplyOutcome {
  /** Rows inserted, changed or deleted. */
  changed: number;
  changedTables: SyncTableName[];
  /** Rows (and tombstones) skipped because a queued local write protects them. */
  protectedSkips: number;
  received: number;
}

export class SyncProtocolError extends Error {
  override name = 'SyncProtocolError';
}

type Row = (string | number | boolean | null)[];
const CONTACT_TABLES = new Set<SyncTableName>(['customer_phones', 'customer_emails', 'customer_addresses']);
/** Old v1 creates gave the workstation's phone/email rows ids the store does not share: same customer, same value, other id ⇒ the same row. */
const SAME_VALUE_COLUMN: Partial<Record<SyncTableName, string>> = { customer_phones: 'e164', customer_emails: 'email' };

/** Rows per upsert statement (SQLite allows 32,766 parameters; the widest table has 16 columns). */
const UPSERT_BATCH = 64;

interface TablePlan {
  table: SyncTable;
  names: string[];
  upsert: Database.Statement;
  /** The same upsert for UPSERT_BATCH rows at once. */
  upsertBatch: Database.Statement;
  keyIdx: number[];
  boolIdx: number[];
  /** Index of customer_id in contact tables, else -1. */
  customerIdx: number;
  deleteByKey: Database.Statement;
  sameValue?: { column: number; remove: Database.Statement; candidates: Database.Statement };
  codeList?: { column: number; add: Database.Statement; known: Set<string> };
  otherUnique: { columns: number[]; find: Database.Statement }[];
}

export class PageApplier {
  private readonly plans = new Map<SyncTableName, TablePlan>();
  private readonly cursor: PullCursor;
  private readonly snapshots: SnapshotTracking;
  private readonly cascades: Cascades;
  private readonly outboxFingerprint: Database.Statement;
  private pending: PendingWrites = PendingWrites.none;
  private pendingFingerprint = '';

  constructor(private readonly client: Database.Database) {
    for (const table of SYNC_TABLES) this.plans.set(table.name, this.plan(table));
    this.cursor = new PullCursor(client);
    this.snapshots = new SnapshotTracking(client);
    this.cascades = new Cascades(client);
    this.outboxFingerprint = client.prepare(`SELECT count(*) || ':' || coalesce(max(mutation_id), 0) FROM outbox`).pluck();
  }

  private plan(table: SyncTable): TablePlan {
    const names = table.columns.map((c) => c.name);
    const cols = names.map(q).join(', ');
    const marks = names.map(() => '?').join(', ');
    const keySet = new Set(table.key);
    const rest = names.filter((n) => !keySet.has(n));
    const conflict = table.key.map(q).join(', ');
    const onConflict =
      rest.length === 0
        ? `ON CONFLICT (${conflict}) DO NOTHING`
        : `ON CONFLICT (${conflict}) DO UPDATE SET ` +
          rest.map((n) => `${q(n)} = excluded.${q(n)}`).join(', ') +
          ` WHERE ` +
          rest.map((n) => `${q(table.name)}.${q(n)} IS NOT excluded.${q(n)}`).join(' OR ');
    const upsertSql = (rows: number) => `INSERT INTO ${q(table.name)} (${cols}) VALUES ${Array(rows).fill(`(${marks})`).join(', ')} ${onConflict}`;
    const keyExpr = rowKeySql(table);
    const plan: TablePlan = {
      table,
      names,
      upsert: this.client.prepare(upsertSql(1)),
      upsertBatch: this.client.prepare(upsertSql(UPSERT_BATCH)),
      keyIdx: table.key.map((k) => names.indexOf(k)),
      boolIdx: table.columns.flatMap((c, i) => (c.kind === 'bool' ? [i] : [])),
      customerIdx: CONTACT_TABLES.has(table.name) ? names.indexOf('customer_id') : -1,
      deleteByKey: this.client.prepare(`DELETE FROM ${q(table.name)} WHERE ${keyExpr} IN (SELECT value FROM json_each(?))`),
      otherUnique: (OTHER_UNIQUE[table.name] ?? []).map((columns) => ({
        columns: columns.map((c) => names.indexOf(c)),
        find: this.client.prepare(`SELECT ${keyExpr} FROM ${q(table.name)} WHERE ${columns.map((c) => `${q(c)} = ?`).join(' AND ')} AND ${keyExpr} <> ?`).pluck(),
      })),
    };
    const same = SAME_VALUE_COLUMN[table.name];
    if (same) {
      plan.sameValue = {
        column: names.indexOf(same),
        remove: this.client.prepare(`DELETE FROM ${q(table.name)} WHERE customer_id = ? AND ${q(same)} = ? AND id <> ?`),
        candidates: this.client.prepare(`SELECT id FROM ${q(table.name)} WHERE customer_id = ? AND ${q(same)} = ? AND id <> ?`).pluck(),
      };
    }
    const codes = CODE_LISTS[table.name];
    if (codes) {
      plan.codeList = {
        column: names.indexOf(codes.column),
        add: this.client.prepare(`INSERT INTO ${q(codes.list)} (code, label, active, sort) VALUES (?, ?, 0, 1000) ON CONFLICT(code) DO NOTHING`),
        known: new Set(this.client.prepare(`SELECT code FROM ${q(codes.list)}`).pluck().all() as string[]),
      };
    }
    return plan;
  }

  // ——— The cursor ———

  readCursor(): StoredCursor {
    return this.cursor.read();
  }

  /**
   * The main copy under way, as the cache holds it: its progress when the stored cursor is in the
   * middle of a snapshot, else null (no copy, or it has finished and handed over to the log).
   */
  storedCopy(): { done: number; total: number } | null {
    return this.cursor.storedCopy();
  }

  /** Forgets where the pull was (a reset): the next pull starts a snapshot. The outbox is not touched. */
  clearCursor(): void {
    this.cursor.clear();
  }

  /**
   * Prepares a snapshot of `tables`: tables that hold rows now track the keys it receives
   * (SnapshotTracking); empty tables need none, and get their indexes built after their rows.
   */
  beginSnapshot(tables: readonly SyncTableName[]): SnapshotPlan {
    const plan = this.snapshots.begin(tables);
    const { tracked } = plan;
    // Indexes an earlier copy left unbuilt, on tables that now hold rows (a copy that starts over):
    // this snapshot reads those tables by them (rows it did not receive, their dependents), so build
    // them first. Then empty tables get their indexes built after their rows instead of during them.
    const withRows = (table: string) => tracked.has(table as SyncTableName);
    if (deferredIndexNames(this.client).some((index) => Object.entries(ALL_DEFERRABLE).some(([table, names]) => names.includes(index) && withRows(table)))) {
      this.buildDeferredIndexes();
    }
    deferIndexes(
      this.client,
      tables.filter((t) => !tracked.has(t)),
    );
    return plan;
  }

  /** Builds what a first copy deferred (db/deferred-indexes.ts): one group, or both. */
  buildDeferredIndexes(group?: DeferredGroup): string[] {
    return buildDeferredIndexes(this.client, undefined, group);
  }

  /** False while order tables still lack indexes a copy deferred: order history is still arriving. */
  orderHistoryReady(): boolean {
    return deferredIndexNames(this.client, 'orderHistory').length === 0;
  }

  /** False while the contact tables' indexes or the name search are still to be built: the directory is arriving. */
  directoryReady(): boolean {
    return deferredIndexNames(this.client, 'directory').length === 0;
  }

  /** Which outbox entries are queued, read again only when the outbox changed (inside the page's transaction). */
  private refreshPending(): void {
    const fingerprint = this.outboxFingerprint.get() as string;
    if (fingerprint === this.pendingFingerprint) return;
    this.pending = fingerprint.startsWith('0:') ? PendingWrites.none : PendingWrites.load(this.client);
    this.pendingFingerprint = fingerprint;
  }

  /** The rows queued writes protect, as of now (for tests and status). */
  pendingWrites(): PendingWrites {
    this.refreshPending();
    return this.pending;
  }

  // ——— Applying a page ———

  /** Applies one pulled page and (for the main pull) its cursor, in one transaction. */
  apply(page: PullResponse, options: ApplyOptions): ApplyOutcome {
    return this.applyPages([page], options);
  }

  /**
   * Applies consecutive pages of one phase in one transaction, with the last one's cursor: each page
   * is still atomic with its cursor, and the initial copy commits (and rewrites the index pages its
   * random keys touch) a few times less often.
   */
  applyPages(pages: readonly PullResponse[], options: ApplyOptions): ApplyOutcome {
    const outcome: ApplyOutcome = { changed: 0, changedTables: [], protectedSkips: 0, received: 0 };
    const changedTables = new Set<SyncTableName>();
    const last = pages[pages.length - 1];
    if (!last) return outcome;
    const run = this.client.transaction(() => {
      this.refreshPending();
      for (const page of pages) this.applyOne(page, options.snapshot, outcome, changedTables);
      if (options.saveCursor) this.cursor.save(last, options.snapshot);
    });
    // foreign_keys can only change outside a transaction; this connection is the sync thread's alone.
    const enforced = this.client.pragma('foreign_keys', { simple: true }) === 1;
    if (enforced) this.client.pragma('foreign_keys = OFF');
    try {
      // IMMEDIATE: the queued writes read above stay the queued writes until this commits.
      run.immediate();
    } finally {
      if (enforced) this.client.pragma('foreign_keys = ON');
    }
    outcome.changedTables = [...changedTables];
    return outcome;
  }

  private applyOne(page: PullResponse, snapshot: SnapshotPlan | null, outcome: ApplyOutcome, changedTables: Set<SyncTableName>): void {
    // Tombstones first, children before parents.
    for (let i = SYNC_TABLES.length - 1; i >= 0; i--) {
      const table = SYNC_TABLES[i] as SyncTable;
      const part = page.changes[table.name];
      if (!part || part.deleted.length === 0) continue;
      const keys = this.unprotectedForDelete(table.name, part.deleted, outcome);
      outcome.changed += this.cascades.remove(table.name, keys, this.pending, changedTables);
    }

    for (const table of SYNC_TABLES) {
      const part = page.changes[table.name];
      if (!part || part.rows.length === 0) continue;
      const plan = this.plans.get(table.name) as TablePlan;
      if (part.columns.length !== plan.names.length || part.columns.some((c, i) => c !== plan.names[i])) {
        throw new SyncProtocolError(
          `The central store sent ${table.name} with columns (${part.columns.join(', ')}), but this app expects (${plan.names.join(', ')}). Update Switchboard or the store so both are the same version.`,
        );
      }
      const changed = this.upsertRows(plan, part.rows as Row[], page.phase === 'snapshot' ? snapshot : null, outcome);
      if (changed > 0) changedTables.add(table.name);
      outcome.changed += changed;
    }

    if (page.snapshotComplete && snapshot) outcome.changed += this.finishSnapshot(snapshot, changedTables);
  }

  private upsertRows(plan: TablePlan, rows: Row[], snapshot: SnapshotPlan | null, outcome: ApplyOutcome): number {
    const name = plan.table.name;
    const pending = this.pending;
    const checkRows = pending.hasRows(name);
    const checkSets = plan.customerIdx >= 0 && pending.hasContactSets(name);
    const seen = snapshot?.tracked.has(name) ? this.snapshots.recorder(name) : null;
    const singleKey = plan.keyIdx.length === 1 ? (plan.keyIdx[0] as number) : -1;
    // Old v1 phone/email rows can only be in a table that held rows when the snapshot began (or
    // be met in the log): a snapshot into an empty table skips that lookup, one statement a row.
    const dedupe = plan.sameValue !== undefined && !(snapshot !== null && !snapshot.tracked.has(name));
    const keyOf = (row: Row) => (singleKey >= 0 ? String(row[singleKey]) : rowKey(plan.keyIdx.map((i) => row[i])));
    let changed = 0;
    // Rows go in groups of UPSERT_BATCH per statement (fewer round trips into SQLite); a group that
    // hits another UNIQUE constraint is undone by SQLite (statement atomicity) and redone row by row.
    const group: Row[] = [];
    const values: unknown[] = [];
    const flush = () => {
      if (group.length === UPSERT_BATCH) {
        try {
          changed += plan.upsertBatch.run(values).changes;
        } catch (e) {
          if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
          for (const row of group) changed += this.upsertOne(plan, row, keyOf(row), outcome);
        }
      } else {
        for (const row of group) changed += this.upsertOne(plan, row, keyOf(row), outcome);
      }
      if (dedupe) for (const row of group) changed += this.removeSameValue(plan, row, keyOf(row));
      group.length = 0;
      values.length = 0;
    };
    for (const row of rows) {
      outcome.received++;
      for (const i of plan.boolIdx) {
        const v = row[i];
        if (typeof v === 'boolean') row[i] = v ? 1 : 0;
      }
      if (seen || checkRows) {
        const key = keyOf(row);
        if (seen) seen.run(key);
        if (checkRows && pending.isRowProtected(name, key)) {
          outcome.protectedSkips++;
          continue;
        }
      }
      if (checkSets && pending.isContactSetProtected(name, row[plan.customerIdx])) {
        outcome.protectedSkips++;
        continue;
      }
      if (plan.codeList) this.ensureCode(plan.codeList, row[plan.codeList.column]);
      group.push(row);
      for (const v of row) values.push(v);
      if (group.length === UPSERT_BATCH) flush();
    }
    flush();
    return changed;
  }

  private upsertOne(plan: TablePlan, row: Row, key: string, outcome: ApplyOutcome): number {
    try {
      return plan.upsert.run(row as unknown[]).changes;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE' || plan.otherUnique.length === 0) throw e;
    }
    // Another local row holds this SKU / order number / (call, product): the store's row wins
    // unless a queued write protects the local one.
    for (const unique of plan.otherUnique) {
      const values = unique.columns.map((i) => row[i]);
      if (values.some((v) => v === null)) continue;
      const clashing = unique.find.all(...values, key) as string[];
      const free = clashing.filter((k) => !this.pending.isRowProtected(plan.table.name, k));
      if (free.length < clashing.length) {
        outcome.protectedSkips++;
        return 0;
      }
      this.cascades.remove(plan.table.name, free, this.pending, new Set());
    }
    return plan.upsert.run(row as unknown[]).changes;
  }

  private removeSameValue(plan: TablePlan, row: Row, key: string): number {
    const same = plan.sameValue;
    if (!same) return 0;
    const customerId = row[plan.customerIdx];
    const value = row[same.column];
    if (this.pending.hasRows(plan.table.name)) {
      const ids = (same.candidates.all(customerId, value, key) as string[]).filter((id) => !this.pending.isRowProtected(plan.table.name, id));
      if (ids.length === 0) return 0;
      return plan.deleteByKey.run(JSON.stringify(ids)).changes;
    }
    return same.remove.run(customerId, value, key).changes;
  }

  private ensureCode(list: NonNullable<TablePlan['codeList']>, code: unknown): void {
    if (typeof code !== 'string' || list.known.has(code)) return;
    // A code another workstation's list has and ours lacks: keep the row, add the code as inactive
    // (not offered here) so the reference holds.
    list.add.run(code, code);
    list.known.add(code);
  }

  /** Tombstone keys minus those a queued write protects. */
  private unprotectedForDelete(table: SyncTableName, keys: readonly string[], outcome: ApplyOutcome): string[] {
    const pending = this.pending;
    const checkSets = CONTACT_TABLES.has(table) && pending.hasContactSets(table);
    const customerOf = checkSets ? this.client.prepare(`SELECT customer_id FROM ${q(table)} WHERE id = ?`).pluck() : null;
    const result: string[] = [];
    for (const key of keys) {
      if (pending.isRowProtected(table, key) || (customerOf && pending.isContactSetProtected(table, customerOf.get(key)))) {
        outcome.protectedSkips++;
        continue;
      }
      result.push(key);
    }
    return result;
  }

  /** The last page of a snapshot: rows of tracked tables that did not come, and are not protected, go. */
  private finishSnapshot(snapshot: SnapshotPlan, changedTables: Set<SyncTableName>): number {
    return this.snapshots.finish(snapshot, CONTACT_TABLES, (table: SyncTableName, rows: UnreceivedRow[]) => {
      const withCustomer = CONTACT_TABLES.has(table);
      const unreceived = rows.filter((r) => !this.pending.isRowProtected(table, r.k) && !(withCustomer && this.pending.isContactSetProtected(table, r.c))).map((r) => r.k);
      return this.cascades.remove(table, unreceived, this.pending, changedTables);
    });
  }
}
