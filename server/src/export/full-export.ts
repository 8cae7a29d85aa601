/**
 * The full export for admins (issue 23, "Export, consent and erasure"): every table of the store as
 * CSV in one ZIP archive (yazl), streamed a chunk at a time from one consistent snapshot (a
 * REPEATABLE READ, read-only transaction), never a whole table in memory.
 *
 * - Every base table of the store's schema, found in the catalogue when the export runs (a table a
 *   later migration adds is exported without touching this file), one `<table>.csv` each, columns
 *   in their order, with a header line; plus `manifest.json`: when, the tables, their columns and
 *   row counts, and the columns left out.
 * - Secrets are never exported: SECRET_COLUMNS (users.password_hash, sessions.token_hash,
 *   workstations.token_hash and previous_token_hash) and, so that a table added later cannot leak
 *   one, any column whose name says password, secret, token or key hash (SECRET_NAME).
 * - The CSV is PostgreSQL's (`COPY … WITH (FORMAT csv, HEADER)`): LF line ends, a NULL an empty
 *   cell and an empty text `""`, a cell quoted when it holds a comma, a quote or a line break
 *   (quotes doubled), booleans `t`/`f`, jsonb as its text, times as the epoch milliseconds they
 *   are stored as. On PostgreSQL COPY writes it; on PGlite a cursor and `pgCsvLine` write the same.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { sql } from 'drizzle-orm';
import { ZipFile } from 'yazl';
import { to as copyTo } from 'pg-copy-streams';
import type { Store } from '../db/connect';

/** Columns never exported, by table: password hashes and token hashes. */
export const SECRET_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  users: ['password_hash'],
  sessions: ['token_hash'],
  workstations: ['token_hash', 'previous_token_hash'],
};

/** Any column named like a secret (an API key's secret or hash, a token, a password), whatever its table. */
export const SECRET_NAME = /password|secret|token_hash|(^|_)api_key|key_hash/i;

export interface ExportTable {
  name: string;
  columns: string[];
  /** Columns left out as secrets. */
  omitted: string[];
}

export interface ExportedTable extends ExportTable {
  rows: number;
}

export interface FullExportSummary {
  at: number;
  tables: ExportedTable[];
  rows: number;
}

export interface FullExportProgress {
  table: string;
  tablesDone: number;
  tables: number;
  rows: number;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const isSecret = (table: string, column: string) => (SECRET_COLUMNS[table] ?? []).includes(column) || SECRET_NAME.test(column);

type Db = Store['db'];

async function rowsOf(db: Db, query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  return ((await db.execute(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
}

/** The store's tables (its schema's base tables, by name) and the columns exported of each. */
export async function exportTables(db: Db): Promise<ExportTable[]> {
  const rows = await rowsOf(
    db,
    sql`SELECT c.table_name AS t, c.column_name AS c
          FROM information_schema.columns c
          JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, ExportTable>();
  for (const r of rows) {
    const name = String(r.t);
    const column = String(r.c);
    let table = tables.get(name);
    if (!table) tables.set(name, (table = { name, columns: [], omitted: [] }));
    (isSecret(name, column) ? table.omitted : table.columns).push(column);
  }
  return [...tables.values()].filter((t) => t.columns.length > 0);
}

/** One cell as PostgreSQL's CSV writes it (`text` the column's text output, null for NULL). */
export function pgCsvCell(text: string | null, single: boolean): string {
  if (text === null) return '';
  if (text === '' || /[",\r\n]/.test(text) || (single && text === '\\.')) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

export const pgCsvLine = (cells: readonly (string | null)[]): string => `${cells.map((c) => pgCsvCell(c, cells.length === 1)).join(',')}\n`;

/** Rows fetched at a time from PGlite's cursor. */
const PGLITE_FETCH_ROWS = 2000;

async function writeChunk(out: PassThrough, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/**
 * Writes the archive into `out` (ended when done; `beforeEnd` just before). Resolves to what was exported; rejects when the
 * database fails or `out` goes away. `onProgress` after each table and every few thousand rows.
 */
export async function writeFullExport(
  store: Store,
  out: Writable,
  options: {
    now: number;
    onProgress?: (p: FullExportProgress) => void;
    /** Called with every table written, before the archive's directory ends it (the route commits its audit entry here, so a client holding the whole file finds it). */
    beforeEnd?: (summary: FullExportSummary) => Promise<void>;
  },
): Promise<FullExportSummary> {
  const zip = new ZipFile();
  const zipOut = zip.outputStream as unknown as Readable;
  const piped = pipeline(zipOut, out);
  // A failure of the output (the client went away) must not leave the database work waiting on drain.
  let outputError: unknown;
  piped.catch((e: unknown) => (outputError = e));
  const mtime = new Date(options.now);
  const done: ExportedTable[] = [];
  let total = 0;
  const progress = (table: string, rows: number) => options.onProgress?.({ table, tablesDone: done.length, tables: tableCount, rows: total + rows });
  let tableCount = 0;

  const entry = (name: string): PassThrough => {
    const pass = new PassThrough({ highWaterMark: 256 * 1024 });
    zip.addReadStream(pass, name, { mtime, compress: true, compressionLevel: 1 });
    return pass;
  };

  const run = async (listTables: () => Promise<ExportTable[]>, copyTable: (t: ExportTable, pass: PassThrough) => Promise<number>) => {
    const tables = await listTables();
    tableCount = tables.length;
    for (const t of tables) {
      if (outputError) throw outputError;
      const pass = entry(`${t.name}.csv`);
      const rows = await copyTable(t, pass);
      done.push({ ...t, rows });
      total += rows;
      progress(t.name, 0);
    }
  };

  try {
    if (store.kind === 'postgres' && store.pool) {
      const client = await store.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await run(
          () => exportTables(store.db),
          async (t, pass) => {
            const columns = t.columns.map(quoteIdent).join(', ');
            const copy = client.query(copyTo(`COPY ${quoteIdent(t.name)} (${columns}) TO STDOUT WITH (FORMAT csv, HEADER)`));
            await pipeline(copy, pass);
            return copy.rowCount;
          },
        );
        await client.query('COMMIT');
      } catch (e) {
        broken = e as Error;
        throw e;
      } finally {
        client.release(broken);
      }
    } else {
      await store.db.transaction(async (tx) => {
        await tx.execute(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
        await run(
          () => exportTables(tx as unknown as Db),
          async (t, pass) => {
            await writeChunk(pass, pgCsvLine(t.columns));
            const select = t.columns.map((c) => `${quoteIdent(c)}::text AS ${quoteIdent(c)}`).join(', ');
            await tx.execute(sql.raw(`DECLARE full_export NO SCROLL CURSOR FOR SELECT ${select} FROM ${quoteIdent(t.name)}`));
            let rows = 0;
            for (;;) {
              if (outputError) throw outputError;
              const page = ((await tx.execute(sql.raw(`FETCH ${PGLITE_FETCH_ROWS} FROM full_export`))) as unknown as { rows: Record<string, string | null>[] }).rows;
              if (page.length === 0) break;
              let chunk = '';
              for (const r of page) chunk += pgCsvLine(t.columns.map((c) => r[c] ?? null));
              await writeChunk(pass, chunk);
              rows += page.length;
              if (rows % 20_000 < PGLITE_FETCH_ROWS) progress(t.name, rows);
              if (page.length < PGLITE_FETCH_ROWS) break;
            }
            await tx.execute(sql.raw('CLOSE full_export'));
            pass.end();
            return rows;
          },
        );
      });
    }
    const summary: FullExportSummary = { at: options.now, tables: done, rows: total };
    const manifest = {
      format: 'switchboard-full-export/1',
      exportedAt: new Date(options.now).toISOString(),
      csv: 'PostgreSQL CSV: header line, LF line ends, NULL as an empty cell, an empty text as "", booleans t/f, times in epoch milliseconds',
      rows: total,
      tables: done.map((t) => ({ name: t.name, file: `${t.name}.csv`, rows: t.rows, columns: t.columns, secretColumnsLeftOut: t.omitted })),
    };
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), 'manifest.json', { mtime, compress: true });
    await options.beforeEnd?.(summary);
    zip.end();
    await piped;
    return summary;
  } catch (e) {
    zipOut.destroy(e as Error);
    out.destroy(e as Error);
    throw e;
  }
}

/** The audit entry's sentence: counts per table, no customer data. */
export function fullExportDetail(summary: { tables: readonly ExportedTable[]; rows: number }, complete: boolean): string {
  const counts = summary.tables.map((t) => `${t.name} ${t.rows}`).join(', ');
  return `${complete ? 'Full export' : 'Full export interrupted'}: ${summary.tables.length} tables, ${summary.rows} rows (${counts}).`;
}
