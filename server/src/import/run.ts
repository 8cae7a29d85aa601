/**
 * One import from a stream (a file on disk for the CLI, a request body for the store's route):
 * reads it in its format, imports it, and writes the error file as it goes.
 */
import type { Readable } from 'node:stream';
import type { Store } from '../db/connect';
import { checkCustomerHeader, importCustomers, type CustomerImportOptions, type ImportReport } from './customers';
import { ErrorFileWriter } from './error-file';
import { readCsv, readJson, type ImportFormat } from './read-records';
import { checkCatalogueHeader, importCatalogue, type CatalogueKind } from './catalogue';
import { checkOrderHeader, importOrders } from './orders';

export type ImportKindName = 'customers' | CatalogueKind | 'orders';
export const IMPORTABLE_KINDS: readonly ImportKindName[] = ['customers', 'products', 'campaigns', 'orders'];

export interface RunImportOptions extends Omit<CustomerImportOptions, 'onRefused'> {
  format: ImportFormat;
  /** Receives the error file, chunk by chunk (nothing when no row is refused). */
  errorFile?: (chunk: string) => void;
}

/** Imports a file of `kind` (customers, products or campaigns). */
export async function runImport(store: Store, input: Readable, options: RunImportOptions & { kind: ImportKindName }): Promise<ImportReport> {
  const { kind, ...rest } = options;
  if (kind === 'customers') return runCustomerImport(store, input, rest);
  const { format, errorFile, defaultRegion: _region, agentId: _agent, checker: _checker, ...common } = rest;
  const errors = new ErrorFileWriter(format, errorFile ?? (() => undefined));
  let ignored: string[] = [];
  const records =
    format === 'csv'
      ? readCsv(input, (header) => {
          ignored = kind === 'orders' ? checkOrderHeader(header.columns) : checkCatalogueHeader(kind, header.columns);
          errors.setHeader(header.columns);
        })
      : readJson(input);
  const onRefused: CustomerImportOptions['onRefused'] = (item, problems) => {
    const text = problems.map((p) => (p.column ? `${p.column}: ${p.reason}` : p.reason)).join(' | ');
    if ('unreadable' in item) errors.add(null, text, item.text);
    else errors.add(item.original, text);
  };
  const report = kind === 'orders' ? await importOrders(store, records, { ...common, onRefused }) : await importCatalogue(store, records, { ...common, kind, onRefused });
  report.ignoredColumns = ignored;
  return report;
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
