/**
 * Reading an import file as a stream of records (issue 23): CSV through csv-parse (the csv
 * project's streaming parser), JSON as JSON lines or as one array of objects. Nothing holds the
 * whole file: records are yielded as the bytes arrive, so a file of any length reads in bounded
 * memory.
 *
 * Every record carries the line it starts on (the header is line 1 of a CSV file) and its fields
 * as strings keyed by the header's (lower-cased, trimmed) column names; `original` is what the
 * error file writes back (the CSV fields, or the JSON object) with an `_errors` column added.
 */
import { parse } from 'csv-parse';
import type { Readable, Transform } from 'node:stream';

export type ImportFormat = 'csv' | 'json';

export interface ImportRecord {
  /** The line of the file the record starts on (1-based). */
  line: number;
  /** Field values by lower-cased column name; JSON arrays are joined with ";" and other values stringified. */
  fields: Record<string, string>;
  /** The record as it was in the file: CSV fields in header order, or the JSON object. */
  original: string[] | Record<string, unknown>;
}

/** A record the reader could not make out (broken quoting, invalid JSON): refused with its line, never half-read. */
export interface UnreadableRecord {
  line: number;
  unreadable: string;
  /** The text of the broken record where the reader kept it (JSON), else null. */
  text: string | null;
}

export type ReadItem = ImportRecord | UnreadableRecord;

/** A file that cannot be read at all (no header, an array that never closes): the import stops. */
export class ImportFileError extends Error {}

export interface CsvHeader {
  /** The header's columns as written in the file. */
  columns: string[];
}

/** The format a file name or content type says, or undefined. */
export function formatOf(nameOrType: string): ImportFormat | undefined {
  const t = nameOrType.toLowerCase();
  if (t.endsWith('.csv') || t.includes('text/csv')) return 'csv';
  if (t.endsWith('.json') || t.endsWith('.jsonl') || t.endsWith('.ndjson') || t.includes('json')) return 'json';
  return undefined;
}

const columnKey = (name: string) => name.replace(/^\uFEFF/, '').trim().toLowerCase();

/**
 * CSV records. The first record is the header; `onHeader` receives it before any record. A
 * record with another number of fields than the header is yielded as unreadable (its line kept).
 */
export async function* readCsv(input: Readable, onHeader: (header: CsvHeader) => void): AsyncGenerator<ReadItem> {
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, max_record_size: 1024 * 1024 });
  const skipped: UnreadableRecord[] = [];
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ line: err.lines ?? 0, unreadable: `This line is not readable CSV (${err.message.replace(/^Invalid [^:]*: /, '')}).`, text: null });
  });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  let header: string[] | null = null;
  for await (const item of drain<{ record: string[]; info: { lines: number } }>(parser)) {
    while (skipped.length > 0) yield skipped.shift()!;
    const { record, info } = item;
    // The line the record ends on minus the line breaks inside it: where it starts.
    const line = info.lines - countBreaks(record);
    if (header === null) {
      header = record.map(columnKey);
      onHeader({ columns: record.map((c) => c.replace(/^\uFEFF/, '')) });
      continue;
    }
    if (record.length !== header.length) {
      yield { line, unreadable: `This line has ${record.length} fields where the header has ${header.length}.`, text: null };
      continue;
    }
    const fields: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) fields[header[i]!] = record[i]!;
    yield { line, fields, original: record };
  }
  while (skipped.length > 0) yield skipped.shift()!;
  if (header === null) throw new ImportFileError('The file is empty: a CSV import starts with a header line naming its columns.');
}

/**
 * A readable stream's objects, taken with read() while it has them: `for await` over the stream
 * itself costs a promise a record (it made reading CSV five times slower than parsing it).
 */
async function* drain<T>(stream: Readable | Transform): AsyncGenerator<T> {
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('readable', poke);
  stream.on('end', () => {
    ended = true;
    poke();
  });
  stream.on('error', (e: Error) => {
    failure = e;
    poke();
  });
  try {
    for (;;) {
      let item: T | null;
      while ((item = stream.read() as T | null) !== null) yield item;
      if (failure) throw failure as Error;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    if (!ended) stream.destroy();
  }
}

function countBreaks(record: readonly string[]): number {
  let n = 0;
  for (const field of record) for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
  return n;
}

function fieldsOf(value: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) fields[columnKey(key)] = '';
    else if (Array.isArray(v)) fields[columnKey(key)] = v.map((x) => (x === null || x === undefined ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x))).join(';');
    else if (typeof v === 'object') fields[columnKey(key)] = JSON.stringify(v);
    else fields[columnKey(key)] = String(v);
  }
  return fields;
}

function recordFromJson(text: string, line: number): ReadItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { line, unreadable: `Not valid JSON (${(e as Error).message}).`, text };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { line, unreadable: 'Each record must be a JSON object.', text };
  return { line, fields: fieldsOf(value as Record<string, unknown>), original: value as Record<string, unknown> };
}

/** The longest single JSON record taken (a record longer than this is a broken file, not a customer). */
const MAX_JSON_RECORD = 1024 * 1024;

/**
 * JSON records: one array of objects (`[{…}, {…}]`) or JSON lines (one object a line). An array
 * is split into its elements by a scan that only tracks strings and nesting depth; each element is
 * then read by JSON.parse, so a broken element is refused alone with its line.
 */
export async function* readJson(input: Readable): AsyncGenerator<ReadItem> {
  input.setEncoding('utf8');
  let mode: 'unknown' | 'lines' | 'array' | 'done' = 'unknown';
  let line = 1;
  // JSON lines: the current line's text. Array: the current element's text and the scanner's state.
  let buf = '';
  let startLine = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let inElement = false;
  for await (const chunk of input as AsyncIterable<string>) {
    if (mode === 'unknown') {
      const text = chunk.replace(/^\uFEFF/, '');
      const first = text.search(/\S/);
      if (first === -1) {
        line += countNewlines(text);
        continue;
      }
      line += countNewlines(text.slice(0, first));
      mode = text[first] === '[' ? 'array' : 'lines';
      if (mode === 'array') {
        const rest = text.slice(first + 1);
        yield* scanArray(rest);
        continue;
      }
      yield* scanLines(text.slice(first));
      continue;
    }
    if (mode === 'lines') yield* scanLines(chunk);
    else if (mode === 'array') yield* scanArray(chunk);
    else if (chunk.trim() !== '') throw new ImportFileError(`Text after the closing "]" of the array, on line ${line}.`);
  }
  if (mode === 'lines' && buf.trim() !== '') yield recordFromJson(buf.replace(/\r$/, ''), line);
  if (mode === 'array') throw new ImportFileError('The JSON array is not closed: the file ends before its "]".');
  if (mode === 'unknown') throw new ImportFileError('The file is empty.');

  function* scanLines(text: string): Generator<ReadItem> {
    let from = 0;
    for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
      buf += text.slice(from, nl);
      const record = buf.replace(/\r$/, '');
      if (record.trim() !== '') yield recordFromJson(record, line);
      buf = '';
      line++;
      from = nl + 1;
    }
    buf += text.slice(from);
    if (buf.length > MAX_JSON_RECORD) throw new ImportFileError(`Line ${line} is longer than ${MAX_JSON_RECORD} characters: not a record.`);
  }

  function* scanArray(text: string): Generator<ReadItem> {
    let from = 0;
    for (let k = 0; k < text.length; k++) {
      const c = text[k]!;
      if (c === '\n') line++;
      if (!inElement) {
        if (c === ']' && depth === 0) {
          mode = 'done';
          if (text.slice(k + 1).trim() !== '') throw new ImportFileError(`Text after the closing "]" of the array, on line ${line}.`);
          return;
        }
        if (c === ',' || /\s/.test(c)) continue;
        inElement = true;
        startLine = line;
        from = k;
        buf = '';
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if ((c === ',' || c === ']') && depth === 0) {
        // An element that is not an object or array (a number, a string) ends at the comma or the array's end.
        yield recordFromJson(buf + text.slice(from, k), startLine);
        inElement = false;
        if (c === ']') {
          mode = 'done';
          if (text.slice(k + 1).trim() !== '') throw new ImportFileError(`Text after the closing "]" of the array, on line ${line}.`);
          return;
        }
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          yield recordFromJson(buf + text.slice(from, k + 1), startLine);
          inElement = false;
        }
      }
    }
    if (inElement) {
      buf += text.slice(from);
      if (buf.length > MAX_JSON_RECORD) throw new ImportFileError(`The record starting on line ${startLine} is longer than ${MAX_JSON_RECORD} characters: not a record.`);
    }
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
