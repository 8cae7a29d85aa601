/**
 * Applies one queued ingest delivery in the worker's transaction (issue 23). Each kind is checked
 * again against its contract (src-shared/contracts/ingest.ts), then written through the same
 * tables and change-log triggers a phone order uses, so workstations pull it like any change.
 *
 * - order: a web order (`channel` web) for the customer named by store id, import source id or
 *   email; lines by SKU at the source's prices (the source priced it; its stock is its own, so
 *   nothing is reserved here). Its number is `<SOURCE>-<number>`, upper-cased; its source id is
 *   kept in order_sources, unique per integration: the same order id again changes nothing.
 * - order_status: the order of that source id moves to the status.
 * - stock: units on hand per SKU.
 * - satisfaction: the call's satisfaction answer, when it has none yet.
 *
 * A reason the delivery can never apply (unknown customer, SKU, order or call; a number another
 * order has) throws IngestRefused: the worker marks it dead with that reason.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { INGEST_CONTRACTS, type IngestKind, type IngestOrder, type IngestOrderStatus, type IngestSatisfaction, type IngestStock } from '../../../src-shared/contracts/ingest';
import { calls, customerEmails, customers, customerSources, orderLines, orders, orderSources, products } from '../db/schema';
import type { StoreTx } from '../sync/mutations/refusal';

export class IngestRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestRefused';
  }
}

export interface IngestSender {
  id: string;
  source: string;
}

/** The body parsed by its kind's contract, or IngestRefused naming the first problem. */
export function parseDelivery<K extends IngestKind>(kind: K, body: string): ReturnType<(typeof INGEST_CONTRACTS)[K]['parse']> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new IngestRefused('The body is not JSON.');
  }
  const parsed = INGEST_CONTRACTS[kind].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IngestRefused(issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  return parsed.data as ReturnType<(typeof INGEST_CONTRACTS)[K]['parse']>;
}

export async function applyDelivery(tx: StoreTx, sender: IngestSender, kind: IngestKind, body: string): Promise<void> {
  switch (kind) {
    case 'order':
      return applyOrder(tx, sender, parseDelivery('order', body));
    case 'order_status':
      return applyOrderStatus(tx, sender, parseDelivery('order_status', body));
    case 'stock':
      return applyStock(tx, parseDelivery('stock', body));
    case 'satisfaction':
      return applySatisfaction(tx, parseDelivery('satisfaction', body));
  }
}

async function findCustomer(tx: StoreTx, sender: IngestSender, ref: IngestOrder['customer']): Promise<string> {
  if (ref.id !== undefined) {
    const [row] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, ref.id));
    if (row) return row.id;
  }
  if (ref.sourceId !== undefined) {
    const [row] = await tx
      .select({ id: customerSources.customerId })
      .from(customerSources)
      .where(and(eq(customerSources.source, sender.source), eq(customerSources.sourceId, ref.sourceId)));
    if (row) return row.id;
  }
  if (ref.email !== undefined) {
    const rows = await tx.select({ id: customerEmails.customerId }).from(customerEmails).where(eq(customerEmails.email, ref.email)).limit(2);
    if (rows.length === 1) return rows[0]!.id;
    if (rows.length > 1) throw new IngestRefused('customer.email: more than one customer has this email address; name the customer by id or sourceId.');
  }
  throw new IngestRefused('customer: no such customer in the store (import the customer first, or name them by id, sourceId or email).');
}

async function applyOrder(tx: StoreTx, sender: IngestSender, o: IngestOrder): Promise<void> {
  const [known] = await tx
    .select({ orderId: orderSources.orderId })
    .from(orderSources)
    .where(and(eq(orderSources.integrationId, sender.id), eq(orderSources.sourceOrderId, o.orderId)));
  if (known) return; // the same order again (another delivery of it): already here
  const customerId = await findCustomer(tx, sender, o.customer);
  const skus = [...new Set(o.lines.map((l) => l.sku))];
  const found = await tx.select({ id: products.id, sku: products.sku, name: products.name, taxClass: products.taxClass }).from(products).where(inArray(products.sku, skus));
  const bySku = new Map(found.map((p) => [p.sku, p]));
  const missing = skus.filter((s) => !bySku.has(s));
  if (missing.length > 0) throw new IngestRefused(`lines: no such product in the store: ${missing.slice(0, 10).join(', ')}.`);
  const number = `${sender.source}-${o.number ?? o.orderId}`.toUpperCase();
  const [taken] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.number, number));
  if (taken) throw new IngestRefused(`number: another order already has the number ${number}.`);

  const placedAt = Date.parse(o.placedAt);
  const lineTotals = o.lines.map((l) => l.unitPriceCents * l.quantity - l.discountCents);
  const subtotalCents = lineTotals.reduce((a, b) => a + b, 0);
  const orderId = randomUUID();
  await tx.insert(orders).values({
    id: orderId,
    number,
    customerId,
    channel: 'web',
    campaignCode: o.campaignCode ?? null,
    status: o.status,
    currency: o.currency,
    subtotalCents,
    discountCents: o.discountCents,
    taxCents: o.taxCents,
    shippingCents: o.shippingCents,
    totalCents: o.totalCents,
    placedAt,
    note: o.note ?? null,
  });
  await tx.insert(orderLines).values(
    o.lines.map((l, i) => {
      const product = bySku.get(l.sku)!;
      return {
        id: randomUUID(),
        orderId,
        lineNo: i + 1,
        productId: product.id,
        customerId,
        placedAt,
        sku: product.sku,
        name: product.name,
        quantity: l.quantity,
        unitPriceCents: l.unitPriceCents,
        totalCents: lineTotals[i]!,
        discountCents: l.discountCents,
        taxCents: l.taxCents,
        taxClass: product.taxClass,
      };
    }),
  );
  await tx.insert(orderSources).values({ orderId, integrationId: sender.id, sourceOrderId: o.orderId, placedAt });
}

async function applyOrderStatus(tx: StoreTx, sender: IngestSender, s: IngestOrderStatus): Promise<void> {
  const [known] = await tx
    .select({ orderId: orderSources.orderId })
    .from(orderSources)
    .where(and(eq(orderSources.integrationId, sender.id), eq(orderSources.sourceOrderId, s.orderId)));
  if (!known) throw new IngestRefused(`orderId: no order ${s.orderId} from this integration in the store (send the order first).`);
  await tx
    .update(orders)
    .set({ status: s.status })
    .where(and(eq(orders.id, known.orderId), sql`${orders.status} <> ${s.status}`));
}

async function applyStock(tx: StoreTx, s: IngestStock): Promise<void> {
  const skus = [...new Set(s.items.map((i) => i.sku))];
  const found = await tx.select({ sku: products.sku }).from(products).where(inArray(products.sku, skus));
  const known = new Set(found.map((p) => p.sku));
  const missing = skus.filter((k) => !known.has(k));
  if (missing.length > 0) throw new IngestRefused(`items: no such product in the store: ${missing.slice(0, 10).join(', ')}.`);
  // The last count of a SKU in the delivery wins; an unchanged count writes nothing (no change-log entry).
  const last = new Map(s.items.map((i) => [i.sku, i.stock]));
  for (const [sku, stock] of last) {
    await tx
      .update(products)
      .set({ stock })
      .where(and(eq(products.sku, sku), sql`${products.stock} <> ${stock}`));
  }
}

async function applySatisfaction(tx: StoreTx, s: IngestSatisfaction): Promise<void> {
  const [call] = await tx.select({ id: calls.id }).from(calls).where(eq(calls.id, s.callId));
  if (!call) throw new IngestRefused(`callId: no call ${s.callId} in the store.`);
  // An answer given at wrap-up (or an earlier survey answer) stands.
  await tx
    .update(calls)
    .set({ satisfaction: s.satisfaction })
    .where(and(eq(calls.id, s.callId), isNull(calls.satisfaction)));
}
