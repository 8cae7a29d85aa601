/**
 * One import from a stream (a file on disk for the CLI, a request body for the store's route):
 * reads it in its format, imports it, and writes the error file as it goes.
 */
import type { Readable } from 'node:stream';
import type { Store } from '../db/connect';
import { checkCustomerHeader, importCustomers, type CustomerImportOptions, type ImportReport } from './customers';
import { ErrorFileWriter } from './error-file';
import { readCsv, readJson, type ImportFormat } from './read-records';

export interface RunImportOptions extends Omit<CustomerImportOptions, 'onRefused'> {
  format: ImportFormat;
  /** Receives the error file, chunk by chunk (nothing when no row is refused). */
  errorFile?: (chunk: string) => void;
}

export async function runCustomerImport(store: Store, input: Readable, options: RunImportOptions): Promise<ImportReport> {
  const { format, errorFile, ...rest } = options;
  const errors = new ErrorFileWriter(format, errorFile ?? (() => undefined));
  let ignored: string[] = [];
  const records =
    format === 'csv'
      ? readCsv(input, (header) => {
          ignored = checkCustomerHeader(header.columns);
          errors.setHeader(header.columns);
        })
      : readJson(input);
  const report = await importCustomers(store, records, {
    ...rest,
    onRefused: (item, problems) => {
      const text = problems.map((p) => (p.column ? `${p.column}: ${p.reason}` : p.reason)).join(' | ');
      if ('unreadable' in item) errors.add(null, text, item.text);
      else errors.add(item.original, text);
    },
  });
  report.ignoredColumns = ignored;
  return report;
}
