/**
 * The pull cursor: where a workstation's next page starts. Opaque to the client (base64url of a
 * small JSON object) and validated with zod when it comes back, so a damaged, hand-made or
 * foreign cursor is refused with a message rather than read as something else.
 *
 * Two phases:
 * - snapshot `{ v, s, p: 'snap', w, t, ti, k, d, n }`: copying tables `t` (SYNC_TABLES order) by
 *   key; `ti` is the table being read and `k` the last key sent from it (null: from its start);
 *   `w` is the change-log watermark taken when the snapshot started; `d` rows sent so far and `n`
 *   the row count at the start (progress); `wh` the fingerprint of the change-log entry at `w`.
 * - log `{ v, s, p: 'log', lv, h }`: every change-log version up to `lv` is reflected; `h` is the
 *   fingerprint of the entry at `lv`. A cursor whose version the store's log does not hold, or
 *   holds for another change (a store restored from a backup), is refused: start over. (`wh` and
 *   `h` are optional: cursors issued before they existed are checked against the log's head only.)
 * `s` is the store id: a cursor from another store (a rebuilt or different server) is refused.
 */
import { z } from 'zod';
import { SYNC_TABLE_NAMES, type SyncTableName } from '../../../src-shared/sync/tables';
import { storeTable } from './store-tables';

export const CURSOR_VERSION = 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const version = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** The fingerprint of the change-log entry at the cursor's version (pull-repository.ts). */
const fingerprint = z.string().regex(/^[0-9a-f]{12}$/);

const snapshotCursor = z
  .object({
    v: z.literal(CURSOR_VERSION),
    s: z.string().regex(UUID),
    p: z.literal('snap'),
    w: version,
    wh: fingerprint.optional(),
    t: z.array(z.enum(SYNC_TABLE_NAMES)).min(1).max(SYNC_TABLE_NAMES.length),
    ti: z.number().int().nonnegative(),
    k: z.array(z.string().max(256)).nullable(),
    d: version,
    n: version,
  })
  .strict()
  .superRefine((cursor, ctx) => {
    const table = cursor.t[cursor.ti];
    if (!table) {
      ctx.addIssue({ code: 'custom', message: 'table index out of range' });
      return;
    }
    if (cursor.k === null) return;
    const { keySqlTypes } = storeTable(table);
    // The key goes into SQL as a typed parameter: check its shape here so a made-up cursor is a
    // 400, not a failed cast.
    if (cursor.k.length !== keySqlTypes.length || cursor.k.some((value, i) => keySqlTypes[i] === 'uuid' && !UUID.test(value))) {
      ctx.addIssue({ code: 'custom', message: `not a key of ${table}` });
    }
  });

const logCursor = z
  .object({
    v: z.literal(CURSOR_VERSION),
    s: z.string().regex(UUID),
    p: z.literal('log'),
    lv: version,
    h: fingerprint.optional(),
  })
  .strict();

const pullCursor = z.union([snapshotCursor, logCursor]);

export type SnapshotCursor = z.infer<typeof snapshotCursor>;
export type LogCursor = z.infer<typeof logCursor>;
export type PullCursor = SnapshotCursor | LogCursor;

export function encodeCursor(cursor: PullCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export type CursorReading = { ok: true; cursor: PullCursor } | { ok: false; why: string };

/** The cursor in `text`, if it is one of ours for the store `storeId`. */
export function decodeCursor(text: string, storeId: string): CursorReading {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, why: 'it is not a cursor this store made' };
  }
  const parsed = pullCursor.safeParse(json);
  if (!parsed.success) return { ok: false, why: 'it is not a cursor this store made' };
  if (parsed.data.s.toLowerCase() !== storeId.toLowerCase()) return { ok: false, why: 'it came from another central store' };
  return { ok: true, cursor: parsed.data };
}

export function snapshotTablesInOrder(tables: readonly SyncTableName[] | undefined): SyncTableName[] {
  if (!tables) return [...SYNC_TABLE_NAMES];
  const wanted = new Set(tables);
  return SYNC_TABLE_NAMES.filter((name) => wanted.has(name));
}

