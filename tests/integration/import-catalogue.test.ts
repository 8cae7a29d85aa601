/**
 * Product and campaign imports (issue 23) on both backends: a file with every kind of bad row is
 * reported exactly (line, column); a dry run writes nothing; the same file twice changes nothing the
 * second time; a changed row updates its record; prices in other currencies, stock and relations
 * (to the store's products or earlier rows) are written; rows reach the change log (what sync
 * pulls); the store's routes answer admins only and audit counts.
 */
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../server/src/app';
import { createSession } from '../../server/src/auth/sessions';
import { createUser } from '../../server/src/auth/users';
import type { Store } from '../../server/src/db/connect';
import type { ImportReport } from '../../server/src/import/customers';
import { csvLine } from '../../server/src/import/error-file';
import { runImport } from '../../server/src/import/run';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

const P_HEADER = ['source_id', 'sku', 'name', 'category', 'brand', 'price', 'currency', 'prices', 'stock', 'tax_class', 'status', 'consumable', 'replenish_days', 'related'];
/** [row, the column it is refused for, or null]; the header is line 1. */
const P_ROWS: [string[], string | null][] = [
  [['p1', 'IMP-1', 'Trail shoe Ω', 'Running Shoes', 'Fleet', '89.90', 'USD', 'EUR:84.00;GBP:72.50', '40', '', '', '', '', ''], null], // 2
  [['p2', 'imp-2', 'Shoe cleaner', 'care', 'Fleet', '6.50', '', '', '', 'reduced', '', 'yes', '90', 'complement:IMP-1'], null], // 3
  [['', 'IMP-3', 'No id', 'care', '', '1.00', '', '', '', '', '', '', '', ''], 'source_id'], // 4
  [['p4', '', 'No sku', 'care', '', '1.00', '', '', '', '', '', '', '', ''], 'sku'], // 5
  [['p5', 'IMP-5', '', 'care', '', '1.00', '', '', '', '', '', '', '', ''], 'name'], // 6
  [['p6', 'IMP-6', 'Free?', 'care', '', '-3', '', '', '', '', '', '', '', ''], 'price'], // 7
  [['p7', 'IMP-7', 'Yen', 'care', '', '3.00', 'JPY', '', '', '', '', '', '', ''], 'currency'], // 8
  [['p8', 'IMP-8', 'Bad prices', 'care', '', '3.00', '', 'EUR=x', '', '', '', '', '', ''], 'prices'], // 9
  [['p9', 'IMP-9', 'Bad stock', 'care', '', '3.00', '', '', '-1', '', '', '', '', ''], 'stock'], // 10
  [['p10', 'IMP-10', 'Bad tax', 'care', '', '3.00', '', '', '', 'luxury', '', '', '', ''], 'tax_class'], // 11
  [['p11', 'IMP-11', 'Bad status', 'care', '', '3.00', '', '', '', '', 'sold', '', '', ''], 'status'], // 12
  [['p12', 'IMP-12', 'Bad flag', 'care', '', '3.00', '', '', '', '', '', 'sometimes', '', ''], 'consumable'], // 13
  [['p13', 'IMP-13', 'Bad days', 'care', '', '3.00', '', '', '', '', '', '', '0', ''], 'replenish_days'], // 14
  [['p14', 'IMP-14', 'Bad kind', 'care', '', '3.00', '', '', '', '', '', '', '', 'sibling:IMP-1'], 'related'], // 15
  [['p15', 'IMP-15', 'Unknown rel', 'care', '', '3.00', '', '', '', '', '', '', '', 'accessory:NOPE-1'], 'related'], // 16
  [['p1', 'IMP-16', 'Twice id', 'care', '', '3.00', '', '', '', '', '', '', '', ''], 'source_id'], // 17
  [['p17', 'IMP-1', 'Twice sku', 'care', '', '3.00', '', '', '', '', '', '', '', ''], 'sku'], // 18
  [['p18', 'IMP-18', 'Self', 'care', '', '3.00', '', '', '', '', '', '', '', 'accessory:IMP-18'], 'related'], // 19
];
const P_FILE = P_HEADER.join(',') + '\r\n' + P_ROWS.map(([row]) => csvLine(row)).join('');

const C_HEADER = ['source_id', 'code', 'name', 'rule', 'value', 'starts_at', 'family', 'channel', 'currency', 'min_order', 'ends_at', 'active'];
const C_ROWS: [string[], string | null][] = [
  [['k1', 'spring10', 'Spring ten', 'percent', '10', '2026-03-01', 'spring', 'both', '', '50.00', '2026-03-31', 'yes'], null], // 2
  [['k2', 'SHIPFREE', 'Free shipping', 'free_shipping', '', '2026-03-01T09:00:00Z', '', 'online', '', '', '', ''], null], // 3
  [['k3', 'FIVE', 'Five off', 'amount', '5.00', '2026-04-01', '', '', 'GBP', '', '', 'no'], null], // 4
  [['', 'NOID', 'No id', 'percent', '5', '2026-03-01', '', '', '', '', '', ''], 'source_id'], // 5
  [['k5', 'bad code!', 'Bad code', 'percent', '5', '2026-03-01', '', '', '', '', '', ''], 'code'], // 6
  [['k6', 'NONAME', '', 'percent', '5', '2026-03-01', '', '', '', '', '', ''], 'name'], // 7
  [['k7', 'NORULE', 'No rule', 'bogo', '5', '2026-03-01', '', '', '', '', '', ''], 'rule'], // 8
  [['k8', 'BIGPCT', 'Too much', 'percent', '150', '2026-03-01', '', '', '', '', '', ''], 'value'], // 9
  [['k9', 'NOCUR', 'No currency', 'amount', '5.00', '2026-03-01', '', '', '', '', '', ''], 'currency'], // 10
  [['k10', 'BADCH', 'Bad channel', 'percent', '5', '2026-03-01', '', 'radio', '', '', '', ''], 'channel'], // 11
  [['k11', 'BADDATE', 'Bad date', 'percent', '5', '1 March', '', '', '', '', '', ''], 'starts_at'], // 12
  [['k12', 'BACKWARDS', 'Ends first', 'percent', '5', '2026-03-10', '', '', '', '', '2026-03-01', ''], 'ends_at'], // 13
  [['k13', 'BADMIN', 'Bad minimum', 'percent', '5', '2026-03-01', '', '', '', 'lots', '', ''], 'min_order'], // 14
  [['k14', 'BADACT', 'Bad active', 'percent', '5', '2026-03-01', '', '', '', '', '', 'perhaps'], 'active'], // 15
  [['k15', 'SPRING10', 'Twice code', 'percent', '5', '2026-03-01', '', '', '', '', '', ''], 'code'], // 16
];
const C_FILE = C_HEADER.join(',') + '\r\n' + C_ROWS.map(([row]) => csvLine(row)).join('');

const O_HEADER = ['source_id', 'number', 'customer_source_id', 'placed_at', 'sku', 'quantity', 'unit_price', 'status', 'channel', 'currency', 'campaign_code', 'shipping', 'tax', 'discount'];
/** [row, the column it is refused for ('' for a line refused with its order), or null]. */
const O_ROWS: [string[], string | null][] = [
  [['o1', 'web-1001', 'cust-1', '2026-02-01T10:00:00Z', 'IMP-1', '2', '79.90', 'paid', 'web', 'USD', 'SPRING10', '4.95', '0', '10.00'], null], // 2
  [['o1', '', '', '', 'imp-2', '1', '6.50', '', '', '', '', '', '', ''], null], // 3: a second line of o1
  [['o2', 'WEB-1002', 'cust-1', '2026-02-02', 'IMP-2', '0', '6.50', '', '', '', '', '', '', ''], 'quantity'], // 4
  [['o3', 'WEB-1003', 'cust-1', '2026-02-03', 'IMP-2', '1', '6.50', '', '', '', '', '', '', ''], null], // 5
  [['o3', '', '', '', 'IMP-1', '1', 'free', '', '', '', '', '', '', ''], 'unit_price'], // 6: refuses o3 whole
  [['o4', 'WEB-1004', 'nobody', '2026-02-04', 'IMP-2', '1', '6.50', '', '', '', '', '', '', ''], 'customer_source_id'], // 7
  [['o5', 'WEB-1005', 'cust-1', '2026-02-05', 'NOPE-9', '1', '6.50', '', '', '', '', '', '', ''], 'sku'], // 8
  [['o6', 'WEB-1006', 'cust-1', 'yesterday', 'IMP-2', '1', '6.50', '', '', '', '', '', '', ''], 'placed_at'], // 9
  [['o7', 'WEB-1007', 'cust-1', '2026-02-07', 'IMP-2', '1', '6.50', 'lost', '', '', '', '', '', ''], 'status'], // 10
  [['o8', 'WEB-1008', 'cust-1', '2026-02-08', 'IMP-2', '1', '6.50', '', 'fax', '', '', '', '', ''], 'channel'], // 11
  [['o9', 'WEB-1009', 'cust-1', '2026-02-09', 'IMP-2', '1', '6.50', '', '', 'JPY', '', '', '', ''], 'currency'], // 12
  [['o10', 'WEB-1001', 'cust-1', '2026-02-10', 'IMP-2', '1', '6.50', '', '', '', '', '', '', ''], 'number'], // 13
  [['o1', 'WEB-1011', 'cust-1', '2026-02-11', 'IMP-2', '1', '6.50', '', '', '', '', '', '', ''], 'source_id'], // 14: o1 again, not consecutive
  [['o12', 'WEB-1012', 'cust-1', '2026-02-12', 'IMP-2', '1', '6.50', '', '', '', '', '-1', '', ''], 'shipping'], // 15
];
const O_FILE = O_HEADER.join(',') + '\r\n' + O_ROWS.map(([row]) => csvLine(row)).join('');

const expected = (rows: [string[], string | null][]) => rows.flatMap(([, column], i) => (column ? [{ line: i + 2, column }] : []));
/** The problems by line (an unknown related SKU is found when its batch is written, after the rows checked alone). */
const byLine = (report: ImportReport) => report.refusedRows.map(({ line, column }) => ({ line, column })).sort((a, b) => a.line - b.line);

async function run(store: Store, kind: 'products' | 'campaigns' | 'orders' | 'customers', text: string, dryRun = false): Promise<{ report: ImportReport; errors: string }> {
  let errors = '';
  const report = await runImport(store, Readable.from([Buffer.from(text, 'utf8')]), {
    kind,
    format: 'csv',
    source: 'shop',
    dryRun,
    errorFile: (chunk) => {
      errors += chunk;
    },
  });
  return { report, errors };
}

const count = async (store: Store, from: string) => Number((await queryRows<{ n: string }>(store, sql.raw(`select count(*) as n from ${from}`)))[0]!.n);

function suite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`product and campaign import on ${backend.name}`, () => {
    let location: StoreLocation;
    let store: Store;
    let app: FastifyInstance;
    let adminToken: string;
    let csrToken: string;

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
      app = buildServer({ store, logger: false, scrypt: FAST_SCRYPT });
      const admin = await createUser(store.db, { username: 'cat-admin', displayName: 'Admin', role: 'admin', password: 'import pass one' }, FAST_SCRYPT);
      const csr = await createUser(store.db, { username: 'cat-csr', displayName: 'CSR', role: 'csr', password: 'import pass two' }, FAST_SCRYPT);
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

    it('products: every kind of bad row reported exactly; a dry run writes nothing; then written with prices, stock and relations; twice is a no-op', async () => {
      const dry = await run(store, 'products', P_FILE, true);
      expect(dry.report).toMatchObject({ kind: 'products', dryRun: true, rowsRead: P_ROWS.length, created: 2, refused: P_ROWS.length - 2 });
      expect(byLine(dry.report)).toEqual(expected(P_ROWS));
      expect(await count(store, "products where sku like 'IMP-%'")).toBe(0);

      const logBefore = await count(store, "change_log where table_name = 'products'");
      const first = await run(store, 'products', P_FILE);
      expect(first.report).toMatchObject({ created: 2, updated: 0, unchanged: 0, refused: P_ROWS.length - 2 });
      expect(byLine(first.report)).toEqual(expected(P_ROWS));
      const errorLines = first.errors.trimEnd().split('\r\n');
      expect(errorLines[0]).toBe([...P_HEADER, '_errors'].join(','));
      expect(errorLines).toHaveLength(1 + P_ROWS.length - 2);

      const products = await queryRows<{ sku: string; name: string; category: string; price_cents: number; stock: number; tax_class: string; is_consumable: boolean; replenish_days: number | null }>(
        store,
        sql`select sku, name, category, price_cents, stock, tax_class, is_consumable, replenish_days from products where sku like 'IMP-%' order by sku`,
      );
      expect(products).toEqual([
        { sku: 'IMP-1', name: 'Trail shoe Ω', category: 'running-shoes', price_cents: 8990, stock: 40, tax_class: 'standard', is_consumable: false, replenish_days: null },
        { sku: 'IMP-2', name: 'Shoe cleaner', category: 'care', price_cents: 650, stock: 0, tax_class: 'reduced', is_consumable: true, replenish_days: 90 },
      ]);
      const prices = await queryRows<{ currency: string; price_cents: number }>(store, sql`select pp.currency, pp.price_cents from product_prices pp join products p on p.id = pp.product_id where p.sku = 'IMP-1' order by currency`);
      expect(prices).toEqual([
        { currency: 'EUR', price_cents: 8400 },
        { currency: 'GBP', price_cents: 7250 },
        { currency: 'USD', price_cents: 8990 },
      ]);
      const relations = await queryRows<{ kind: string; to: string }>(
        store,
        sql`select r.kind, t.sku as to from product_relations r join products p on p.id = r.product_id join products t on t.id = r.related_product_id where p.sku = 'IMP-2'`,
      );
      expect(relations).toEqual([{ kind: 'complement', to: 'IMP-1' }]);
      // Through the change log, as sync pulls it.
      expect(await count(store, "change_log where table_name = 'products'")).toBe(logBefore + 2);

      const second = await run(store, 'products', P_FILE);
      expect(second.report).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
      expect(await count(store, "change_log where table_name = 'products'")).toBe(logBefore + 2);

      // A changed row updates its product; stock left empty keeps the store's.
      const changed = P_HEADER.join(',') + '\r\n' + csvLine(['p1', 'IMP-1', 'Trail shoe Ω v2', 'running-shoes', 'Fleet', '79.90', 'USD', 'EUR:74.00;GBP:62.50', '', '', '', '', '', '']);
      const third = await run(store, 'products', changed);
      expect(third.report).toMatchObject({ created: 0, updated: 1, unchanged: 0, refused: 0 });
      expect(await queryRows(store, sql`select name, price_cents, stock from products where sku = 'IMP-1'`)).toEqual([{ name: 'Trail shoe Ω v2', price_cents: 7990, stock: 40 }]);
    });

    it('campaigns: every kind of bad row reported exactly; written once; the same file again is a no-op', async () => {
      const dry = await run(store, 'campaigns', C_FILE, true);
      expect(dry.report).toMatchObject({ kind: 'campaigns', created: 3, refused: C_ROWS.length - 3 });
      expect(dry.report.refusedRows.map(({ line, column }) => ({ line, column }))).toEqual(expected(C_ROWS));
      expect(await count(store, "campaigns where code in ('SPRING10', 'SHIPFREE', 'FIVE')")).toBe(0);

      const first = await run(store, 'campaigns', C_FILE);
      expect(first.report).toMatchObject({ created: 3, updated: 0, unchanged: 0, refused: C_ROWS.length - 3 });
      const rows = await queryRows<{ code: string; rule: string; value: number; currency: string | null; min_order_cents: number; starts_at: string; ends_at: string | null; active: boolean; channel: string }>(
        store,
        sql`select code, rule, value, currency, min_order_cents, starts_at, ends_at, active, channel from campaigns where code in ('SPRING10', 'SHIPFREE', 'FIVE') order by code`,
      );
      expect(rows.map((r) => ({ ...r, starts_at: Number(r.starts_at), ends_at: r.ends_at === null ? null : Number(r.ends_at) }))).toEqual([
        { code: 'FIVE', rule: 'amount', value: 500, currency: 'GBP', min_order_cents: 0, starts_at: Date.UTC(2026, 3, 1), ends_at: null, active: false, channel: 'both' },
        { code: 'SHIPFREE', rule: 'free_shipping', value: 0, currency: null, min_order_cents: 0, starts_at: Date.UTC(2026, 2, 1, 9), ends_at: null, active: true, channel: 'online' },
        { code: 'SPRING10', rule: 'percent', value: 10, currency: null, min_order_cents: 5000, starts_at: Date.UTC(2026, 2, 1), ends_at: Date.UTC(2026, 2, 31), active: true, channel: 'both' },
      ]);
      const again = await run(store, 'campaigns', C_FILE);
      expect(again.report).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    });

    it('orders with lines: every kind of bad row reported, an order taken whole or not at all; the same file again is a no-op; totals and lines written', async () => {
      await run(store, 'customers', 'source_id,first_name,last_name\r\ncust-1,Olga,Orderly\r\n');
      const dry = await run(store, 'orders', O_FILE, true);
      expect(dry.report).toMatchObject({ kind: 'orders', rowsRead: O_ROWS.length, created: 1 });
      expect(await count(store, "orders where number like 'WEB-10%'")).toBe(0);

      const first = await run(store, 'orders', O_FILE);
      expect(first.report).toMatchObject({ created: 1, updated: 0, unchanged: 0, refused: O_ROWS.length - 2 });
      // Each bad row's own column; line 5 (a good line of o3) refused with its order.
      const problems = byLine(first.report);
      expect(problems.filter((p) => p.column !== '')).toEqual(expected(O_ROWS));
      expect(problems.filter((p) => p.column === '').map((p) => p.line)).toEqual([5]);
      expect(first.errors.trimEnd().split('\r\n')).toHaveLength(1 + O_ROWS.length - 2);

      const orders = await queryRows<{ number: string; status: string; subtotal_cents: number; total_cents: number; campaign_code: string; lines: string }>(
        store,
        sql`select o.number, o.status, o.subtotal_cents, o.total_cents, o.campaign_code, string_agg(l.sku || 'x' || l.quantity, ',' order by l.line_no) as lines
          from orders o join order_lines l on l.order_id = o.id where o.number like 'WEB-10%' group by o.id`,
      );
      expect(orders).toEqual([{ number: 'WEB-1001', status: 'paid', subtotal_cents: 2 * 7990 + 650, total_cents: 2 * 7990 + 650 - 1000 + 495, campaign_code: 'SPRING10', lines: 'IMP-1x2,IMP-2x1' }]);
      expect(await count(store, "change_log where table_name = 'order_lines'")).toBeGreaterThanOrEqual(2);

      const again = await run(store, 'orders', O_FILE);
      expect(again.report).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
      const changed = O_HEADER.join(',') + '\r\n' + csvLine(['o1', 'WEB-1001', 'cust-1', '2026-02-01T10:00:00Z', 'IMP-1', '1', '79.90', 'shipped', 'web', 'USD', 'SPRING10', '4.95', '0', '10.00']);
      const third = await run(store, 'orders', changed);
      expect(third.report).toMatchObject({ created: 0, updated: 1, refused: 0 });
      expect(await queryRows(store, sql`select o.status, count(l.id)::int as lines from orders o join order_lines l on l.order_id = o.id where o.number = 'WEB-1001' group by o.id`)).toEqual([{ status: 'shipped', lines: 1 }]);
    });

    it('POST /import/products and /import/campaigns: admins only, the report, audited; a file without the required columns is refused', async () => {
      const body = C_HEADER.join(',') + '\r\n' + csvLine(['r1', 'ROUTE5', 'Route five', 'percent', '5', '2026-05-01', '', '', '', '', '', '']);
      const refused = await app.inject({ method: 'POST', url: '/import/campaigns', payload: body, headers: { 'content-type': 'text/csv', authorization: `Bearer ${csrToken}` } });
      expect(refused.statusCode).toBe(403);
      const res = await app.inject({ method: 'POST', url: '/import/campaigns?source=shop', payload: body, headers: { 'content-type': 'text/csv', authorization: `Bearer ${adminToken}` } });
      expect(res.statusCode).toBe(200);
      expect(res.json().value).toMatchObject({ kind: 'campaigns', created: 1, refused: 0, errorFile: null });
      const bad = await app.inject({ method: 'POST', url: '/import/products', payload: 'sku,name\r\nA,B\r\n', headers: { 'content-type': 'text/csv', authorization: `Bearer ${adminToken}` } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      const audit = await queryRows<{ subject: string; detail: string }>(store, sql`select subject, detail from audit_log where action = 'data_imported' order by seq`);
      expect(audit).toEqual([{ subject: 'campaigns:shop', detail: 'cat-admin imported a campaign file from "shop": 1 rows read, 1 created, 0 updated, 0 unchanged, 0 refused.' }]);
    });
  });
}

suite(pgliteBackend, undefined);
suite(postgresBackend, postgresSkip);
