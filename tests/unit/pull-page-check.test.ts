/**
 * checkPullPage: the client's check of a pull page (src-shared/sync/pull-page-check.ts). It
 * replaces zod per cell with a loop, and is stricter: exact column lists, exact row width, and each
 * cell of its column's kind. Every refusal names where (table, row, column) and what was found.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkPullPage } from '../../src-shared/sync/pull-page-check';
import { StoreClient } from '../../src-main/core/sync/store-client';
import { closeLocalServers, serveLocally } from '../helpers/local-http';
import { pullResponse } from '../../src-shared/contracts/sync-protocol';
import { syncTable, type SyncTableName } from '../../src-shared/sync/tables';

const STORE_ID = '5b0e6a4c-8f1d-4c53-9a34-5f6d1e2a7b90';
const ORDER_ID = 'c0a80101-0000-4000-8000-000000000001';
const PRODUCT_ID = 'c0a80101-0000-4000-8000-0000000000aa';
const CUSTOMER_ID = 'c0a80101-0000-4000-8000-0000000000cc';

const columnsOf = (name: SyncTableName) => syncTable(name).columns.map((c) => c.name);

/** An order line in tables.ts order: id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents, offer_id, line_source, discount_cents, tax_cents, tax_class. */
function orderLine(n: number): (string | number | boolean | null)[] {
  return [`c0a80101-0000-4000-8000-${String(n).padStart(12, '0')}`, ORDER_ID, n, PRODUCT_ID, CUSTOMER_ID, 1_714_000_000_000, 'SKU-0042', 'Toner, black', 2, 3_499, 6_998, null, 'search', 0, 1_400, 'standard'];
}

function customer(): (string | number | boolean | null)[] {
  // … updated_at, then consent per channel and erased_at (issue 23).
  return [CUSTOMER_ID, 'Ada', 'Lovelace', 'gold', 1200, true, null, 99_900, 'EUR', 1_700_000_000_000, 1_714_000_000_000, true, false, true, null];
}

/** A valid snapshot page: two order lines, a customer, a tombstone. Tests break one thing in it. */
function page() {
  return {
    storeId: STORE_ID,
    cursor: 'opaque-cursor',
    hasMore: true,
    phase: 'snapshot' as const,
    snapshotTables: ['customers', 'order_lines'],
    snapshotComplete: false,
    changes: {
      customers: { columns: columnsOf('customers'), rows: [customer()], deleted: [] as unknown[] },
      order_lines: { columns: columnsOf('order_lines'), rows: [orderLine(1), orderLine(2)] as unknown[], deleted: ['c0a80101-0000-4000-8000-0000000000ff'] as unknown[] },
    } as Record<string, { columns: unknown[]; rows: unknown[]; deleted: unknown[] }>,
    progress: { done: 3, total: 10 },
    version: 17,
  };
}

function refusal(value: unknown): string {
  const result = checkPullPage(value);
  if (result.ok) throw new Error('expected the page to be refused');
  return result.message;
}

describe('checkPullPage', () => {
  it('accepts a valid page and returns what the full zod contract would', () => {
    const valid = page();
    const result = checkPullPage(valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual(pullResponse.parse(valid));
    expect(result.value.changes.order_lines?.rows[1]?.[2]).toBe(2);
  });

  it('accepts null in any column, an empty page and a log page without progress', () => {
    const p = page();
    p.changes.order_lines!.rows = [orderLine(1).map(() => null)];
    expect(checkPullPage(p).ok).toBe(true);
    expect(checkPullPage({ ...page(), phase: 'log', snapshotTables: undefined, progress: undefined, changes: {} }).ok).toBe(true);
  });

  it('refuses a column list other than the app’s, naming the table and both lists', () => {
    const p = page();
    p.changes.order_lines!.columns = columnsOf('order_lines').filter((c) => c !== 'sku');
    const message = refusal(p);
    expect(message).toContain('order_lines');
    expect(message).toContain('(id, order_id, line_no, product_id, customer_id, placed_at, name, quantity, unit_price_cents, total_cents, offer_id, line_source, discount_cents, tax_cents, tax_class)');
    expect(message).toContain('(id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents, offer_id, line_source, discount_cents, tax_cents, tax_class)');
    expect(message).toMatch(/different versions/);

    const swapped = page();
    const cols = columnsOf('customers');
    [cols[1], cols[2]] = [cols[2]!, cols[1]!];
    swapped.changes.customers!.columns = cols;
    expect(refusal(swapped)).toContain('customers with columns (id, last_name, first_name');
  });

  it('refuses a row with too few or too many cells, or that is not an array', () => {
    const short = page();
    short.changes.order_lines!.rows[1] = orderLine(2).slice(0, 10);
    expect(refusal(short)).toMatch(/at changes\.order_lines\.rows\.1: row 1 of order_lines has 10 cells; order_lines has 16 columns/);

    const long = page();
    long.changes.customers!.rows[0] = [...customer(), 'extra'];
    expect(refusal(long)).toMatch(/row 0 of customers has 16 cells/);

    const notArray = page();
    notArray.changes.order_lines!.rows[0] = { id: 'x' };
    expect(refusal(notArray)).toMatch(/row 0 of order_lines is a value of type object, not an array of 16 cells/);
  });

  it('refuses a string in an int column', () => {
    const p = page();
    const row = orderLine(2);
    row[8] = '2';
    p.changes.order_lines!.rows[1] = row;
    expect(refusal(p)).toBe(
      'The central store\'s answer does not match this app\'s protocol at changes.order_lines.rows.1: row 1 of order_lines, column quantity (int): expected an integer or null, found the string "2". Is the store a different version?',
    );
  });

  it('refuses a fraction in an int column', () => {
    const p = page();
    const row = orderLine(1);
    row[9] = 34.99;
    p.changes.order_lines!.rows[0] = row;
    expect(refusal(p)).toMatch(/row 0 of order_lines, column unit_price_cents \(int\): expected an integer or null, found the number 34\.99/);
  });

  it('refuses a number in a bool column and a number in a text column', () => {
    const p = page();
    const row = customer();
    row[5] = 1;
    p.changes.customers!.rows[0] = row;
    expect(refusal(p)).toMatch(/row 0 of customers, column marketing_consent \(bool\): expected a boolean or null, found the number 1/);

    const q = page();
    const line = orderLine(1);
    line[6] = 42;
    q.changes.order_lines!.rows[0] = line;
    expect(refusal(q)).toMatch(/column sku \(text\): expected a string or null, found the number 42/);
  });

  it('refuses a tombstone that is not a string', () => {
    const p = page();
    p.changes.order_lines!.deleted = ['c0a80101-0000-4000-8000-0000000000ff', 7];
    expect(refusal(p)).toMatch(/at changes\.order_lines\.deleted\.1: .*expected string/);
  });

  it('refuses a table this app does not know', () => {
    const p = page();
    p.changes.widgets = { columns: ['id'], rows: [['w1']], deleted: [] };
    expect(refusal(p)).toMatch(/at changes: .*widgets/);
  });

  it('still checks the envelope fields with zod', () => {
    expect(refusal({ ...page(), phase: 'later' })).toMatch(/at phase:/);
    expect(refusal({ ...page(), version: -1 })).toMatch(/at version:/);
    expect(refusal({ ...page(), storeId: 'not-a-uuid' })).toMatch(/at storeId:/);
    const p = page();
    p.changes.customers!.rows = 'rows' as unknown as unknown[];
    expect(refusal(p)).toMatch(/at changes\.customers\.rows: .*array of rows/);
    expect(refusal(null)).toMatch(/does not match this app's protocol/);
  });

  it('reports the first bad cell of the page', () => {
    const p = page();
    const first = orderLine(1);
    first[2] = true;
    const second = orderLine(2);
    second[0] = null;
    second[10] = 'x';
    p.changes.order_lines!.rows = [orderLine(0), first, second];
    expect(refusal(p)).toMatch(/row 1 of order_lines, column line_no \(int\): expected an integer or null, found the boolean true/);
  });
});

describe('StoreClient.pull', () => {
  afterEach(closeLocalServers);

  /** A StoreClient whose store (a server on 127.0.0.1) answers every request 200 with `body` as JSON. */
  async function clientAnswering(body: unknown): Promise<StoreClient> {
    const url = await serveLocally((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
    return new StoreClient({ serverUrl: url });
  }

  it('returns a valid page', async () => {
    const result = await (await clientAnswering({ ok: true, value: page() })).pull('token', { clientId: STORE_ID, cursor: null });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.changes.order_lines?.rows).toHaveLength(2);
  });

  it('turns a bad cell into a permanent bad_response failure, as a zod failure is', async () => {
    const p = page();
    const row = orderLine(1);
    row[8] = 2.5;
    p.changes.order_lines!.rows[0] = row;
    const result = await (await clientAnswering({ ok: true, value: p })).pull('token', { clientId: STORE_ID, cursor: null });
    expect(result).toEqual({
      ok: false,
      failure: { kind: 'permanent', status: 200, code: 'bad_response', message: expect.stringMatching(/row 0 of order_lines, column quantity \(int\).*found the number 2\.5/) },
    });
  });
});
