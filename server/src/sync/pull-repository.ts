/**
 * The SQL behind pull. PostgreSQL writes each row as JSON text (a JSON array of the synced
 * columns, in SYNC_TABLES order, see rowJsonSql) and the route joins those texts into the response
 * unparsed: node never turns a row into objects and back. The wire types are the protocol's with no
 * per-column normalising in node (bigint and integer as numbers, boolean as true/false, uuid and
 * text as strings), on both drivers alike. One text per row rather than a `json_agg` or
 * `string_agg` of the page: measured cheaper for PostgreSQL, and for node-postgres to receive (one
 * megabyte value per page took node-postgres longer than 5,000 small ones).
 *
 * Rows are sent in ASCII: every character past U+007F is written as a JSON `\uXXXX` escape
 * (asciiRowJson). A page body with even one such character (an accented name, an "é" in a product
 * name: nearly every 5,000-row page has one) would make the whole body a two-byte string, on the
 * store when it encodes it and on the workstation when it decodes it: measured on a 1.1 MB page of
 * order lines, decoding took 3.6 ms against 0.9 ms for the same page in ASCII, JSON.parse the same.
 * Only the rows that have such a character are rewritten; the rest are passed through.
 *
 * Snapshot pages are keyset reads on the primary key (`WHERE key > last ORDER BY key LIMIT n`,
 * a row comparison for product_relations' composite key); log pages read change_log by version
 * and then the current rows of those keys with `= ANY($keys)` (one query per table).
 */
import { sql, type SQL } from 'drizzle-orm';
import { SYNC_KEY_SEPARATOR, type SyncTableName } from '../../../src-shared/sync/tables';
import type { StoreDb } from '../db/connect';
import { CHANGE_LOG_LOCK_KEY } from '../db/schema';
import { storeTable } from './store-tables';

type Rows<T> = { rows: T[] };

async function rows<T>(db: StoreDb, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as Rows<T>;
  return result.rows;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A row's JSON text with every character past U+007F written as a `\uXXXX` escape (UTF-16 code
 * units, so a character outside the BMP becomes its escaped surrogate pair): the same JSON value,
 * in ASCII. Escapes only occur inside JSON strings, where `\u` is always valid.
 */
export function asciiRowJson(json: string): string {
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_ALL, escapeChar) : json;
}

/** A column's value as JSON text, by its PostgreSQL type (SQL NULL where the value is NULL). */
function cellJsonSql(column: string, sqlType: string): string {
  switch (sqlType) {
    // A uuid's text is hex digits and dashes: nothing to escape.
    case 'uuid':
      return `'"' || ${column}::text || '"'`;
    case 'integer':
    case 'bigint':
    case 'smallint':
      return `${column}::text`;
    case 'boolean':
      return `case when ${column} then 'true' when not ${column} then 'false' end`;
    default:
      return `to_json(${column})::text`;
  }
}

/**
 * A row as the JSON text of an array of `columns`: `["…","…",1,true,null]`. The same JSON values as
 * `json_build_array(…)::text`, which PostgreSQL 15 writes ~15% slower (it looks up every argument's
 * type for every row) and with a space after each comma (~4% more bytes to send and parse).
 */
export function rowJsonSql(columns: readonly string[], sqlTypes: readonly string[]): string {
  const cells = columns.map((name, i) => `coalesce(${cellJsonSql(quote(name), sqlTypes[i] ?? 'text')}, 'null')`);
  return `'[' || ${cells.join(` || ',' || `)} || ']'`;
}

/** SQL fragments per table, built once. */
interface TableSql {
  from: SQL;
  /** The row's JSON array text (rowJsonSql) of every synced column. */
  rowJson: string;
  keyList: string;
  /** The row's key as change_log writes it (sb_row_key in the trigger migration). */
  rowKeyText: string;
}

const TABLE_SQL = new Map<SyncTableName, TableSql>();

function tableSql(name: SyncTableName): TableSql {
  let built = TABLE_SQL.get(name);
  if (!built) {
    const { sync, sqlTypes } = storeTable(name);
    const keys = sync.key.map(quote);
    built = {
      from: sql.raw(quote(name)),
      rowJson: rowJsonSql(
        sync.columns.map((c) => c.name),
        sqlTypes,
      ),
      keyList: keys.join(', '),
      rowKeyText: keys.map((k) => `${k}::text`).join(` || '${SYNC_KEY_SEPARATOR}' || `),
    };
    TABLE_SQL.set(name, built);
  }
  return built;
}

/** The store's id (store_meta), made by the migration that created the table; read once per database. */
const storeIds = new WeakMap<StoreDb, string>();
export async function readStoreId(db: StoreDb): Promise<string> {
  const known = storeIds.get(db);
  if (known) return known;
  const [row] = await rows<{ value: string }>(db, sql`select value from store_meta where key = 'store_id'`);
  if (!row) throw new Error('The central store has no store id: its migrations did not run.');
  storeIds.set(db, row.value);
  return row.value;
}

/**
 * The snapshot watermark W: every change-log version ≤ W has committed. Read under the change
 * log's advisory lock, which every writer of a synced row holds until it commits; the lock is
 * released at once (the rows themselves are read later, page by page).
 */
export async function readWatermark(db: StoreDb): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CHANGE_LOG_LOCK_KEY})`);
    const result = (await tx.execute(sql`select coalesce(max(version), 0) as v from change_log`)) as unknown as Rows<{ v: string | number }>;
    const [row] = result.rows;
    return Number(row?.v ?? 0);
  });
}

/** The newest change-log version (no lock: for figures and pokes, not for cursors). */
export async function readLatestVersion(db: StoreDb): Promise<number> {
  const [row] = await rows<{ v: string | number }>(db, sql`select coalesce(max(version), 0) as v from change_log`);
  return Number(row?.v ?? 0);
}

/** Rows in the given tables now: the snapshot's progress total. */
export async function countRows(db: StoreDb, tables: readonly SyncTableName[]): Promise<number> {
  const counts = tables.map((name) => `(select count(*) from ${quote(name)})`).join(' + ');
  const [row] = await rows<{ n: string | number }>(db, sql.raw(`select ${counts} as n`));
  return Number(row?.n ?? 0);
}

export interface RowsJson {
  /** A JSON array of rows, each an array of the synced column values in SYNC_TABLES order. */
  json: string;
  count: number;
}

export interface SnapshotRows extends RowsJson {
  /** The key of the last row read (key column values as text), or null when none was. */
  lastKey: string[] | null;
  /** Whether the table has rows after the last one read. */
  more: boolean;
}

function keyParams(name: SyncTableName, key: readonly string[]): SQL {
  const { keySqlTypes } = storeTable(name);
  return sql.join(
    key.map((value, i) => sql`${value}${sql.raw(`::${keySqlTypes[i]}`)}`),
    sql`, `,
  );
}

const afterKeySql = (name: SyncTableName, afterKey: readonly string[] | null): SQL =>
  afterKey === null ? sql`` : sql`where (${sql.raw(tableSql(name).keyList)}) > (${keyParams(name, afterKey)})`;

/**
 * Up to `limit` rows of `name` after `afterKey` (null: from the first), in key order. One row
 * more is read to learn whether the table goes on; the last key comes from the last row's own
 * JSON (the key columns lead every synced table's column list, and the order is the query's).
 */
export async function readSnapshotRows(db: StoreDb, name: SyncTableName, afterKey: readonly string[] | null, limit: number): Promise<SnapshotRows> {
  const t = tableSql(name);
  const { sync } = storeTable(name);
  const found = await rows<{ r: string }>(
    db,
    sql`select ${sql.raw(t.rowJson)} as r from ${t.from} ${afterKeySql(name, afterKey)} order by ${sql.raw(t.keyList)} limit ${limit + 1}`,
  );
  const count = Math.min(found.length, limit);
  let json = '[';
  for (let i = 0; i < count; i++) json += i === 0 ? asciiRowJson(found[i]!.r) : `,${asciiRowJson(found[i]!.r)}`;
  json += ']';
  const last = count > 0 ? (JSON.parse(found[count - 1]!.r) as unknown[]) : null;
  const lastKey = last ? sync.key.map((column) => String(last[sync.columns.findIndex((c) => c.name === column)])) : null;
  return { json, count, lastKey, more: found.length > limit };
}

/** Whether `name` has a row after `afterKey` (null: any row at all). */
export async function hasRowsAfter(db: StoreDb, name: SyncTableName, afterKey: readonly string[] | null): Promise<boolean> {
  const [row] = await rows<{ any: boolean }>(db, sql`select exists (select 1 from ${tableSql(name).from} ${afterKeySql(name, afterKey)}) as any`);
  return row?.any === true;
}

export interface ChangeLogEntry {
  version: number;
  table: string;
  rowId: string;
  /** See readChangeFingerprint. */
  fingerprint: string;
}

/**
 * A short fingerprint of one change-log entry (what changed, how and when): a cursor carries the
 * fingerprint of the entry at its version, so a store restored from a backup, which numbers its
 * new changes from the backup's version again, can tell that a cursor naming one of those numbers
 * was issued for a different change.
 */
const CHANGE_FINGERPRINT_SQL = sql.raw(`substr(md5(table_name || '|' || row_id || '|' || op || '|' || at::text), 1, 12)`);

/**
 * Up to `limit` change-log entries after `afterVersion`, in version order. Reading without the
 * lock is safe: versions commit in order (see change_log in schema.ts), so a version still being
 * written is higher than every version this can return.
 */
export async function readChangeLog(db: StoreDb, afterVersion: number, limit: number): Promise<ChangeLogEntry[]> {
  const found = await rows<{ version: string | number; table_name: string; row_id: string; fp: string }>(
    db,
    sql`select version, table_name, row_id, ${CHANGE_FINGERPRINT_SQL} as fp from change_log where version > ${afterVersion} order by version limit ${limit}`,
  );
  return found.map((r) => ({ version: Number(r.version), table: r.table_name, rowId: r.row_id, fingerprint: r.fp }));
}

/** The fingerprint of the change-log entry at `version`, or null when there is none. */
export async function readChangeFingerprint(db: StoreDb, version: number): Promise<string | null> {
  const [row] = await rows<{ fp: string }>(db, sql`select ${CHANGE_FINGERPRINT_SQL} as fp from change_log where version = ${version}`);
  return row?.fp ?? null;
}

export async function hasChangesAfter(db: StoreDb, version: number): Promise<boolean> {
  const [row] = await rows<{ any: boolean }>(db, sql`select exists (select 1 from change_log where version > ${version}) as any`);
  return row?.any === true;
}

export interface CurrentRows extends RowsJson {
  /** The keys (row_id text) of the rows found. */
  found: Set<string>;
}

/** The current rows of `name` with these keys (change-log row ids); keys not found are simply absent. */
export async function readRowsByKeys(db: StoreDb, name: SyncTableName, keys: readonly string[]): Promise<CurrentRows> {
  const t = tableSql(name);
  const { sync, keySqlTypes } = storeTable(name);
  // A key that cannot be a value of its column (not a UUID) cannot name a row: leave it out of
  // the query rather than fail the cast; the caller sends it as a tombstone.
  const columnsOfKeys: string[][] = sync.key.map(() => []);
  for (const key of keys) {
    const parts = sync.key.length === 1 ? [key] : splitKey(key, sync.key.length);
    if (!parts || parts.some((value, i) => keySqlTypes[i] === 'uuid' && !UUID.test(value))) continue;
    parts.forEach((value, i) => columnsOfKeys[i]!.push(value));
  }
  if (columnsOfKeys[0]!.length === 0) return { json: '[]', count: 0, found: new Set() };
  const where =
    sync.key.length === 1
      ? sql`${sql.raw(t.keyList)} = any(${sql.param(columnsOfKeys[0])}${sql.raw(`::${keySqlTypes[0]}[]`)})`
      : sql`(${sql.raw(t.keyList)}) in (select * from unnest(${sql.join(
          columnsOfKeys.map((values, i) => sql`${sql.param(values)}${sql.raw(`::${keySqlTypes[i]}[]`)}`),
          sql`, `,
        )}))`;
  const found = await rows<{ r: string; k: string }>(
    db,
    sql`select ${sql.raw(t.rowJson)} as r, ${sql.raw(t.rowKeyText)} as k from ${t.from} where ${where}`,
  );
  return { json: `[${found.map((row) => asciiRowJson(row.r)).join(',')}]`, count: found.length, found: new Set(found.map((row) => row.k)) };
}

/** A composite row key split into its parts; the last part keeps any separators it contains. */
function splitKey(key: string, parts: number): string[] | null {
  const values: string[] = [];
  let rest = key;
  for (let i = 0; i < parts - 1; i++) {
    const at = rest.indexOf(SYNC_KEY_SEPARATOR);
    if (at < 0) return null;
    values.push(rest.slice(0, at));
    rest = rest.slice(at + SYNC_KEY_SEPARATOR.length);
  }
  values.push(rest);
  return values;
}
