/**
 * While a first copy is still bringing in the customer directory, its indexes and name search are
 * missing (src-main/core/db/deferred-indexes.ts, group `directory`: phones by number and by
 * customer, emails by address and by customer, addresses by customer, and the FTS triggers, with
 * the name index empty until it is rebuilt). Every service must then answer at once, without a
 * scan of those tables and without reading the stale name search: caller lookup says the directory
 * is still arriving (no hits, and no "no match", which is what offers a new customer), the card has
 * the profile without contacts, and a new customer or a contact edit is refused with a message a
 * person can act on, changing nothing. Once the indexes are built, the same connections (with
 * statements prepared before) answer as always, and the name search finds every name, those written
 * while it was missing included.
 *
 * The reader is opened as the reader worker opens it (query_only) after the indexes were dropped,
 * and a second writer connection is opened beside the one that fills the tables; both with
 * better-sqlite3's `verbose` hook: every statement they run is kept, and each one is checked with
 * EXPLAIN QUERY PLAN for a SCAN of a table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { applyPragmas, type CacheDb } from '../../src-main/core/db/open';
import * as schema from '../../src-main/core/db/schema';
import {
  buildDeferredIndexes,
  deferIndexes,
  deferredIndexNames,
  DIRECTORY_DEFERRABLE,
  DIRECTORY_TABLES,
  directoryArriving,
  orderHistoryArriving,
  PRODUCT_SEARCH_TRIGGERS,
} from '../../src-main/core/db/deferred-indexes';
import { answerWithoutStore } from '../../src-main/core/sync/local-only';
import { plantCustomer, plantOrder, plantProduct, tempCache, type TempCache } from '../helpers/cache';
import { dumpWritable, outboxRows, testDesk, type TestDesk } from '../helpers/desk';
import { CREATE_WHILE_DIRECTORY_ARRIVING, EDIT_WHILE_DIRECTORY_ARRIVING, type CustomerCard } from '../../src-shared/contracts/customer';
import type { ContactEdit, ContactFormInput, TimelineEntry } from '../../src-shared/contracts/customer360';
import { DIRECTORY_ARRIVING_HINT, type LookupSearchOutput } from '../../src-shared/contracts/lookup';
import type { SyncStatus } from '../../src-shared/contracts/sync';

const NOW = Date.UTC(2026, 2, 10, 9, 0, 0);
const DAY = 86_400_000;
const DIRECTORY_NAMES = Object.values(DIRECTORY_DEFERRABLE).flat();
/** The tables the directory's indexes are on, and the name search. */
const DIRECTORY_SQL = /\b(customer_phones|customer_emails|customer_addresses|customer_name_fts)\b/i;
/** Statements checked for scans: those that read the directory or customers (a local-only status counts the outbox, a small table). */
const CUSTOMER_SQL = /\b(customers|customer_phones|customer_emails|customer_addresses|customer_name_fts)\b/i;

let cache: TempCache;
/** A writer connection as the db worker's (the copy fills the tables through `cache.db`). */
let writerDb: CacheDb;
let writer: TestDesk;
/** The reader worker's connection, opened while the indexes are missing. */
let readerDb: CacheDb;
let reader: TestDesk;
/** SQL the reader and the writer ran (parameters filled in). */
let ran: { on: CacheDb; sql: string }[] = [];
let zoe: string;
let dana: string;
let zoeOrder: string;

function open(file: string, readonly: boolean): CacheDb {
  const holder: { db?: CacheDb } = {};
  const client = new Database(file, { verbose: (sql) => ran.push({ on: holder.db!, sql: String(sql) }) });
  applyPragmas(client, readonly);
  holder.db = drizzle({ client, schema });
  return holder.db;
}

/**
 * What the two connections ran since the last call: statements on customers and their contacts
 * that scan a table (their plans made on the connection that ran them: it has the SQL functions
 * they call), and the statements that read the directory's tables or its name search at all.
 */
function sinceLastLook(): { scans: { sql: string; plan: string[] }[]; directoryReads: string[] } {
  const seen = new Map<string, CacheDb>();
  for (const r of ran) seen.set(r.sql, r.on);
  ran = [];
  const scans: { sql: string; plan: string[] }[] = [];
  for (const [sql, on] of seen) {
    if (!/^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i.test(sql) || !CUSTOMER_SQL.test(sql)) continue; // BEGIN, COMMIT, PRAGMA, other tables
    const plan = (on.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
    // A SCAN of a table; not of a subquery's rows (CO-ROUTINE / MATERIALIZE), a constant row,
    // json_each or a virtual table's own index (an FTS MATCH is planned as "SCAN f VIRTUAL TABLE INDEX").
    const derived = new Set(plan.flatMap((d) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(d)?.[1] ?? []));
    const scanned = plan
      .filter((d) => !/VIRTUAL TABLE/.test(d))
      .flatMap((d) => /^SCAN (\S+)/.exec(d)?.[1] ?? [])
      .filter((name) => !derived.has(name) && name !== 'CONSTANT' && name !== 'json_each');
    if (scanned.length > 0) scans.push({ sql, plan });
  }
  return { scans, directoryReads: [...seen.keys()].filter((sql) => DIRECTORY_SQL.test(sql)) };
}

function syncStatus(): SyncStatus {
  const r = answerWithoutStore(readerDb.$client, 'sync:status', {}, NOW);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as SyncStatus;
}

const arrivingAnswer = (query: string): LookupSearchOutput => ({
  query,
  interpretedAs: [],
  normalizedPhone: null,
  capped: false,
  hits: [],
  noMatch: false,
  hint: DIRECTORY_ARRIVING_HINT,
  directoryArriving: true,
});

/** Every kind of text the lookup reads: numbers, addresses, name prefixes, an order number, a SKU. */
const QUERIES = ['020 7946 0958', '+44 20 7946 0958', '07700 900999', 'zoe@example.co.uk', 'zoe@', 'zoe', 'Ångström', 'z', 'Dana Quist', 'SB10000000', 'TR-2041-BLK'];

const newCaller = { firstName: 'Wilhelmina', lastName: 'Zed', phone: '07700 900999', email: 'wil@example.com' };

function contactForm(customerId: string): ContactFormInput & { customerId: string } {
  return {
    customerId,
    firstName: 'Zoë',
    lastName: 'Ångström-Berg',
    phones: [{ number: '020 7946 0958', kind: 'home' }],
    emails: ['zoe@example.co.uk'],
    primaryAddress: { line1: '1 Main St', line2: '', city: 'London', region: '', postalCode: '', country: 'GB' },
    marketingConsent: false,
  };
}

beforeAll(() => {
  cache = tempCache();
  const c = cache.db.$client;
  // As the first copy does: the directory's tables are empty, their indexes and the name search's
  // triggers are dropped and remembered, then the rows arrive.
  expect(deferIndexes(c, DIRECTORY_TABLES).sort()).toEqual([...DIRECTORY_NAMES].sort());
  zoe = plantCustomer(cache.db, { firstName: 'Zoë', lastName: 'Ångström', phones: ['+442079460958'], emails: ['zoe@example.co.uk'], city: 'London', country: 'GB', tier: 'gold' });
  dana = plantCustomer(cache.db, { firstName: 'Dana', lastName: 'Quistgaard', phones: ['+15550104477'], emails: ['dana@example.com'], city: 'Portland', country: 'US' });
  const trail = plantProduct(cache.db, { sku: 'TR-2041-BLK', name: 'Trail Runner 2', category: 'footwear' });
  zoeOrder = plantOrder(cache.db, { customerId: zoe, number: 'SB10000000', placedAt: NOW - 9 * DAY, productIds: [trail] });

  expect(directoryArriving(c)).toBe(true);
  expect(orderHistoryArriving(c)).toBe(false);
  readerDb = open(cache.file, true);
  reader = testDesk(readerDb, { start: NOW });
  writerDb = open(cache.file, false);
  writer = testDesk(writerDb, { start: NOW });
  ran = [];
});

afterAll(() => {
  for (const db of [readerDb, writerDb]) if (db?.$client.open) db.$client.close();
  cache?.cleanup();
});

describe('while the customer directory is arriving (indexes and name search missing)', () => {
  it('the checks here would see a scan: without the indexes, a phone or a customer’s emails are a full scan', () => {
    const plan = (sql: string) => (cache.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail);
    expect(plan(`SELECT customer_id FROM customer_phones WHERE e164 = '+442079460958'`)).toContain('SCAN customer_phones');
    expect(plan(`SELECT email FROM customer_emails WHERE customer_id = 'x'`)).toContain('SCAN customer_emails');
    expect(deferredIndexNames(readerDb.$client, 'directory').sort()).toEqual([...DIRECTORY_NAMES].sort());
    // The name search is empty: a search would find nobody, not "nobody by that name".
    expect(cache.db.$client.prepare(`SELECT count(*) FROM customer_name_fts WHERE customer_name_fts MATCH '"zoe"*'`).pluck().get()).toBe(0);
  });

  it('caller lookup says the directory is still arriving for every kind of text, and reads none of it', () => {
    for (const query of QUERIES) {
      expect(reader.ok<LookupSearchOutput>('lookup:search', { query }), query).toEqual(arrivingAnswer(query));
    }
    // The text is still checked: what could never be searched says so, as always.
    expect(reader.call('lookup:search', { query: '   ' })).toMatchObject({ ok: false, error: { code: 'empty_query' } });
    expect(reader.call('lookup:search', { query: '--' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(sinceLastLook()).toEqual({ scans: [], directoryReads: [] });
  });

  it('the customer card has the profile and the orders, and says its contacts are still arriving', () => {
    const card = reader.ok<CustomerCard>('customer:get', { customerId: zoe });
    expect(card).toMatchObject({ displayName: 'Zoë Ångström', loyaltyTier: 'gold', contactsArriving: true, phones: [], emails: [], addresses: [], orderCount: 1 });
    expect(card.recentOrders).toMatchObject([{ id: zoeOrder, number: 'SB10000000' }]);
    expect(reader.call('customer:get', { customerId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(sinceLastLook()).toEqual({ scans: [], directoryReads: [] });
  });

  it('the rest of the 360 answers as always (timeline, contact history)', () => {
    writer.ok('note:add', { customerId: zoe, body: 'Called about the directory.' });
    expect(reader.ok<{ entries: TimelineEntry[] }>('customer:timeline', { customerId: zoe }).entries.map((e) => e.kind).sort()).toEqual(['note', 'order']);
    expect(reader.ok<{ edits: ContactEdit[] }>('customer:edit-history', { customerId: zoe }).edits).toEqual([]);
    expect(sinceLastLook()).toEqual({ scans: [], directoryReads: [] });
  });

  it('a new customer is refused with a message a person can act on, and nothing changes', () => {
    const before = dumpWritable(cache.db);
    const r = writer.call('customer:create', newCaller);
    expect(r).toEqual({ ok: false, error: { code: 'directory_arriving', message: CREATE_WHILE_DIRECTORY_ARRIVING } });
    expect(dumpWritable(cache.db)).toEqual(before);
    // A number that cannot be read is still pointed at its field first.
    expect(writer.call('customer:create', { ...newCaller, phone: '12' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'phone' } });
    expect(dumpWritable(cache.db)).toEqual(before);
    expect(sinceLastLook()).toEqual({ scans: [], directoryReads: [] });
  });

  it('a contact edit is refused (its stored contacts cannot be read without a scan), and nothing changes', () => {
    const before = dumpWritable(cache.db);
    expect(writer.call('customer:update-contact', contactForm(zoe))).toEqual({ ok: false, error: { code: 'directory_arriving', message: EDIT_WHILE_DIRECTORY_ARRIVING } });
    expect(dumpWritable(cache.db)).toEqual(before);
    expect(sinceLastLook()).toEqual({ scans: [], directoryReads: [] });
  });

  it('the local-only sync status says the directory is not ready', () => {
    expect(syncStatus()).toMatchObject({ directoryReady: false, orderHistoryReady: true });
  });

  it('customers keep arriving: their names are not in the name search yet', () => {
    plantCustomer(cache.db, { firstName: 'Quentin', lastName: 'Arrivé', phones: ['+33142685300'], emails: ['quentin@example.fr'], city: 'Paris', country: 'FR' });
    expect(cache.db.$client.prepare(`SELECT count(*) FROM customer_name_fts WHERE customer_name_fts MATCH '"quentin"*'`).pluck().get()).toBe(0);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'quentin' })).toEqual(arrivingAnswer('quentin'));
    expect(sinceLastLook()).toEqual({ scans: [], directoryReads: [] });
  });
});

describe('once the directory’s indexes are built', () => {
  it('the same connections answer in full at once: every kind of lookup, the card, with no scan', () => {
    expect(buildDeferredIndexes(cache.db.$client, undefined, 'directory').sort()).toEqual([...DIRECTORY_NAMES].sort());
    expect(directoryArriving(readerDb.$client)).toBe(false);
    expect(syncStatus().directoryReady).toBe(true);

    const byPhone = reader.ok<LookupSearchOutput>('lookup:search', { query: '020 7946 0958' });
    expect(byPhone).toMatchObject({ directoryArriving: false, noMatch: false, hint: null, normalizedPhone: '+442079460958' });
    expect(byPhone.hits).toMatchObject([
      { customerId: zoe, matchedBy: 'phone', phone: '+44 20 7946 0958', email: 'zoe@example.co.uk', city: 'London', lastOrderAt: new Date(NOW - 9 * DAY).toISOString() },
    ]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'zoe@example.co.uk' }).hits).toMatchObject([{ customerId: zoe, matchedBy: 'email' }]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'zoe' }).hits[0]).toMatchObject({ customerId: zoe, matchedBy: 'name' });
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'Dana Quist' }).hits).toMatchObject([{ customerId: dana, matchedBy: 'name', city: 'Portland' }]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'SB10000000' }).hits).toMatchObject([{ customerId: zoe, matchedBy: 'order', phone: '+44 20 7946 0958' }]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'TR-2041-BLK' }).hits).toMatchObject([{ customerId: zoe, matchedBy: 'sku' }]);
    // Nobody has this number: now, and only now, that is a "no match" (the UI offers a new customer).
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: '07700 900999' })).toMatchObject({ noMatch: true, directoryArriving: false, normalizedPhone: '+447700900999' });

    const card = reader.ok<CustomerCard>('customer:get', { customerId: zoe });
    expect(card).toMatchObject({ contactsArriving: false, orderCount: 1 });
    expect(card.phones).toMatchObject([{ e164: '+442079460958', display: '+44 20 7946 0958', isPrimary: true }]);
    expect(card.emails).toEqual([{ email: 'zoe@example.co.uk', isPrimary: true }]);
    expect(card.addresses).toMatchObject([{ city: 'London', country: 'GB', isPrimary: true }]);

    const { scans, directoryReads } = sinceLastLook();
    expect(scans).toEqual([]);
    expect(directoryReads.length).toBeGreaterThan(0);
  });

  it('the name search finds names written while it was missing (rebuilt from the table), accents folded', () => {
    const quentin = reader.ok<LookupSearchOutput>('lookup:search', { query: 'quentin' }).hits;
    expect(quentin).toMatchObject([{ displayName: 'Quentin Arrivé', matchedBy: 'name', phone: '+33 1 42 68 53 00', city: 'Paris' }]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'arrive' }).hits.map((h) => h.displayName)).toEqual(['Quentin Arrivé']);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'Ångström' }).hits.map((h) => h.customerId)).toEqual([zoe]);
    expect(sinceLastLook().scans).toEqual([]);
  });

  it('a new customer is created, and found by name (the triggers are back) and by number', () => {
    const created = writer.ok<{ customerId: string; e164: string }>('customer:create', newCaller);
    expect(created.e164).toBe('+447700900999');
    expect(outboxRows(cache.db).at(-1)).toMatchObject({ name: 'customer.create', args: { customerId: created.customerId } });
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'wilhelmina' }).hits).toMatchObject([{ customerId: created.customerId, matchedBy: 'name' }]);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: '07700 900999' }).hits).toMatchObject([{ customerId: created.customerId, matchedBy: 'phone' }]);
    expect(sinceLastLook().scans).toEqual([]);
  });

  it('a contact edit goes through, and the new name is searchable at once', () => {
    const out = writer.ok<{ changes: { field: string }[] }>('customer:update-contact', contactForm(zoe));
    expect(out.changes.map((c) => c.field)).toEqual(['last_name', 'phones']);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: 'Berg' }).hits.map((h) => h.customerId)).toEqual([zoe]);
    expect(reader.ok<CustomerCard>('customer:get', { customerId: zoe }).phones).toMatchObject([{ e164: '+442079460958', kind: 'home' }]);
    expect(sinceLastLook().scans).toEqual([]);
  });

  it('a cache that starts over (directory emptied, indexes dropped again) says "arriving" again from statements prepared with them', () => {
    const c = cache.db.$client;
    c.pragma('foreign_keys = OFF');
    try {
      c.exec(`DELETE FROM customer_phones; DELETE FROM customer_emails; DELETE FROM customer_addresses; DELETE FROM customers;`);
    } finally {
      c.pragma('foreign_keys = ON');
    }
    // The products are still there: their search keeps its triggers.
    expect(deferIndexes(c, DIRECTORY_TABLES).sort()).toEqual(DIRECTORY_NAMES.filter((name) => !(PRODUCT_SEARCH_TRIGGERS as readonly string[]).includes(name)).sort());
    ran = [];

    for (const query of QUERIES) expect(reader.ok<LookupSearchOutput>('lookup:search', { query }), query).toEqual(arrivingAnswer(query));
    expect(writer.call('customer:create', newCaller)).toMatchObject({ ok: false, error: { code: 'directory_arriving' } });
    expect(syncStatus().directoryReady).toBe(false);
    expect(sinceLastLook()).toEqual({ scans: [], directoryReads: [] });

    buildDeferredIndexes(c);
    expect(syncStatus().directoryReady).toBe(true);
    expect(reader.ok<LookupSearchOutput>('lookup:search', { query: '07700 900999' })).toMatchObject({ noMatch: true, directoryArriving: false });
  });
});
