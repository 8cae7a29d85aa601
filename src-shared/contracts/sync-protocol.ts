/**
 * The sync protocol between a workstation cache and the central store (HTTP, JSON). The server
 * validates every request body with these schemas; the client parses every response with them,
 * except that it checks pull pages' rows by hand against SYNC_TABLES, cell by cell and more
 * strictly than `pullTableChanges` (src-shared/sync/pull-page-check.ts: a page holds up to 5,000
 * rows, and a zod union per cell was a measurable share of the initial sync's CPU).
 * Every response body is a result envelope (`serverOk(...)` / `serverError`, see server-auth.ts).
 *
 * Mechanisms (after Replicache and PowerSync; see README "Sync"):
 * - PULL  `POST /sync/pull`: server-owned rows in pages under an opaque cursor. A null cursor
 *   starts a snapshot of every table (or of `tables` only, for a targeted re-pull), read in key
 *   order under a change-log watermark; then the cursor follows the serialized change log from
 *   that watermark, so a row whose transaction commits late is never skipped. Deletes arrive as
 *   tombstones (keys in `deleted`). The client applies each page in one SQLite transaction
 *   together with the cursor it got with it.
 * - PUSH  `POST /sync/push`: outbox entries in mutation-id order. The server applies each in its
 *   own transaction with an atomic check-and-bump of the client's last mutation id, skips ids it
 *   has applied, stops at a gap, and records a permanent failure (the entry is rejected, the id
 *   still bumped). The client deletes an entry only once `lastMutationId` covers it.
 * - LIVE  `GET /sync/events`: server-sent events; `poke` means "there is something new to pull".
 * - CHECK `GET /sync/checksums`: per-table counts and checksums over the columns in
 *   src-shared/sync/tables.ts, to show both sides hold the same data.
 */
import { z } from 'zod';
import { text } from './text';
import { SYNC_TABLE_NAMES } from '../sync/tables';

/** Rows per pull page: the client asks for a size in this range; the server never sends more. */
export const PULL_PAGE = { min: 1, max: 5000, default: 2000 } as const;
/** Outbox entries per push request. */
export const PUSH_BATCH_MAX = 500;
/**
 * The mutation argument versions the server accepts: the current one and the one before it. The
 * mutations themselves, their names and their schemas by version are declared in src-shared/sync/mutations.
 */
export const MUTATION_SCHEMA_VERSIONS = { current: 2, oldestAccepted: 1 } as const;

const uuid = text().uuid();
const syncTableName = z.enum(SYNC_TABLE_NAMES);

// ——— Pull ———

export const pullRequest = z.object({
  /** This cache's client id (the outbox's). */
  clientId: uuid,
  /** Null: start from nothing (first sync, a reset, or a targeted re-pull with `tables`). */
  cursor: text().min(1).max(2048).nullable(),
  limit: z.number().int().min(PULL_PAGE.min).max(PULL_PAGE.max).default(PULL_PAGE.default),
  /** Only with a null cursor: snapshot just these tables (a targeted re-pull after a checksum mismatch). */
  tables: z.array(syncTableName).min(1).max(SYNC_TABLE_NAMES.length).optional(),
});
export type PullRequest = z.input<typeof pullRequest>;

/**
 * One table's part of a page: rows in the column order of src-shared/sync/tables.ts, and tombstones.
 * The client does not parse rows with this (see checkPullPage in src-shared/sync/pull-page-check.ts,
 * which also checks each cell against its column's kind); the server's responses and tests do.
 */
export const pullTableChanges = z.object({
  columns: z.array(text()),
  rows: z.array(z.array(z.union([text(), z.number(), z.boolean(), z.null()]))),
  /** Keys (see rowKey) of rows that no longer exist on the server. */
  deleted: z.array(text()),
});
export type PullTableChanges = z.infer<typeof pullTableChanges>;

export const pullResponse = z.object({
  /** Identifies the store: a client that finds a different one than its cursor came from starts over. */
  storeId: uuid,
  /** Where the next page starts; store it in the same transaction as this page's rows. */
  cursor: text(),
  /** True while there are more pages right now; false means caught up. */
  hasMore: z.boolean(),
  /** 'snapshot' while the initial (or targeted) copy runs, then 'log'. */
  phase: z.enum(['snapshot', 'log']),
  /** Which tables a snapshot covers (all, or those of a targeted re-pull). */
  snapshotTables: z.array(syncTableName).optional(),
  /** True on the page that ends a snapshot: the client may now drop rows of those tables it did not receive. */
  snapshotComplete: z.boolean(),
  changes: z.partialRecord(syncTableName, pullTableChanges),
  /** Rows sent and rows expected in this snapshot (for a progress bar); absent in the log phase. */
  progress: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).optional(),
  /** The highest change-log version this page reflects (for status and tests). */
  version: z.number().int().nonnegative(),
});
export type PullResponse = z.infer<typeof pullResponse>;

/**
 * The sentence a client shows when the store's answer does not fit this protocol: permanent (the
 * same request gets the same answer), and most likely a store of another version. `where` is the
 * path in the response (`changes.orders.rows.3`), empty for the whole answer.
 */
export function protocolMismatchMessage(where: string, detail: string): string {
  return `The central store's answer does not match this app's protocol${where ? ` at ${where}` : ''}: ${detail}. Is the store a different version?`;
}

// ——— Push ———

export const pushedMutation = z.object({
  /** The outbox's mutation id: sequential per client from 1. */
  id: z.number().int().positive(),
  name: text().min(1).max(64),
  args: z.unknown(),
  schemaVersion: z.number().int().positive(),
  /** The workstation's clock when it was saved: shown to people, never used to order anything. */
  createdAt: z.number().int(),
  /**
   * The user signed in on the workstation when it was saved (online or offline). The store checks
   * that user has signed in online on this workstation and that their role allows the mutation,
   * applies it as theirs (the rows it writes name them, whatever `agentId` the arguments carry),
   * and flags it in the audit log when the user has been disabled since. Absent on entries saved
   * before sign-in existed: those count as the workstation's last signed-in user's.
   */
  userId: uuid.optional(),
});
export type PushedMutation = z.infer<typeof pushedMutation>;

export const pushRequest = z.object({
  clientId: uuid,
  mutations: z.array(pushedMutation).min(1).max(PUSH_BATCH_MAX),
});
export type PushRequest = z.infer<typeof pushRequest>;

export const pushOutcome = z.discriminatedUnion('status', [
  z.object({ id: z.number().int(), status: z.literal('applied') }),
  /** Already applied earlier (a retry after a lost response): nothing was done twice. */
  z.object({ id: z.number().int(), status: z.literal('duplicate') }),
  /**
   * A permanent failure: recorded with its reason, the id is bumped, the queue moves on. Sent
   * again (its answer lost), it is answered `rejected` again with the same reason.
   */
  z.object({ id: z.number().int(), status: z.literal('rejected'), code: text(), message: text() }),
  /** Not looked at: it came after a gap in the ids; send the missing ones first. */
  z.object({ id: z.number().int(), status: z.literal('not_applied') }),
  /**
   * The store already settled a different write under this id (its name or time differ): the
   * workstation's cache was restored from an older copy and handed out the id again. Nothing was
   * done; give it (and the entries after it) ids above lastMutationId and send it again.
   */
  z.object({ id: z.number().int(), status: z.literal('id_reused') }),
]);
export type PushOutcome = z.infer<typeof pushOutcome>;

export const pushResponse = z.object({
  /** The highest mutation id of this client the server has settled (applied or rejected). */
  lastMutationId: z.number().int().nonnegative(),
  results: z.array(pushOutcome),
});
export type PushResponse = z.infer<typeof pushResponse>;

// ——— Checksums ———

export const tableChecksum = z.object({
  count: z.number().int().nonnegative(),
  /** Decimal text of the sum of each row's 32-bit md5 prefix (exact; no float rounding). */
  sum: text().regex(/^\d+$/),
});
export type TableChecksum = z.infer<typeof tableChecksum>;

export const checksumsResponse = z.object({
  storeId: uuid,
  /** The change-log version the figures were read at: the client compares once it has pulled up to it. */
  version: z.number().int().nonnegative(),
  tables: z.record(syncTableName, tableChecksum),
});
export type ChecksumsResponse = z.infer<typeof checksumsResponse>;

// ——— Live ———

/** The SSE event the server sends after a commit that changed synced rows: `event: poke`, data `{ version }`. */
export const pokeEvent = z.object({ version: z.number().int().nonnegative() });
export type PokeEvent = z.infer<typeof pokeEvent>;
export const POKE_EVENT = 'poke';
