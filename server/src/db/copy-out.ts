/**
 * `COPY (query) TO STDOUT WITH (FORMAT csv)` on PostgreSQL (pg-copy-streams), for the exports
 * (issues 22 and 23): the database formats and quotes every cell and the bytes flow to the client
 * a chunk at a time, with backpressure, so the store's memory stays bounded and its CPU is spent
 * on nothing but passing buffers on.
 *
 * COPY takes no bind parameters: `inlineSql` writes each parameter as a quoted literal of unknown
 * type ('…', quotes doubled, standard_conforming_strings on), which PostgreSQL resolves from its
 * context exactly as it resolves an untyped parameter.
 *
 * PostgreSQL's CSV ends records with "\n"; `CrlfRecords` turns each record's end (a line feed
 * outside quotes) into "\r\n" as RFC 4180 and the app's own CSV writer do, leaves line breaks
 * inside quoted cells alone, and counts the records.
 */
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

type Scalar = string | number | boolean | null;

/** A parameter as an SQL literal of unknown type. */
export function sqlLiteral(value: Scalar): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('Only finite numbers can be written into SQL.');
  const text = String(value);
  if (text.includes('\0')) throw new RangeError('A text with a NUL character cannot be written into SQL.');
  return `'${text.replace(/'/g, "''")}'`;
}

/** Compiled chunks (text and parameters) as one SQL text with the parameters inlined. */
export function inlineSql(chunks: readonly ({ text: string } | { param: unknown })[]): string {
  return chunks.map((c) => ('text' in c ? c.text : sqlLiteral(c.param as Scalar))).join('');
}

const LF = 0x0a;
const QUOTE = 0x22;
const CRLF = Buffer.from('\r\n');

/** "\n" ending a record → "\r\n"; a line feed inside a quoted cell is kept. Counts the records. */
export class CrlfRecords extends Transform {
  records = 0;
  private quoted = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const parts: Buffer[] = [];
    let start = 0;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (!this.quoted) {
        // Outside quotes: the next line feed ends a record unless a quote comes first.
        const lf = chunk.indexOf(LF, i);
        const q = chunk.indexOf(QUOTE, i);
        if (lf === -1 && q === -1) break;
        if (q !== -1 && (lf === -1 || q < lf)) {
          this.quoted = true;
          i = q + 1;
          continue;
        }
        parts.push(chunk.subarray(start, lf), CRLF);
        this.records++;
        start = lf + 1;
        i = lf + 1;
      } else {
        // Inside quotes: a doubled quote is two toggles, so the next quote simply closes.
        const q = chunk.indexOf(QUOTE, i);
        if (q === -1) break;
        this.quoted = false;
        i = q + 1;
      }
    }
    if (start === 0) {
      done(null, chunk);
      return;
    }
    if (start < n) parts.push(chunk.subarray(start));
    done(null, Buffer.concat(parts));
  }
}

/**
 * Streams `COPY (<query>) TO STDOUT WITH (FORMAT csv)` into `out` (CRLF record ends), on a client
 * of its own in a read-only transaction (`setup` statements first, e.g. SET LOCAL). Resolves to
 * the records written; rejects when the query fails or `out` goes away (the client is then
 * dropped, not returned to the pool in the middle of a COPY).
 */
export async function copyCsvOut(pool: pg.Pool, query: string, out: Writable, options: { setup?: readonly string[]; end?: boolean; counter?: CrlfRecords } = {}): Promise<number> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const records = options.counter ?? new CrlfRecords();
  try {
    await client.query('BEGIN READ ONLY');
    for (const statement of options.setup ?? []) await client.query(statement);
    const source = client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv)`));
    await pipeline(source, records, out, { end: options.end ?? true });
    await client.query('COMMIT');
    return records.records;
  } catch (e) {
    broken = e as Error;
    throw e;
  } finally {
    client.release(broken);
  }
}
