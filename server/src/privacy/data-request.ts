/**
 * A customer's data on request (issue 23, Shopify's `customers/data_request`): everything
 * Switchboard holds about one customer as a ZIP of JSON and CSV files, one pair per part, plus a
 * manifest with the counts. Built in memory (one customer's rows are few) within a transaction
 * that sees one consistent state of the store. Nothing of another customer is read: every query
 * is by this customer's id, or by the ids of their own orders and complaints.
 */
import { PassThrough } from 'node:stream';
import archiver from 'archiver';
import { eq, getTableColumns, inArray } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { csvLine } from '../../../src-shared/reports/csv';
import type { StoreDb } from '../db/connect';
import {
  calls,
  complaintEvents,
  complaints,
  contactEdits,
  customerAddresses,
  customerEmails,
  customerPhones,
  customers,
  notes,
  offers,
  orderLines,
  orders,
} from '../db/schema';
import { CONSENT_FIELDS } from '../../../src-shared/domain/consent';

/** The parts of the archive, in the order they are written: `<part>.json` and `<part>.csv` each. */
export const DATA_REQUEST_PARTS = [
  'profile',
  'phones',
  'emails',
  'addresses',
  'consent_history',
  'orders',
  'order_lines',
  'calls',
  'complaints',
  'complaint_history',
  'notes',
  'offers',
  'contact_edits',
] as const;
export type DataRequestPart = (typeof DATA_REQUEST_PARTS)[number];

type Row = Record<string, unknown>;

export interface DataRequestArchive {
  zip: Buffer;
  counts: Record<DataRequestPart, number>;
}

/** The customer's rows, part by part; null when the store has no such customer. */
export async function collectCustomerData(db: StoreDb, customerId: string): Promise<Record<DataRequestPart, { table: PgTable; rows: Row[] }> | null> {
  return db.transaction(
    async (tx) => {
      const profile = await tx.select().from(customers).where(eq(customers.id, customerId));
      if (profile.length === 0) return null;
      const orderRows = await tx.select().from(orders).where(eq(orders.customerId, customerId)).orderBy(orders.placedAt);
      const orderIds = orderRows.map((o) => o.id);
      const complaintRows = await tx.select().from(complaints).where(eq(complaints.customerId, customerId)).orderBy(complaints.openedAt);
      const complaintIds = complaintRows.map((c) => c.id);
      const edits = await tx.select().from(contactEdits).where(eq(contactEdits.customerId, customerId)).orderBy(contactEdits.at);
      const consentFields = new Set<string>(['marketing_consent', ...CONSENT_FIELDS]);
      return {
        profile: { table: customers, rows: profile },
        phones: { table: customerPhones, rows: await tx.select().from(customerPhones).where(eq(customerPhones.customerId, customerId)) },
        emails: { table: customerEmails, rows: await tx.select().from(customerEmails).where(eq(customerEmails.customerId, customerId)) },
        addresses: { table: customerAddresses, rows: await tx.select().from(customerAddresses).where(eq(customerAddresses.customerId, customerId)) },
        consent_history: { table: contactEdits, rows: edits.filter((e) => consentFields.has(e.field)) },
        orders: { table: orders, rows: orderRows },
        order_lines: {
          table: orderLines,
          rows: orderIds.length ? await tx.select().from(orderLines).where(inArray(orderLines.orderId, orderIds)).orderBy(orderLines.orderId, orderLines.lineNo) : [],
        },
        calls: { table: calls, rows: await tx.select().from(calls).where(eq(calls.customerId, customerId)).orderBy(calls.startedAt) },
        complaints: { table: complaints, rows: complaintRows },
        complaint_history: {
          table: complaintEvents,
          rows: complaintIds.length ? await tx.select().from(complaintEvents).where(inArray(complaintEvents.complaintId, complaintIds)).orderBy(complaintEvents.at) : [],
        },
        notes: { table: notes, rows: await tx.select().from(notes).where(eq(notes.customerId, customerId)).orderBy(notes.createdAt) },
        offers: { table: offers, rows: await tx.select().from(offers).where(eq(offers.customerId, customerId)).orderBy(offers.presentedAt) },
        contact_edits: { table: contactEdits, rows: edits },
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

const cell = (v: unknown): string | number | null =>
  v === null || v === undefined ? null : typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 'true' : 'false') : typeof v === 'string' ? v : JSON.stringify(v);

function toCsv(table: PgTable, rows: readonly Row[]): string {
  const columns = Object.keys(getTableColumns(table));
  return csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => cell(r[c])))).join('');
}

/** The archive of one customer's data, or null when the store has no such customer. */
export async function customerDataArchive(db: StoreDb, customerId: string, at: number): Promise<DataRequestArchive | null> {
  const parts = await collectCustomerData(db, customerId);
  if (!parts) return null;
  const zip = archiver('zip', { zlib: { level: 6 } });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    zip.on('error', reject);
  });
  zip.pipe(sink);
  const counts = {} as Record<DataRequestPart, number>;
  const date = new Date(at);
  for (const part of DATA_REQUEST_PARTS) {
    const { table, rows } = parts[part];
    counts[part] = rows.length;
    zip.append(JSON.stringify(rows, null, 2), { name: `${part}.json`, date });
    zip.append(toCsv(table, rows), { name: `${part}.csv`, date });
  }
  zip.append(JSON.stringify({ customerId, generatedAt: date.toISOString(), counts }, null, 2), { name: 'manifest.json', date });
  await zip.finalize();
  await done;
  return { zip: Buffer.concat(chunks), counts };
}

/** The file name the archive is saved under: the customer's id and the date, nothing personal. */
export const dataRequestFileName = (customerId: string, at: number): string => `customer-${customerId}-${new Date(at).toISOString().slice(0, 10)}.zip`;
