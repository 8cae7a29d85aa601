/**
 * Order import (issue 23): orders with their lines, one CSV row (or JSON record) per line; the lines
 * of one order are consecutive rows with the same `source_id`, and the order's own columns are read
 * from its first row. Columns: source_id, number, customer_source_id (the customer's source_id from
 * a customer import of the same --source), placed_at, sku, quantity, unit_price (required); status
 * (default placed), channel (web/phone/store, default web), currency (default USD), campaign_code,
 * shipping, tax, discount.
 *
 * An order is taken whole or refused whole: a bad line refuses every line of its order (each with
 * its own problems, the others with "another line of this order was refused"). Idempotent on the
 * source id (import_sources, kind "orders"): the same order again is unchanged; a changed one is
 * rewritten (its lines replaced). A new source id whose number the store has takes that order over.
 * Written through the tables' triggers: the change log (sync) and the customers' order figures.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { text } from '../../../src-shared/contracts/text';
import { ORDER_CHANNELS, ORDER_STATUSES } from '../../../src-shared/domain/customer';
import { SELLING_CURRENCIES } from '../../../src-shared/domain/product';
import type { Store } from '../db/connect';
import type { StoreTx } from '../sync/mutations/refusal';
import { parseCents, parseDate } from './catalogue-rows';
import { SOURCE_PATTERN, ImportColumnsError, newImportReport, type CustomerImportOptions, type ImportReport } from './customers';
import { SOURCE_ID_MAX, type RowProblem } from './customer-row';
import { ERRORS_COLUMN } from './error-file';
import { uuidV7 } from './ids';
import type { ImportRecord, ReadItem } from './read-records';
import { SeenIds } from './seen-ids';

export const ORDER_COLUMNS = ['source_id', 'number', 'customer_source_id', 'placed_at', 'sku', 'quantity', 'unit_price', 'status', 'channel', 'currency', 'campaign_code', 'shipping', 'tax', 'discount'] as const;
export const REQUIRED_ORDER_COLUMNS = ['source_id', 'number', 'customer_source_id', 'placed_at', 'sku', 'quantity', 'unit_price'] as const;
/** Orders a transaction. */
const ORDER_BATCH = 500;
/** Lines an order: more is not an order a person placed. */
const MAX_LINES = 500;

export function checkOrderHeader(columns: readonly string[]): string[] {
  const names = columns.map((c) => c.trim().toLowerCase());
  const missing = REQUIRED_ORDER_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new ImportColumnsError(
      `The file has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}: an order file needs ${REQUIRED_ORDER_COLUMNS.join(', ')} (and may have ${ORDER_COLUMNS.filter((c) => !(REQUIRED_ORDER_COLUMNS as readonly string[]).includes(c)).join(', ')}).`,
    );
  }
  return names.filter((n) => !(ORDER_COLUMNS as readonly string[]).includes(n) && n !== ERRORS_COLUMN);
}

interface OrderHead {
  number: string;
  customerSourceId: string;
  placedAt: number;
  status: string;
  channel: string;
  currency: string;
  campaignCode: string | null;
  shippingCents: number;
  taxCents: number;
  discountCents: number;
}
interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}
interface Group {
  sourceId: string;
  items: ImportRecord[];
  head: OrderHead | null;
  lines: OrderLine[];
  problems: RowProblem[][];
  hash: string;
}

const orderNumber = text()
  .trim()
  .min(1, { message: 'The order number is required.' })
  .max(40, { message: 'Order number: at most 40 characters.' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: 'Order number: letters, digits, "_" or "-".' })
  .transform((v) => v.toUpperCase());
const reference = text()
  .trim()
  .min(1, { message: 'Required.' })
  .max(SOURCE_ID_MAX, { message: `At most ${SOURCE_ID_MAX} characters.` });
const skuText = text()
  .trim()
  .min(1, { message: 'The SKU is required.' })
  .max(64, { message: 'SKU: at most 64 characters.' })
  .transform((v) => v.toUpperCase());

function parseField<T>(problems: RowProblem[], fields: Record<string, string>, column: string, schema: z.ZodType<T>, prefix = ''): T | undefined {
  const value = fields[column] ?? '';
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  problems.push({ column, value, reason: `${prefix}${r.error.issues[0]?.message ?? 'Not valid.'}` });
  return undefined;
}

function amount(problems: RowProblem[], fields: Record<string, string>, column: string): number {
  const v = (fields[column] ?? '').trim();
  if (v === '') return 0;
  const c = parseCents(v);
  if (c === null) problems.push({ column, value: v, reason: 'An amount such as 4.95 (not negative, at most two decimals).' });
  return c ?? 0;
}

function checkHead(fields: Record<string, string>, problems: RowProblem[]): OrderHead | null {
  const number = parseField(problems, fields, 'number', orderNumber);
  const customerSourceId = parseField(problems, fields, 'customer_source_id', reference, 'Customer source id: ');
  const placedAt = parseDate(fields.placed_at ?? '');
  if (placedAt === null) problems.push({ column: 'placed_at', value: fields.placed_at ?? '', reason: 'When placed: a date such as 2026-03-01 (or a date and time in ISO form).' });
  const pick = (column: string, values: readonly string[], fallback: string, what: string) => {
    const v = (fields[column] ?? '').trim().toLowerCase();
    if (v === '') return fallback;
    if (values.includes(v)) return v;
    problems.push({ column, value: fields[column] ?? '', reason: `${what}: one of ${values.join(', ')}.` });
    return fallback;
  };
  const status = pick('status', ORDER_STATUSES, 'placed', 'Status');
  const channel = pick('channel', ORDER_CHANNELS, 'web', 'Channel');
  const currency = ((fields.currency ?? '').trim() || 'USD').toUpperCase();
  if (!(SELLING_CURRENCIES as readonly string[]).includes(currency)) problems.push({ column: 'currency', value: fields.currency ?? '', reason: `The store sells in ${SELLING_CURRENCIES.join(', ')}.` });
  const code = (fields.campaign_code ?? '').trim().toUpperCase();
  if (code !== '' && !/^[A-Z0-9][A-Z0-9_-]{0,39}$/.test(code)) problems.push({ column: 'campaign_code', value: fields.campaign_code ?? '', reason: 'Campaign code: letters, digits, "_" or "-", at most 40.' });
  const shippingCents = amount(problems, fields, 'shipping');
  const taxCents = amount(problems, fields, 'tax');
  const discountCents = amount(problems, fields, 'discount');
  if (number === undefined || customerSourceId === undefined || placedAt === null) return null;
  return { number, customerSourceId, placedAt, status, channel, currency, campaignCode: code || null, shippingCents, taxCents, discountCents };
}

function checkLine(fields: Record<string, string>, problems: RowProblem[]): OrderLine | null {
  const sku = parseField(problems, fields, 'sku', skuText);
  const q = (fields.quantity ?? '').trim();
  const quantity = /^\d{1,6}$/.test(q) && Number(q) >= 1 ? Number(q) : null;
  if (quantity === null) problems.push({ column: 'quantity', value: q, reason: 'Quantity: a whole number from 1 to 999999.' });
  const p = (fields.unit_price ?? '').trim();
  const unitPriceCents = parseCents(p);
  if (unitPriceCents === null) problems.push({ column: 'unit_price', value: p, reason: p === '' ? 'The unit price is required (e.g. 12.50).' : 'Unit price: an amount such as 12.50.' });
  if (sku === undefined || quantity === null || unitPriceCents === null) return null;
  return { sku, quantity, unitPriceCents };
}

const arr = (values: unknown[], type: string): SQL => sql`${sql.param(values)}${sql.raw(`::${type}[]`)}`;
const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

export type OrderImportOptions = Omit<CustomerImportOptions, 'defaultRegion' | 'agentId' | 'checker'>;

export async function importOrders(store: Store, records: AsyncIterable<ReadItem>, options: OrderImportOptions): Promise<ImportReport> {
  if (!SOURCE_PATTERN.test(options.source)) throw new RangeError('The source must be a short name: lower-case letters, digits, ".", "_" or "-", e.g. shop.');
  const started = performance.now();
  const clock = options.clock ?? Date.now;
  const { report, refuse } = newImportReport('orders', options);
  /** Refuses every line of `group`: each with its own problems, or as a line of a refused order. */
  const refuseGroup = (group: Group, whole: RowProblem | null) => {
    group.items.forEach((item, i) => {
      const own = [...(i === 0 && whole ? [whole] : []), ...(group.problems[i] ?? [])];
      refuse(item, own.length > 0 ? own : [{ column: '', value: '', reason: 'Another line of this order was refused: the order is imported whole or not at all.' }]);
    });
  };
  const seenOrders = new SeenIds();
  const seenNumbers = new SeenIds();
  let group: Group | null = null;
  let batch: Group[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const groups = batch;
    batch = [];
    const counts = await applyOrders(store, groups, options.source, report.dryRun, clock(), refuseGroup);
    report.created += counts.created;
    report.updated += counts.updated;
    report.unchanged += counts.unchanged;
    options.onProgress?.({ rowsRead: report.rowsRead, created: report.created, updated: report.updated, unchanged: report.unchanged, refused: report.refused, ms: performance.now() - started });
  };
  const close = async () => {
    const g = group;
    group = null;
    if (!g) return;
    if (g.problems.some((p) => p.length > 0) || g.head === null) return refuseGroup(g, null);
    if (!seenNumbers.add(g.head.number)) return refuseGroup(g, { column: 'number', value: g.head.number, reason: 'This order number is on an earlier order of the file.' });
    g.hash = createHash('sha1').update(JSON.stringify([g.head, g.lines])).digest('base64url');
    batch.push(g);
    if (batch.length >= ORDER_BATCH) await flush();
  };

  for await (const item of records) {
    report.rowsRead++;
    if ('unreadable' in item) {
      refuse(item, [{ column: '', value: '', reason: item.unreadable }]);
      continue;
    }
    const id = (item.fields.source_id ?? '').trim();
    if (id === '' || id.length > SOURCE_ID_MAX) {
      refuse(item, [{ column: 'source_id', value: id, reason: id === '' ? 'The source id is required: the order’s id in the system the file comes from.' : `Source id: at most ${SOURCE_ID_MAX} characters.` }]);
      continue;
    }
    const current = group as Group | null;
    if (current && current.sourceId === id) {
      const problems: RowProblem[] = [];
      const line = checkLine(item.fields, problems);
      if (current.items.length >= MAX_LINES) problems.push({ column: 'source_id', value: id, reason: `An order has at most ${MAX_LINES} lines.` });
      current.items.push(item);
      current.problems.push(problems);
      if (line) current.lines.push(line);
      continue;
    }
    await close();
    if (!seenOrders.add(id)) {
      refuse(item, [{ column: 'source_id', value: id, reason: 'This order’s lines must be on consecutive rows: its source id is on an earlier order of the file.' }]);
      continue;
    }
    const problems: RowProblem[] = [];
    const head = checkHead(item.fields, problems);
    const line = checkLine(item.fields, problems);
    group = { sourceId: id, items: [item], head, lines: line ? [line] : [], problems: [problems], hash: '' };
  }
  await close();
  await flush();
  report.ms = performance.now() - started;
  return report;
}

async function applyOrders(
  store: Store,
  groups: Group[],
  source: string,
  dryRun: boolean,
  now: number,
  refuseGroup: (group: Group, whole: RowProblem | null) => void,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const work = async (tx: StoreTx | Store['db']) => {
    const customers = new Map(
      rowsOf<{ source_id: string; customer_id: string }>(
        await tx.execute(
          sql`select source_id, customer_id from customer_sources where source = ${source} and source_id = any(${arr(
            groups.map((g) => g.head!.customerSourceId),
            'text',
          )})`,
        ),
      ).map((r) => [r.source_id, r.customer_id]),
    );
    const products = new Map(
      rowsOf<{ sku: string; id: string; name: string }>(
        await tx.execute(sql`select sku, id, name from products where sku = any(${arr([...new Set(groups.flatMap((g) => g.lines.map((l) => l.sku)))], 'text')})`),
      ).map((r) => [r.sku, r]),
    );
    const linked = new Map(
      rowsOf<{ source_id: string; record_id: string; source_hash: string }>(
        await tx.execute(sql`select s.source_id, s.record_id, s.source_hash from import_sources s join orders o on o.id = s.record_id
          where s.kind = 'orders' and s.source = ${source} and s.source_id = any(${arr(
            groups.map((g) => g.sourceId),
            'text',
          )})`),
      ).map((r) => [r.source_id, r]),
    );
    const byNumber = new Map(
      rowsOf<{ number: string; id: string }>(
        await tx.execute(
          sql`select number, id from orders where number = any(${arr(
            groups.map((g) => g.head!.number),
            'text',
          )})`,
        ),
      ).map((r) => [r.number, r.id]),
    );
    const fresh: Group[] = [];
    const changed: { group: Group; id: string }[] = [];
    let unchanged = 0;
    for (const g of groups) {
      const head = g.head!;
      if (!customers.has(head.customerSourceId)) {
        refuseGroup(g, { column: 'customer_source_id', value: head.customerSourceId, reason: `No customer imported from "${source}" has this source id: import the customers first.` });
        continue;
      }
      const missing = g.lines.findIndex((l) => !products.has(l.sku));
      if (missing !== -1) {
        g.problems[missing] = [{ column: 'sku', value: g.lines[missing]!.sku, reason: `No product has the SKU ${g.lines[missing]!.sku}: import the products first.` }];
        refuseGroup(g, null);
        continue;
      }
      const link = linked.get(g.sourceId);
      if (link && link.source_hash === g.hash) unchanged++;
      else if (link) changed.push({ group: g, id: link.record_id });
      else if (byNumber.has(head.number)) changed.push({ group: g, id: byNumber.get(head.number)! });
      else fresh.push(g);
    }
    if (dryRun) return { created: fresh.length, updated: changed.length, unchanged };
    const ids = new Map<Group, string>();
    for (const g of fresh) ids.set(g, uuidV7(now));
    for (const c of changed) ids.set(c.group, c.id);
    const written = [...fresh, ...changed.map((c) => c.group)];
    if (written.length === 0) return { created: 0, updated: 0, unchanged };
    const heads = written.map((g) => g.head!);
    const subtotal = written.map((g) => g.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0));
    const orderIds = written.map((g) => ids.get(g)!);
    await tx.execute(sql`insert into orders (id, number, customer_id, channel, campaign_code, status, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents, placed_at)
      select * from unnest(${arr(orderIds, 'uuid')}, ${arr(
        heads.map((h) => h.number),
        'text',
      )}, ${arr(
        heads.map((h) => customers.get(h.customerSourceId)!),
        'uuid',
      )}, ${arr(
        heads.map((h) => h.channel),
        'text',
      )}, ${arr(
        heads.map((h) => h.campaignCode),
        'text',
      )}, ${arr(
        heads.map((h) => h.status),
        'text',
      )}, ${arr(
        heads.map((h) => h.currency),
        'text',
      )}, ${arr(subtotal, 'int')}, ${arr(
        heads.map((h) => h.discountCents),
        'int',
      )}, ${arr(
        heads.map((h) => h.taxCents),
        'int',
      )}, ${arr(
        heads.map((h) => h.shippingCents),
        'int',
      )}, ${arr(
        heads.map((h, i) => subtotal[i]! - h.discountCents + h.taxCents + h.shippingCents),
        'int',
      )}, ${arr(
        heads.map((h) => h.placedAt),
        'bigint',
      )}) as t(id, number, customer_id, channel, campaign_code, status, currency, subtotal_cents, discount_cents, tax_cents, shipping_cents, total_cents, placed_at)
      on conflict (id) do update set number = excluded.number, customer_id = excluded.customer_id, channel = excluded.channel, campaign_code = excluded.campaign_code,
        status = excluded.status, currency = excluded.currency, subtotal_cents = excluded.subtotal_cents, discount_cents = excluded.discount_cents,
        tax_cents = excluded.tax_cents, shipping_cents = excluded.shipping_cents, total_cents = excluded.total_cents, placed_at = excluded.placed_at`);
    if (changed.length > 0) await tx.execute(sql`delete from order_lines where order_id = any(${arr(changed.map((c) => c.id), 'uuid')})`);
    const lines = written.flatMap((g) => g.lines.map((l, k) => ({ g, l, k })));
    await tx.execute(sql`insert into order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents)
      select * from unnest(${arr(
        lines.map(() => uuidV7(now)),
        'uuid',
      )}, ${arr(
        lines.map((x) => ids.get(x.g)!),
        'uuid',
      )}, ${arr(
        lines.map((x) => x.k + 1),
        'int',
      )}, ${arr(
        lines.map((x) => products.get(x.l.sku)!.id),
        'uuid',
      )}, ${arr(
        lines.map((x) => customers.get(x.g.head!.customerSourceId)!),
        'uuid',
      )}, ${arr(
        lines.map((x) => x.g.head!.placedAt),
        'bigint',
      )}, ${arr(
        lines.map((x) => x.l.sku),
        'text',
      )}, ${arr(
        lines.map((x) => products.get(x.l.sku)!.name),
        'text',
      )}, ${arr(
        lines.map((x) => x.l.quantity),
        'int',
      )}, ${arr(
        lines.map((x) => x.l.unitPriceCents),
        'int',
      )}, ${arr(
        lines.map((x) => x.l.quantity * x.l.unitPriceCents),
        'int',
      )})`);
    await tx.execute(sql`insert into import_sources (kind, source, source_id, record_id, source_hash, imported_at)
      select 'orders', ${source}, s, r, h, ${now}::bigint from unnest(${arr(
        written.map((g) => g.sourceId),
        'text',
      )}, ${arr(orderIds, 'uuid')}, ${arr(
        written.map((g) => g.hash),
        'text',
      )}) as t(s, r, h)
      on conflict (kind, source, source_id) do update set record_id = excluded.record_id, source_hash = excluded.source_hash, imported_at = excluded.imported_at`);
    return { created: fresh.length, updated: changed.length, unchanged };
  };
  if (dryRun) return work(store.db);
  return store.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sb.import:orders:${source}`}))`);
    return work(tx);
  });
}
