/**
 * The error file of an import (issue 23): the refused rows exactly as they were in the file, with
 * an `_errors` column saying, per column, what is wrong. Fixed, it is imported again as it is (the
 * importer ignores `_errors`). CSV in, CSV out (the header first); JSON in, JSON lines out.
 */
import type { ImportFormat } from './read-records';

export const ERRORS_COLUMN = '_errors';

/** One CSV field as written: quoted when it holds a quote, a separator, a line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const csvLine = (fields: readonly string[]): string => `${fields.map(csvField).join(',')}\r\n`;

export class ErrorFileWriter {
  private header: string[] | null = null;
  private errorsAt = -1;
  private headerWritten = false;
  rows = 0;

  constructor(
    private readonly format: ImportFormat,
    private readonly write: (chunk: string) => void,
  ) {}

  /** The CSV file's header as written in it (before any row). */
  setHeader(columns: readonly string[]): void {
    this.header = [...columns];
    this.errorsAt = columns.findIndex((c) => c.trim().toLowerCase() === ERRORS_COLUMN);
    if (this.errorsAt === -1) this.header.push(ERRORS_COLUMN);
  }

  /** A refused row; `original` null when the reader could not make it out (then only its line is said). */
  add(original: string[] | Record<string, unknown> | null, errors: string, rawText: string | null = null): void {
    this.rows++;
    if (this.format === 'json') {
      if (original !== null && !Array.isArray(original)) this.write(`${JSON.stringify({ ...original, [ERRORS_COLUMN]: errors })}\n`);
      else this.write(`${JSON.stringify({ [ERRORS_COLUMN]: errors, _unreadable: rawText })}\n`);
      return;
    }
    const header = this.header ?? [ERRORS_COLUMN];
    if (!this.headerWritten) {
      this.write(csvLine(header));
      this.headerWritten = true;
    }
    const width = this.errorsAt === -1 ? header.length - 1 : header.length;
    const fields = Array.isArray(original) ? [...original] : new Array<string>(width).fill('');
    while (fields.length < width) fields.push('');
    fields.length = width;
    if (this.errorsAt !== -1) fields[this.errorsAt] = errors;
    else fields.push(errors);
    this.write(csvLine(fields));
  }
}
