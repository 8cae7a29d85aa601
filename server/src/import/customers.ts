/**
 * Customer import into the central store (issue 23). Records stream in (read-records.ts), each is
 * checked with the app's own contracts (customer-row.ts), and valid rows go to PostgreSQL in
 * batches: one transaction a batch, each table written by one `INSERT … SELECT FROM unnest(…)`.
 * Every write goes through the tables' change-log triggers like any other write, so imported
 * customers reach every workstation by the normal sync (no reset).
 *
 * Idempotent on the source system's id: a customer is found again by (source, source_id) in
 * customer_sources (store only, not synced); a row
 * whose hash is the one last applied is `unchanged` (nothing written); a changed row updates the
 * record and records each changed contact field in contact_edits (old → new, by the importing
 * user), as a CSR's edit is. A source id seen earlier in the same file is refused.
 *
 * A dry run reads and checks everything, and counts what would be created, updated or left
 * unchanged, without writing. Memory is bounded by the batch size, plus a 64-bit hash of each
 * source id the file has given so far (seen-ids.ts: 16 bytes a row at most).
 */
import { uuidV7 } from './ids';
import { sql, type SQL } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js/max';
import { addressText, consentText, emailsText, phonesText } from '../../../src-shared/domain/contact-text';
import type { ContactField } from '../../../src-shared/contracts/customer360';
import type { Store } from '../db/connect';
import { CHANGE_LOG_LOCK_KEY } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';
import { CUSTOMER_COLUMNS, REQUIRED_CUSTOMER_COLUMNS, type ImportedAddress, type ImportedCustomer, type RowProblem } from './customer-row';
import { ERRORS_COLUMN } from './error-file';
import { SeenIds } from './seen-ids';
import type { ReadItem } from './read-records';
import { inlineChecker, type CheckResult, type RowChecker } from './check-pool';

export interface RefusedEntry extends RowProblem {
  line: number;
}

export interface ImportReport {
  kind: 'customers' | 'products' | 'campaigns' | 'orders';
  source: string;
  dryRun: boolean;
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused (a row with several problems counts once). */
  refused: number;
  /** One entry per problem: line, column, value, reason; at most `refusedListed`. */
  refusedRows: RefusedEntry[];
  /** True when more problems were found than `refusedRows` lists (the error file has every refused row). */
  refusedTruncated: boolean;
  /** Columns of the file the import does not read. */
  ignoredColumns: string[];
  ms: number;
}

/**
 * A new import's report (every count at zero), and the function that refuses a row into it: the
 * row counted once, each of its problems listed up to `refusedListed` (default 1,000; the error
 * file has them all), and `onRefused` told.
 */
export function newImportReport(
  kind: ImportReport['kind'],
  options: Pick<CustomerImportOptions, 'source' | 'dryRun' | 'refusedListed' | 'onRefused'>,
): { report: ImportReport; refuse: (item: ReadItem, problems: RowProblem[]) => void } {
  const listed = options.refusedListed ?? 1_000;
  const report: ImportReport = {
    kind,
    source: options.source,
    dryRun: options.dryRun ?? false,
    rowsRead: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    refused: 0,
    refusedRows: [],
    refusedTruncated: false,
    ignoredColumns: [],
    ms: 0,
  };
  const refuse = (item: ReadItem, problems: RowProblem[]) => {
    report.refused++;
    for (const p of problems) {
      if (report.refusedRows.length < listed) report.refusedRows.push({ line: item.line, ...p });
      else report.refusedTruncated = true;
    }
    options.onRefused?.(item, problems);
  };
  return { report, refuse };
}

export interface ImportProgress {
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  ms: number;
}

export interface CustomerImportOptions {
  /** The system the file comes from ("shop", "oms"…): with each row's source_id, what finds it again. */
  source: string;
  dryRun?: boolean;
  /** Where national numbers are read when a row names no country. */
  defaultRegion?: CountryCode;
  /** Rows a transaction (default 1,000; customers 5,000). */
  batchRows?: number;
  /** Who the contact history credits with the changes (the importing user's name). */
  agentId?: string;
  /** The store's clock (epoch ms). */
  clock?: () => number;
  /** Problems listed in the report (default 1,000); the error file has them all. */
  refusedListed?: number;
  /** Each refused row, as it was in the file, with its problems: for the error file. */
  onRefused?: (item: ReadItem, problems: readonly RowProblem[]) => void;
  onProgress?: (progress: ImportProgress) => void;
  /** Checks rows (default: inline, on this thread); the CLI passes a pool of worker threads. */
  checker?: RowChecker;
  /** Called with the CSV header columns (lower-cased) before the first row: missing required columns stop the import. */
}

export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
export const DEFAULT_IMPORT_BATCH = 1_000;
/** Customers a transaction by default: fewer, larger statements (a batch of 5,000 keeps the peak RSS under 300 MB). */
export const CUSTOMER_IMPORT_BATCH = 5_000;
/** Rows checked together (one message to a checking worker). */
const CHECK_CHUNK = 500;

/** A file whose columns cannot be an import of customers (a required column missing). */
export class ImportColumnsError extends Error {}

/** Checks a CSV header; returns the columns the import ignores. */
export function checkCustomerHeader(columns: readonly string[]): string[] {
  const names = columns.map((c) => c.trim().toLowerCase());
  const missing = REQUIRED_CUSTOMER_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new ImportColumnsError(
      `The file has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}: a customer file needs ${REQUIRED_CUSTOMER_COLUMNS.join(', ')} (and may have ${CUSTOMER_COLUMNS.filter((c) => !REQUIRED_CUSTOMER_COLUMNS.includes(c)).join(', ')}).`,
    );
  }
  return names.filter((n) => !(CUSTOMER_COLUMNS as readonly string[]).includes(n) && n !== ERRORS_COLUMN);
}

interface Pending {
  line: number;
  customer: ImportedCustomer;
}

interface Existing {
  id: string;
  sourceId: string;
  hash: string | null;
}

export async function importCustomers(store: Store, records: AsyncIterable<ReadItem>, options: CustomerImportOptions): Promise<ImportReport> {
  if (!SOURCE_PATTERN.test(options.source)) throw new RangeError('The source must be a short name: lower-case letters, digits, ".", "_" or "-", e.g. shop.');
  const started = performance.now();
  const batchRows = options.batchRows ?? CUSTOMER_IMPORT_BATCH;
  const region = options.defaultRegion ?? 'US';
  const clock = options.clock ?? Date.now;
  const { report, refuse } = newImportReport('customers', options);
  const seen = new SeenIds();
  const progress = () => options.onProgress?.({ ...countsOf(report), ms: performance.now() - started });

  let batch: Pending[] = [];
  let writing: Promise<void> | null = null;
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    // One batch is written while the next is read and checked; the previous one must be done first.
    if (writing) await writing;
    writing = applyBatch(store, rows, options.source, report.dryRun, options.agentId ?? 'import', clock).then((counts) => {
      report.created += counts.created;
      report.updated += counts.updated;
      report.unchanged += counts.unchanged;
      progress();
    });
    writing.catch(() => undefined);
  };

  // Rows are checked in chunks (on worker threads when a pool is given) and taken in file order.
  const checker = options.checker ?? inlineChecker(region);
  const inflight: { items: ReadItem[]; results: Promise<CheckResult[]> }[] = [];
  let chunk: ReadItem[] = [];
  const dispatch = () => {
    if (chunk.length === 0) return;
    const items = chunk;
    chunk = [];
    const rows = items.map((item) => ('unreadable' in item ? {} : item.fields));
    const results = checker.check(rows);
    results.catch(() => undefined);
    inflight.push({ items, results });
  };
  const take = async (depth: number) => {
    while (inflight.length > depth) {
      const { items, results } = inflight.shift()!;
      const checked = await results;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if ('unreadable' in item) {
          refuse(item, [{ column: '', value: '', reason: item.unreadable }]);
          continue;
        }
        const result = checked[i]!;
        if (!result.ok) {
          refuse(item, result.problems);
          continue;
        }
        const { customer } = result;
        if (!seen.add(customer.sourceId)) {
          refuse(item, [{ column: 'source_id', value: customer.sourceId, reason: 'This source id is on an earlier row of the file: each customer once.' }]);
          continue;
        }
        batch.push({ line: item.line, customer });
        if (batch.length >= batchRows) await flush();
      }
    }
  };

  for await (const item of records) {
    report.rowsRead++;
    chunk.push(item);
    if (chunk.length >= CHECK_CHUNK) {
      dispatch();
      await take(checker.depth);
    }
  }
  dispatch();
  await take(0);
  await flush();
  if (writing) await writing;
  report.ms = performance.now() - started;
  return report;
}

function countsOf(r: ImportReport) {
  return { rowsRead: r.rowsRead, created: r.created, updated: r.updated, unchanged: r.unchanged, refused: r.refused };
}

const arr = (values: unknown[], type: string): SQL => sql`${sql.param(values)}${sql.raw(`::${type}[]`)}`;

/** Serializes imports of one source: two at once would both take a source id as new. */
/** Serialises the writers of one source's customers (the import's batches, the ingest worker creating new shoppers). */
export const sourceLock = (source: string) => sql`select pg_advisory_xact_lock(hashtext(${`sb.import:${source}`}))`;

async function applyBatch(
  store: Store,
  rows: Pending[],
  source: string,
  dryRun: boolean,
  agentId: string,
  clock: () => number,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const work = async (tx: StoreTx | Store['db']) => {
    const found = await tx.execute<{ id: string; source_id: string; source_hash: string | null }>(
      sql`select customer_id as id, source_id, source_hash from customer_sources where source = ${source} and source_id = any(${arr(
        rows.map((r) => r.customer.sourceId),
        'text',
      )})`,
    );
    const existing = new Map<string, Existing>();
    for (const r of resultRows<{ id: string; source_id: string; source_hash: string | null }>(found)) existing.set(r.source_id, { id: r.id, sourceId: r.source_id, hash: r.source_hash });
    const fresh: ImportedCustomer[] = [];
    const changed: { id: string; customer: ImportedCustomer }[] = [];
    let unchanged = 0;
    for (const { customer } of rows) {
      const e = existing.get(customer.sourceId);
      if (!e) fresh.push(customer);
      else if (e.hash === customer.hash) unchanged++;
      else changed.push({ id: e.id, customer });
    }
    if (dryRun) return { created: fresh.length, updated: changed.length, unchanged };
    const now = clock();
    await insertCustomers(tx as StoreTx, fresh, source, now);
    const updated = await updateCustomers(tx as StoreTx, changed, agentId, now);
    return { created: fresh.length, updated, unchanged: unchanged + changed.length - updated };
  };
  if (dryRun) return work(store.db);
  return store.db.transaction(async (tx) => {
    await tx.execute(sourceLock(source));
    return work(tx);
  });
}

function resultRows<T>(result: unknown): T[] {
  // node-postgres answers { rows }, PGlite too; drizzle passes the driver's result through.
  return (result as { rows: T[] }).rows;
}

/** Writes new customers with their source ids, phones, emails and addresses, and their change-log rows; `ids` are theirs (default: new ones). Also the ingest worker's (a web shop's new shoppers). */
export async function insertCustomers(tx: StoreTx, list: ImportedCustomer[], source: string, now: number, ids: string[] = list.map(() => uuidV7())): Promise<void> {
  if (list.length === 0) return;
  await tx.execute(sql`select pg_advisory_xact_lock(${CHANGE_LOG_LOCK_KEY})`);
  await tx.execute(sql`select set_config('sb.change_log_by_writer', 'on', true)`);
  await tx.execute(sql`insert into customers (id, first_name, last_name, marketing_consent, language, created_at, updated_at)
    select id, f, l, c, lang, ${now}::bigint, ${now}::bigint from unnest(${arr(ids, 'uuid')}, ${arr(
      list.map((c) => c.firstName),
      'text',
    )}, ${arr(
      list.map((c) => c.lastName),
      'text',
    )}, ${arr(
      list.map((c) => c.marketingConsent ?? false),
      'boolean',
    )}, ${arr(
      list.map((c) => c.language ?? null),
      'text',
    )}) as t(id, f, l, c, lang)`);
  await tx.execute(sql`insert into customer_sources (customer_id, source, source_id, source_hash, imported_at)
    select id, ${source}, s, h, ${now}::bigint from unnest(${arr(ids, 'uuid')}, ${arr(
      list.map((c) => c.sourceId),
      'text',
    )}, ${arr(
      list.map((c) => c.hash),
      'text',
    )}) as t(id, s, h)`);
  const phones: { customerId: string; p: NonNullable<ImportedCustomer['phones']>[number]; primary: boolean }[] = [];
  const emails: { customerId: string; email: string; primary: boolean }[] = [];
  const addresses: { customerId: string; a: ImportedAddress }[] = [];
  list.forEach((c, i) => {
    const customerId = ids[i]!;
    c.phones?.forEach((p, k) => phones.push({ customerId, p, primary: k === 0 }));
    c.emails?.forEach((email, k) => emails.push({ customerId, email, primary: k === 0 }));
    if (c.address) addresses.push({ customerId, a: c.address });
  });
  // The change log of these inserts, written as the triggers would (migration 0018): one row per
  // inserted row, under the change-log lock taken before any insert, and one notification.
  const logged: [string, string[]][] = [['customers', ids]];
  logged.push(['customer_phones', await insertPhones(tx, phones)]);
  logged.push(['customer_emails', await insertEmails(tx, emails)]);
  logged.push(['customer_addresses', await insertAddresses(tx, addresses)]);
  await tx.execute(sql`select set_config('sb.change_log_by_writer', 'off', true)`);
  const tables = logged.flatMap(([table, rowIds]) => rowIds.map(() => table));
  await tx.execute(sql`insert into change_log (table_name, row_id, op) select t, r, 'upsert' from unnest(${arr(tables, 'text')}, ${arr(
    logged.flatMap(([, rowIds]) => rowIds),
    'text',
  )}) as x(t, r)`);
  await tx.execute(sql`select pg_notify('sb_changes', '')`);
}

async function insertPhones(tx: StoreTx, phones: { customerId: string; p: { e164: string; raw: string; kind: string; verified: boolean }; primary: boolean }[]): Promise<string[]> {
  if (phones.length === 0) return [];
  const ids = phones.map(() => uuidV7());
  await tx.execute(sql`insert into customer_phones (id, customer_id, e164, raw, kind, is_primary, verified)
    select * from unnest(${arr(ids, 'uuid')}, ${arr(
      phones.map((x) => x.customerId),
      'uuid',
    )}, ${arr(
      phones.map((x) => x.p.e164),
      'text',
    )}, ${arr(
      phones.map((x) => x.p.raw),
      'text',
    )}, ${arr(
      phones.map((x) => x.p.kind),
      'text',
    )}, ${arr(
      phones.map((x) => x.primary),
      'boolean',
    )}, ${arr(
      phones.map((x) => x.p.verified),
      'boolean',
    )})`);
  return ids;
}

async function insertEmails(tx: StoreTx, emails: { customerId: string; email: string; primary: boolean }[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const ids = emails.map(() => uuidV7());
  await tx.execute(sql`insert into customer_emails (id, customer_id, email, is_primary)
    select * from unnest(${arr(ids, 'uuid')}, ${arr(
      emails.map((x) => x.customerId),
      'uuid',
    )}, ${arr(
      emails.map((x) => x.email),
      'text',
    )}, ${arr(
      emails.map((x) => x.primary),
      'boolean',
    )})`);
  return ids;
}

async function insertAddresses(tx: StoreTx, addresses: { customerId: string; a: ImportedAddress }[]): Promise<string[]> {
  if (addresses.length === 0) return [];
  const ids = addresses.map(() => uuidV7());
  await tx.execute(sql`insert into customer_addresses (id, customer_id, kind, line1, line2, city, region, postal_code, country, is_primary)
    select id, cid, 'shipping', l1, l2, city, region, pc, country, true from unnest(${arr(ids, 'uuid')}, ${arr(
      addresses.map((x) => x.customerId),
      'uuid',
    )}, ${arr(
      addresses.map((x) => x.a.line1),
      'text',
    )}, ${arr(
      addresses.map((x) => x.a.line2),
      'text',
    )}, ${arr(
      addresses.map((x) => x.a.city),
      'text',
    )}, ${arr(
      addresses.map((x) => x.a.region),
      'text',
    )}, ${arr(
      addresses.map((x) => x.a.postalCode),
      'text',
    )}, ${arr(
      addresses.map((x) => x.a.country),
      'text',
    )}) as t(id, cid, l1, l2, city, region, pc, country)`);
  return ids;
}

interface StoredContact {
  firstName: string;
  lastName: string;
  marketingConsent: boolean;
  language: string | null;
  phones: { e164: string; kind: string }[];
  emails: { email: string }[];
  address: (ImportedAddress & { id: string }) | null;
}

/**
 * Changed rows: each changed contact field is written and recorded in contact_edits with the
 * store's value before (as history text) and the imported one. Returns how many customers changed
 * in a field (a row whose hash changed but whose fields read the same only gets its hash stored).
 */
async function updateCustomers(tx: StoreTx, list: { id: string; customer: ImportedCustomer }[], agentId: string, now: number): Promise<number> {
  if (list.length === 0) return 0;
  const ids = list.map((x) => x.id);
  const idArray = arr(ids, 'uuid');
  const stored = new Map<string, StoredContact>();
  const base = resultRows<{ id: string; first_name: string; last_name: string; marketing_consent: boolean; language: string | null }>(
    // An erased customer (issue 23, server/src/privacy) is never written again from a source record: left out, counted unchanged.
    await tx.execute(sql`select id, first_name, last_name, marketing_consent, language from customers where id = any(${idArray}) and erased_at is null for no key update`),
  );
  for (const r of base) stored.set(r.id, { firstName: r.first_name, lastName: r.last_name, marketingConsent: r.marketing_consent, language: r.language, phones: [], emails: [], address: null });
  for (const r of resultRows<{ customer_id: string; e164: string; kind: string }>(
    await tx.execute(sql`select customer_id, e164, kind from customer_phones where customer_id = any(${idArray}) order by customer_id, is_primary desc, e164, id`),
  ))
    stored.get(r.customer_id)?.phones.push({ e164: r.e164, kind: r.kind });
  for (const r of resultRows<{ customer_id: string; email: string }>(
    await tx.execute(sql`select customer_id, email from customer_emails where customer_id = any(${idArray}) order by customer_id, is_primary desc, email, id`),
  ))
    stored.get(r.customer_id)?.emails.push({ email: r.email });
  for (const r of resultRows<{ id: string; customer_id: string; line1: string; line2: string | null; city: string; region: string | null; postal_code: string | null; country: string }>(
    await tx.execute(
      sql`select distinct on (customer_id) id, customer_id, line1, line2, city, region, postal_code, country from customer_addresses where customer_id = any(${idArray}) and is_primary order by customer_id, id`,
    ),
  )) {
    const s = stored.get(r.customer_id);
    if (s) s.address = { id: r.id, line1: r.line1, line2: r.line2, city: r.city, region: r.region, postalCode: r.postal_code, country: r.country };
  }

  const edits: { customerId: string; field: ContactField; oldValue: string | null; newValue: string | null }[] = [];
  const names: { id: string; firstName: string; lastName: string; consent: boolean; hash: string }[] = [];
  const phoneOwners: string[] = [];
  const newPhones: Parameters<typeof insertPhones>[1] = [];
  const emailOwners: string[] = [];
  const newEmails: Parameters<typeof insertEmails>[1] = [];
  const addressUpdates: { customerId: string; a: ImportedAddress; id: string }[] = [];
  const addressInserts: { customerId: string; a: ImportedAddress }[] = [];
  // The language is no contact detail (no contact_edits entry): written where the file gives another one.
  const languages: { id: string; language: string }[] = [];
  let updated = 0;
  for (const { id, customer: c } of list) {
    const s = stored.get(id);
    if (!s) continue;
    const before = edits.length;
    const edit = (field: ContactField, oldValue: string | null, newValue: string | null) => {
      if (oldValue !== newValue) edits.push({ customerId: id, field, oldValue, newValue });
    };
    edit('first_name', s.firstName, c.firstName);
    edit('last_name', s.lastName, c.lastName);
    if (c.phones !== undefined) {
      const was = phonesText(s.phones);
      const now = phonesText(c.phones);
      if (was !== now) {
        edit('phones', was, now);
        phoneOwners.push(id);
        c.phones.forEach((p, k) => newPhones.push({ customerId: id, p, primary: k === 0 }));
      }
    }
    if (c.emails !== undefined) {
      const was = emailsText(s.emails);
      const now = emailsText(c.emails.map((email) => ({ email })));
      if (was !== now) {
        edit('emails', was, now);
        emailOwners.push(id);
        c.emails.forEach((email, k) => newEmails.push({ customerId: id, email, primary: k === 0 }));
      }
    }
    if (c.address !== undefined) {
      const was = addressText(s.address);
      const now = addressText(c.address);
      if (was !== now) {
        edit('primary_address', was, now);
        if (s.address) addressUpdates.push({ customerId: id, a: c.address, id: s.address.id });
        else addressInserts.push({ customerId: id, a: c.address });
      }
    }
    if (c.marketingConsent !== undefined) edit('marketing_consent', consentText(s.marketingConsent), consentText(c.marketingConsent));
    const languageChanged = c.language !== undefined && c.language !== s.language;
    if (languageChanged) languages.push({ id, language: c.language! });
    if (edits.length > before || languageChanged) updated++;
    names.push({ id, firstName: c.firstName, lastName: c.lastName, consent: c.marketingConsent ?? s.marketingConsent, hash: c.hash });
  }

  if (edits.length > 0) {
    await tx.execute(sql`insert into contact_edits (id, customer_id, call_id, agent_id, field, old_value, new_value, at)
      select id, cid, null, ${agentId}, f, o, n, ${now}::bigint from unnest(${arr(
        edits.map(() => uuidV7()),
        'uuid',
      )}, ${arr(
        edits.map((e) => e.customerId),
        'uuid',
      )}, ${arr(
        edits.map((e) => e.field),
        'text',
      )}, ${arr(
        edits.map((e) => e.oldValue),
        'text',
      )}, ${arr(
        edits.map((e) => e.newValue),
        'text',
      )}) as t(id, cid, f, o, n)`);
  }
  // The hash last applied, for every row; the customers' own fields where one changed.
  const nameIds = names.map((n) => n.id);
  await tx.execute(sql`update customer_sources s set source_hash = t.h, imported_at = ${now}::bigint
    from unnest(${arr(nameIds, 'uuid')}, ${arr(
      names.map((n) => n.hash),
      'text',
    )}) as t(id, h) where s.customer_id = t.id`);
  const changedIds = new Set(edits.filter((e) => e.field === 'first_name' || e.field === 'last_name' || e.field === 'marketing_consent').map((e) => e.customerId));
  const touched = names.filter((n) => changedIds.has(n.id));
  if (touched.length > 0) {
    await tx.execute(sql`update customers c set first_name = t.f, last_name = t.l, marketing_consent = t.mc, updated_at = ${now}::bigint
      from unnest(${arr(
        touched.map((n) => n.id),
        'uuid',
      )}, ${arr(
        touched.map((n) => n.firstName),
        'text',
      )}, ${arr(
        touched.map((n) => n.lastName),
        'text',
      )}, ${arr(
        touched.map((n) => n.consent),
        'boolean',
      )}) as t(id, f, l, mc) where c.id = t.id`);
  }
  if (languages.length > 0) {
    await tx.execute(sql`update customers c set language = t.lang, updated_at = ${now}::bigint
      from unnest(${arr(
        languages.map((l) => l.id),
        'uuid',
      )}, ${arr(
        languages.map((l) => l.language),
        'text',
      )}) as t(id, lang) where c.id = t.id`);
  }
  if (phoneOwners.length > 0) {
    await tx.execute(sql`delete from customer_phones where customer_id = any(${arr(phoneOwners, 'uuid')})`);
    await insertPhones(tx, newPhones);
  }
  if (emailOwners.length > 0) {
    await tx.execute(sql`delete from customer_emails where customer_id = any(${arr(emailOwners, 'uuid')})`);
    await insertEmails(tx, newEmails);
  }
  if (addressUpdates.length > 0) {
    await tx.execute(sql`update customer_addresses a set line1 = t.l1, line2 = t.l2, city = t.city, region = t.region, postal_code = t.pc, country = t.country
      from unnest(${arr(
        addressUpdates.map((x) => x.id),
        'uuid',
      )}, ${arr(
        addressUpdates.map((x) => x.a.line1),
        'text',
      )}, ${arr(
        addressUpdates.map((x) => x.a.line2),
        'text',
      )}, ${arr(
        addressUpdates.map((x) => x.a.city),
        'text',
      )}, ${arr(
        addressUpdates.map((x) => x.a.region),
        'text',
      )}, ${arr(
        addressUpdates.map((x) => x.a.postalCode),
        'text',
      )}, ${arr(
        addressUpdates.map((x) => x.a.country),
        'text',
      )}) as t(id, l1, l2, city, region, pc, country) where a.id = t.id`);
  }
  await insertAddresses(tx, addressInserts);
  return updated;
}
