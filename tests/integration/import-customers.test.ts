/**
 * Customer import (issue 23) on both backends: a file with every kind of bad row is reported
 * exactly (line, column); a dry run writes nothing; a second import of the same file changes
 * nothing; a changed row updates with its contact history; the error file, fixed, imports; names
 * and addresses in any script survive byte for byte; a number no phone library reads is kept as
 * written, unverified, and found by its digits; imported rows are in the change log (what sync
 * pulls); the store's route answers the same report to an admin and audits counts only.
 */
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../server/src/app';
import { createSession } from '../../server/src/auth/sessions';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import { runCustomerImport } from '../../server/src/import/run';
import { readPullPage } from '../../server/src/sync/pull';
import type { PullResponse } from '../../src-shared/contracts/sync-protocol';
import type { ImportReport } from '../../server/src/import/customers';
import { csvLine } from '../../server/src/import/error-file';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

const HEADER = ['source_id', 'first_name', 'last_name', 'email', 'phone', 'address_line1', 'address_line2', 'city', 'postal_code', 'country', 'marketing_consent'];
// Built at run time: the only card number here is the one the import must refuse.
const CARD = ['4111', '1111', '1111', '1111'].join(' ');
const LONG_NAME = 'N'.repeat(101);
const UNICODE = { first: 'Zoë Ǆ', last: 'Ångström-李小龍 (Ольга) محمد', line1: '1 Rue de l’Église, Bâtiment Ω', city: 'Zürich' };

/** [row, what is wrong with it or null]; line numbers follow from the header (line 1) and one two-line field. */
const ROWS: [string[], { column: string } | null][] = [
  [['c1', UNICODE.first, UNICODE.last, 'zoe@example.com', '+44 20 7946 0958', UNICODE.line1, '', UNICODE.city, '8001', 'CH', 'yes'], null], // line 2
  [['c2', '', 'Nameless', '', '', '', '', '', '', '', ''], { column: 'first_name' }], // 3
  [['c3', 'Bad', 'Email', 'not-an-email', '', '', '', '', '', '', ''], { column: 'email' }], // 4
  [['c4', 'Old', 'Number', '', '88.60.15.31', '', '', '', '', 'FR', 'no'], null], // 5: kept unverified
  [['c1', 'Twice', 'Given', '', '', '', '', '', '', '', ''], { column: 'source_id' }], // 6
  [['c6', 'Long', LONG_NAME, '', '', '', '', '', '', '', ''], { column: 'last_name' }], // 7
  [['c7', 'Card', 'Holder', '', '', CARD, '', 'Leeds', '', 'GB', ''], { column: 'address_line1' }], // 8
  [['c8', 'Bad', 'Country', '', '', '2 Side St', '', 'Nowhere', '', 'XX', ''], { column: 'country' }], // 9
  [['c9', 'Short', 'Phone', '', '12', '', '', '', '', 'GB', ''], { column: 'phone' }], // 10
  [['c10', 'Multi', 'Line', 'ML@Example.com; other@example.com', '020 7946 0959; 020 7946 0960', '3 Long Rd', 'Flat 2\nBack door', 'London', 'N1 1AA', 'GB', ''], null], // 11–12
  [['c11', 'After', 'Break', '', '+1 212 555 0100', '', '', '', '', '', 'maybe'], { column: 'marketing_consent' }], // 13
];
const BAD_LINES = [3, 4, 6, 7, 8, 9, 10, 13];
const FILE = HEADER.join(',') + '\r\n' + ROWS.map(([row]) => csvLine(row)).join('');

async function run(store: Store, text: string, options: { dryRun?: boolean; format?: 'csv' | 'json' } = {}): Promise<{ report: ImportReport; errors: string }> {
  let errors = '';
  const report = await runCustomerImport(store, Readable.from([Buffer.from(text, 'utf8')]), {
    format: options.format ?? 'csv',
    source: 'shop',
    dryRun: options.dryRun ?? false,
    agentId: 'importer',
    errorFile: (chunk) => {
      errors += chunk;
    },
  });
  return { report, errors };
}

/** What a workstation pulls from `cursor` until it is caught up: the rows of each table by key, and the cursor then. */
async function pullFrom(store: Store, cursor: string | null): Promise<{ cursor: string; rows: Map<string, unknown[][]> }> {
  const rows = new Map<string, unknown[][]>();
  for (;;) {
    const page = await readPullPage(store.db, { cursor, limit: 5000 });
    const value = (JSON.parse(page.json) as { value: PullResponse }).value;
    for (const [table, part] of Object.entries(value.changes)) rows.set(table, [...(rows.get(table) ?? []), ...(part?.rows ?? [])]);
    cursor = page.cursor;
    if (!page.hasMore) return { cursor, rows };
  }
}

const count = async (store: Store, table: string) => Number((await queryRows<{ n: string }>(store, sql.raw(`select count(*) as n from ${table}`)))[0]!.n);

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`customer import on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let adminToken: string;
    let csrToken: string;
    /** A workstation's place in the change log before anything was imported. */
    let caughtUp: string;

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      app = buildServer({ store, logger: false, scrypt: FAST_SCRYPT });
      const admin = await createUser(store.db, { username: 'import-admin', displayName: 'Admin', role: 'admin', password: 'import pass one' }, FAST_SCRYPT);
      const csr = await createUser(store.db, { username: 'import-csr', displayName: 'CSR', role: 'csr', password: 'import pass two' }, FAST_SCRYPT);
      adminToken = (await createSession(store.db, admin.id, Date.now(), 3_600_000)).token;
      csrToken = (await createSession(store.db, csr.id, Date.now(), 3_600_000)).token;
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await location?.dispose();
    });

    beforeEach((ctx) => {
      if (skipReason) ctx.skip(skipReason);
    });

    it('a dry run checks every row, reports exactly the bad ones, and writes nothing', async () => {
      caughtUp = (await pullFrom(store, null)).cursor;
      const { report } = await run(store, FILE, { dryRun: true });
      expect(report).toMatchObject({ dryRun: true, rowsRead: ROWS.length, created: 3, updated: 0, unchanged: 0, refused: BAD_LINES.length });
      expect(report.refusedRows.map((r) => [r.line, r.column])).toEqual(
        ROWS.flatMap(([, bad], i) => (bad ? [[[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13][i], bad.column]] : [])),
      );
      expect(await count(store, 'customers')).toBe(0);
      expect(await count(store, 'change_log')).toBe(0);
    });

    it('imports the good rows, refuses the bad ones with line, column, value and reason, and writes the error file', async () => {
      const { report, errors } = await run(store, FILE);
      expect(report).toMatchObject({ dryRun: false, rowsRead: ROWS.length, created: 3, updated: 0, unchanged: 0, refused: BAD_LINES.length });
      expect(report.refusedRows.map((r) => r.line)).toEqual(BAD_LINES);
      expect(report.refusedRows.find((r) => r.line === 4)).toMatchObject({ column: 'email', value: 'not-an-email', reason: 'Not an email address.' });
      expect(report.refusedRows.find((r) => r.line === 6)?.reason).toMatch(/earlier row/);
      expect(report.refusedRows.find((r) => r.line === 8)?.reason).toMatch(/card/i);

      // The error file: the header plus `_errors`, then each refused row as it was.
      const lines = errors.split('\r\n').filter(Boolean);
      expect(lines[0]).toBe([...HEADER, '_errors'].join(','));
      expect(lines).toHaveLength(1 + BAD_LINES.length);
      expect(lines[1]).toMatch(/^c2,,Nameless,.*first_name: First name is required\./);

      // Byte for byte, whatever the script.
      const [c1] = await queryRows<{ first_name: string; last_name: string; line1: string; city: string }>(
        store,
        sql`select c.first_name, c.last_name, a.line1, a.city from customers c join customer_sources s on s.customer_id = c.id join customer_addresses a on a.customer_id = c.id where s.source_id = 'c1'`,
      );
      expect(Buffer.from(c1!.first_name)).toEqual(Buffer.from(UNICODE.first));
      expect(Buffer.from(c1!.last_name)).toEqual(Buffer.from(UNICODE.last));
      expect(Buffer.from(c1!.line1)).toEqual(Buffer.from(UNICODE.line1));
      expect(c1!.city).toBe(UNICODE.city);

      // Phones: E.164 when read; the old French number kept as written, unverified, under its digits.
      const phones = await queryRows<{ source_id: string; e164: string; raw: string; verified: boolean; is_primary: boolean }>(
        store,
        sql`select c.source_id, p.e164, p.raw, p.verified, p.is_primary from customer_phones p join customer_sources c on c.customer_id = p.customer_id order by c.source_id, p.is_primary desc, p.e164`,
      );
      expect(phones).toEqual([
        { source_id: 'c1', e164: '+442079460958', raw: '+44 20 7946 0958', verified: true, is_primary: true },
        { source_id: 'c10', e164: '+442079460959', raw: '020 7946 0959', verified: true, is_primary: true },
        { source_id: 'c10', e164: '+442079460960', raw: '020 7946 0960', verified: true, is_primary: false },
        { source_id: 'c4', e164: '88601531', raw: '88.60.15.31', verified: false, is_primary: true },
      ]);
      const emails = await queryRows<{ email: string }>(store, sql`select email from customer_emails order by email`);
      expect(emails.map((e) => e.email)).toEqual(['ml@example.com', 'other@example.com', 'zoe@example.com']);

      // Every imported row is in the change log, which is what workstations pull.
      const logged = await queryRows<{ table_name: string; n: string }>(store, sql`select table_name, count(*) as n from change_log group by table_name order by table_name`);
      expect(Object.fromEntries(logged.map((r) => [r.table_name, Number(r.n)]))).toEqual({ customer_addresses: 2, customer_emails: 3, customer_phones: 4, customers: 3 });
      // A workstation that was caught up pulls them from the log, without starting over.
      const pulled = await pullFrom(store, caughtUp);
      expect(pulled.rows.get('customers')?.map((r) => r[1]).sort()).toEqual(['Multi', 'Old', UNICODE.first].sort());
      expect(pulled.rows.get('customer_phones')).toHaveLength(4);
      expect(pulled.rows.get('customer_emails')).toHaveLength(3);
      expect(pulled.rows.get('customer_addresses')).toHaveLength(2);
    });

    it('finds the unverified number by the digits a CSR types', async () => {
      const res = await app.inject({ method: 'GET', url: '/lookup/phone?number=88%2060%2015%2031&region=FR', headers: { authorization: `Bearer ${adminToken}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json().value.hits).toMatchObject([{ displayName: 'Old Number', e164: '88601531', verified: false }]);
    });

    it('importing the same file again changes nothing', async () => {
      const logBefore = await count(store, 'change_log');
      const { report } = await run(store, FILE);
      expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 3, refused: BAD_LINES.length });
      expect(await count(store, 'change_log')).toBe(logBefore);
      expect(await count(store, 'customers')).toBe(3);
    });

    it('a changed row updates its record and keeps the change in the contact history', async () => {
      const changed = [HEADER, ['c1', UNICODE.first, 'Ångström-Smith', 'zoe.new@example.com', '+44 20 7946 0958', UNICODE.line1, '', UNICODE.city, '8001', 'CH', 'yes'], ROWS[3]![0]];
      const { report } = await run(store, changed.map((r) => csvLine(r)).join(''));
      expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 1, refused: 0 });
      const edits = await queryRows<{ field: string; old_value: string; new_value: string; agent_id: string }>(
        store,
        sql`select field, old_value, new_value, agent_id from contact_edits order by field`,
      );
      expect(edits).toEqual([
        { field: 'emails', old_value: 'zoe@example.com', new_value: 'zoe.new@example.com', agent_id: 'importer' },
        { field: 'last_name', old_value: UNICODE.last, new_value: 'Ångström-Smith', agent_id: 'importer' },
      ]);
      const [c1] = await queryRows<{ last_name: string }>(store, sql`select last_name from customers c join customer_sources s on s.customer_id = c.id where s.source_id = 'c1'`);
      expect(c1!.last_name).toBe('Ångström-Smith');
      // Again: unchanged.
      expect((await run(store, changed.map((r) => csvLine(r)).join(''))).report).toMatchObject({ updated: 0, unchanged: 2 });
    });

    it('the error file, fixed, imports its rows', async () => {
      const { errors } = await run(store, FILE, { dryRun: true });
      const fixed = errors
        .replace('c2,,Nameless', 'c2,Named,Nameless')
        .replace('not-an-email', 'bad@example.com')
        .replace('c1,Twice,Given', 'c5,Twice,Given')
        .replace(LONG_NAME, 'Short')
        .replace(CARD, '7 Mill Lane')
        .replace(',XX,', ',GB,')
        .replace(',12,', ',020 7946 0961,')
        .replace(',maybe,', ',no,');
      const { report } = await run(store, fixed);
      expect(report.refusedRows).toEqual([]);
      expect(report).toMatchObject({ rowsRead: BAD_LINES.length, created: BAD_LINES.length, refused: 0 });
    });

    it('reads JSON lines and JSON arrays the same way', async () => {
      const objects = [
        { source_id: 'j1', first_name: 'Jéan', last_name: 'Lines', phone: ['+44 20 7946 0962'], marketing_consent: true },
        { source_id: 'j2', first_name: '', last_name: 'Bad' },
      ];
      const lines = await run(store, objects.map((o) => JSON.stringify(o)).join('\n'), { format: 'json' });
      expect(lines.report).toMatchObject({ created: 1, refused: 1, refusedRows: [{ line: 2, column: 'first_name' }] });
      expect(JSON.parse(lines.errors.trim())).toMatchObject({ source_id: 'j2', _errors: 'first_name: First name is required.' });
      const array = await run(store, `[\n${objects.map((o) => JSON.stringify(o, null, 1)).join(',\n')}\n]`, { format: 'json' });
      expect(array.report).toMatchObject({ created: 0, unchanged: 1, refused: 1 });
    });

    it('POST /import/customers: admins only, the same report, audited with counts only', async () => {
      const body = [HEADER, ['r1', 'Route', 'Person', '', '+44 20 7946 0963', '', '', '', '', '', ''], ['r2', '', 'Nobody', '', '', '', '', '', '', '', '']].map((r) => csvLine(r)).join('');
      const refused = await app.inject({ method: 'POST', url: '/import/customers', payload: body, headers: { 'content-type': 'text/csv', authorization: `Bearer ${csrToken}` } });
      expect(refused.statusCode).toBe(403);

      const dry = await app.inject({ method: 'POST', url: '/import/customers?source=shop&dryRun=1', payload: body, headers: { 'content-type': 'text/csv', authorization: `Bearer ${adminToken}` } });
      expect(dry.statusCode).toBe(200);
      expect(dry.json().value).toMatchObject({ dryRun: true, created: 1, refused: 1, refusedRows: [{ line: 3, column: 'first_name' }] });
      expect(await count(store, "customer_sources where source_id = 'r1'")).toBe(0);

      const res = await app.inject({ method: 'POST', url: '/import/customers?source=shop', payload: body, headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${adminToken}` } });
      expect(res.statusCode).toBe(200);
      const value = res.json().value;
      expect(value).toMatchObject({ created: 1, refused: 1, refusedTruncated: false, errorFileTooLarge: false });
      expect(value.errorFile).toMatch(/^source_id,.*,_errors\r\nr2,,Nobody,/);

      const audit = await queryRows<{ action: string; detail: string }>(store, sql`select action, detail from audit_log where action = 'data_imported' order by seq`);
      expect(audit.map((a) => a.detail)).toEqual([
        'import-admin checked (dry run, nothing written) a customer file from "shop": 2 rows read, 1 created, 0 updated, 0 unchanged, 1 refused.',
        'import-admin imported a customer file from "shop": 2 rows read, 1 created, 0 updated, 0 unchanged, 1 refused.',
      ]);

      const bad = await app.inject({ method: 'POST', url: '/import/customers', payload: 'name,phone\r\nA,1\r\n', headers: { 'content-type': 'text/csv', authorization: `Bearer ${adminToken}` } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      const badQuery = await app.inject({ method: 'POST', url: '/import/customers?source=Bad%20Name', payload: body, headers: { 'content-type': 'text/csv', authorization: `Bearer ${adminToken}` } });
      expect(badQuery.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'source' } });
    });

    it('POST /import/customers?progress=1: NDJSON progress lines, then the report; a file that cannot be read ends with its refusal', async () => {
      const rows = Array.from({ length: 25 }, (_, i) => ['p' + i, 'Progress', `Person ${i}`, '', '', '', '', '', '', '', '']);
      const body = [HEADER, ...rows, ['p-bad', '', 'Nobody', '', '', '', '', '', '', '', '']].map((r) => csvLine(r)).join('');
      const res = await app.inject({ method: 'POST', url: '/import/customers?source=progress&progress=1', payload: body, headers: { 'content-type': 'text/csv', authorization: `Bearer ${adminToken}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines[0]).toMatchObject({ progress: { rowsRead: 26, created: 25 } });
      expect(lines.at(-1)).toMatchObject({ ok: true, value: { created: 25, refused: 1, refusedRows: [{ line: 27, column: 'first_name' }] } });
      expect((lines.at(-1) as { value: { errorFile: string } }).value.errorFile).toMatch(/\r\np-bad,,Nobody,/);

      const bad = await app.inject({ method: 'POST', url: '/import/customers?progress=1', payload: 'name,phone\r\nA,1\r\n', headers: { 'content-type': 'text/csv', authorization: `Bearer ${adminToken}` } });
      expect(bad.statusCode).toBe(200);
      expect(JSON.parse(bad.body.trim())).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(await count(store, "customer_sources where source = 'progress'")).toBe(25);
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
