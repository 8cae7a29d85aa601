/**
 * Checks a pull page (`POST /sync/pull`) as the client receives it, without zod per cell.
 *
 * An initial sync brings ~19 million rows in pages of up to 5,000; parsing every cell through
 * `pullTableChanges`' four-way union cost ~200 million union checks, a measurable share of the
 * sync thread's CPU. Here zod still checks the page's envelope fields (cursor, phase, progress,
 * the table names, `columns`, `deleted`...), and one plain loop checks the rows, more strictly
 * than the union did:
 * - `columns` must be exactly that table's column names in src-shared/sync/tables.ts, in order
 *   (otherwise the app and the store are different versions, and the cells would land in the
 *   wrong columns);
 * - every row is an array of exactly that many cells;
 * - every cell is null or of its column's kind: `text` a string, `int` an integer number, `bool`
 *   a boolean (tables.ts lets any column be null: NOT NULL is the databases' business).
 * The first thing wrong is reported by table, row index and column.
 */
import { z } from 'zod';
import { SYNC_TABLES, SYNC_TABLE_NAMES, type SyncColumnKind, type SyncTableName } from './tables';
import { protocolMismatchMessage, pullResponse, type PullResponse } from '../contracts/sync-protocol';

/**
 * The page with each table's rows left to checkPullPage: the same fields as `pullResponse`
 * (extended from it, so the two cannot drift), but `rows` only has to be an array here.
 */
export const pullPageShape = pullResponse.extend({
  changes: z.partialRecord(
    z.enum(SYNC_TABLE_NAMES),
    z.object({
      columns: z.array(z.string()),
      // z.custom rather than z.array(z.unknown()): the same array, not a copy of 5,000 references.
      rows: z.custom<unknown[]>((v) => Array.isArray(v), 'Invalid input: expected an array of rows'),
      deleted: z.array(z.string()),
    }),
  ),
});

export type PullPageCheck = { ok: true; value: PullResponse } | { ok: false; message: string };

const KIND_TEXT = 0;
const KIND_INT = 1;
const KIND_BOOL = 2;
const KIND_CODE: Record<SyncColumnKind, number> = { text: KIND_TEXT, int: KIND_INT, bool: KIND_BOOL };
const EXPECTED: Record<SyncColumnKind, string> = { text: 'a string', int: 'an integer', bool: 'a boolean' };

interface TableLayout {
  names: readonly string[];
  kinds: readonly SyncColumnKind[];
  /** `kinds` as small integers, for the per-cell loop. */
  codes: Uint8Array;
}

const LAYOUTS = new Map<SyncTableName, TableLayout>(
  SYNC_TABLES.map((table) => [
    table.name,
    {
      names: table.columns.map((c) => c.name),
      kinds: table.columns.map((c) => c.kind),
      codes: Uint8Array.from(table.columns, (c) => KIND_CODE[c.kind]),
    },
  ]),
);

/** Checks `value` (the envelope's `value`) as a pull page; on success it is the page, unchanged except for zod's stripping of unknown keys. */
export function checkPullPage(value: unknown): PullPageCheck {
  const parsed = pullPageShape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: protocolMismatchMessage(issue ? issue.path.join('.') : '', issue?.message ?? 'invalid') };
  }
  const page = parsed.data;
  for (const name of Object.keys(page.changes) as SyncTableName[]) {
    const part = page.changes[name];
    if (part === undefined) continue;
    const problem = checkTablePart(name, part.columns, part.rows);
    if (problem !== null) return { ok: false, message: problem };
  }
  // Every row is now an array of cells of the right kinds: the shape `pullResponse` describes.
  return { ok: true, value: page as PullResponse };
}

/** Null when `columns` and every row fit the table; otherwise the message for the first thing wrong. */
function checkTablePart(name: SyncTableName, columns: readonly string[], rows: readonly unknown[]): string | null {
  const layout = LAYOUTS.get(name);
  if (layout === undefined) return protocolMismatchMessage(`changes.${name}`, `this app has no table ${name}`);
  const { names, codes } = layout;
  const width = names.length;
  if (columns.length !== width || columns.some((c, i) => c !== names[i])) {
    return (
      `The central store sent ${name} with columns (${columns.join(', ')}), but this app expects (${names.join(', ')}): ` +
      'the app and the store are different versions. Update Switchboard or the store so both are the same version.'
    );
  }
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row)) return protocolMismatchMessage(`changes.${name}.rows.${r}`, `row ${r} of ${name} is ${describeValue(row)}, not an array of ${width} cells`);
    if (row.length !== width) return protocolMismatchMessage(`changes.${name}.rows.${r}`, `row ${r} of ${name} has ${row.length} cells; ${name} has ${width} columns`);
    for (let c = 0; c < width; c++) {
      const cell: unknown = row[c];
      if (cell === null) continue;
      const code = codes[c];
      const fits =
        code === KIND_TEXT ? typeof cell === 'string' : code === KIND_INT ? typeof cell === 'number' && Number.isInteger(cell) : typeof cell === 'boolean';
      if (!fits) {
        const kind = layout.kinds[c]!;
        return protocolMismatchMessage(
          `changes.${name}.rows.${r}`,
          `row ${r} of ${name}, column ${names[c]} (${kind}): expected ${EXPECTED[kind]} or null, found ${describeValue(cell)}`,
        );
      }
    }
  }
  return null;
}

/** What a wrong value is, for a person: its type and (shortened) value. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a value of type ${typeof value}`;
}
