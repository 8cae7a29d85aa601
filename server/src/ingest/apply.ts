/**
 * Applies one queued ingest delivery in the worker's transaction (issue 23). Each kind is checked
 * again against its contract (src-shared/contracts/ingest.ts), then written through the same
 * tables and change-log triggers a phone order uses, so workstations pull it like any change.
 *
 * - order: a web order (`channel` web) for the customer named by store id, import source id or
 *   email; lines by SKU at the source's prices (the source priced it; its stock is its own, so
 *   nothing is reserved here). Its number is `<SOURCE>-<number>`, upper-cased; its source id is
 *   kept in order_sources, unique per integration: the same order id again changes nothing. A
 *   customer.language sets the language the store writes to the customer in (issue 23, email).
 *   A new shopper — a customer.sourceId the store does not know for the source, with firstName
 *   and lastName — is created with the order, in its transaction, read and written as the
 *   customer import reads and writes a new row (checkCustomerRow, insertCustomers: customer,
 *   customer_sources, email, phone, change log), under the import's lock of that source; two
 *   orders of the same new shopper in one batch create them once. An email alone never creates
 *   anyone; a source id of an erased customer still finds that (anonymous) customer.
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
import { checkCustomerRow, type ImportedCustomer } from '../import/customer-row';
import { insertCustomers, sourceLock } from '../import/customers';
import { uuidV7 } from '../import/ids';

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

async function applyOrder(tx: StoreTx, sender: IngestSender, o: IngestOrder): Promise<void> {
  const outcomes = await applyOrderBatch(tx, [{ ref: 0, sender, order: o }]);
  const outcome = outcomes.get(0);
  if (outcome !== undefined && outcome !== 'applied') throw new IngestRefused(outcome);
}

export interface OrderItem<R> {
  /** The caller's handle for the item (the queue row's seq). */
  ref: R;
  sender: IngestSender;
  order: IngestOrder;
}

const key = (integrationId: string, id: string) => `${integrationId}\u0000${id}`;

/**
 * Applies many orders with a handful of statements (the worker's batch): every lookup is one query
 * for the whole batch, every check is made in memory, and the orders, their lines and their source
 * ids are each one multi-row insert. Answers, per item, 'applied' (also when the order was already
 * here, or earlier in the same batch) or the reason it can never apply. A failure of the inserts
 * themselves throws (the caller applies the items one by one instead).
 */
export async function applyOrderBatch<R>(tx: StoreTx, items: readonly OrderItem<R>[]): Promise<Map<R, 'applied' | string>> {
  const outcomes = new Map<R, 'applied' | string>();
  if (items.length === 0) return outcomes;
  const known = new Set<string>();
  for (const [integrationId, ids] of groupBy(items, (i) => i.sender.id, (i) => i.order.orderId)) {
    const rows = await tx
      .select({ id: orderSources.sourceOrderId })
      .from(orderSources)
      .where(and(eq(orderSources.integrationId, integrationId), inArray(orderSources.sourceOrderId, ids)));
    for (const r of rows) known.add(key(integrationId, r.id));
  }
  const fresh = items.filter((i) => {
    if (!known.has(key(i.sender.id, i.order.orderId))) return true;
    outcomes.set(i.ref, 'applied'); // the same order again (another delivery of it): already here
    return false;
  });

  // Customers: by store id, by the source's id, by email — one query each for the batch.
  const byId = new Set<string>();
  const ids = [...new Set(fresh.flatMap((i) => (i.order.customer.id ? [i.order.customer.id.toLowerCase()] : [])))];
  if (ids.length > 0) for (const r of await tx.select({ id: customers.id }).from(customers).where(inArray(customers.id, ids))) byId.add(r.id.toLowerCase());
  const bySourceId = new Map<string, string>();
  const withSourceId = fresh.filter((i) => i.order.customer.sourceId !== undefined);
  for (const [source, sourceIds] of groupBy(withSourceId, (i) => i.sender.source, (i) => i.order.customer.sourceId!)) {
    // A batch that may create a new shopper takes the source's lock (the customer import's too) before looking: one writer of a source's customers at a time.
    if (withSourceId.some((i) => i.sender.source === source && i.order.customer.firstName !== undefined)) await tx.execute(sourceLock(source));
    const rows = await tx
      .select({ id: customerSources.customerId, sourceId: customerSources.sourceId })
      .from(customerSources)
      .where(and(eq(customerSources.source, source), inArray(customerSources.sourceId, sourceIds)));
    for (const r of rows) bySourceId.set(key(source, r.sourceId), r.id);
  }
  const byEmail = new Map<string, string[]>();
  const emails = [...new Set(fresh.flatMap((i) => (i.order.customer.email ? [i.order.customer.email] : [])))];
  if (emails.length > 0) {
    for (const r of await tx.select({ id: customerEmails.customerId, email: customerEmails.email }).from(customerEmails).where(inArray(customerEmails.email, emails))) {
      byEmail.set(r.email, [...new Set([...(byEmail.get(r.email) ?? []), r.id])]);
    }
  }
  /** New shoppers this batch creates, by (source, sourceId): the first applied order with their details creates them, later ones attach. */
  const created = new Map<string, { id: string; customer: ImportedCustomer; source: string }>();
  /** The order's customer: one the store has, one created earlier in this batch, or a new shopper to create with this order. */
  const customerOf = (i: OrderItem<R>): { id: string; create?: ImportedCustomer } => {
    const ref = i.order.customer;
    if (ref.id !== undefined && byId.has(ref.id.toLowerCase())) return { id: ref.id };
    if (ref.sourceId !== undefined) {
      const found = bySourceId.get(key(i.sender.source, ref.sourceId)) ?? created.get(key(i.sender.source, ref.sourceId))?.id;
      if (found) return { id: found };
    }
    if (ref.email !== undefined) {
      const found = byEmail.get(ref.email) ?? [];
      if (found.length === 1) return { id: found[0]! };
      if (found.length > 1) throw new IngestRefused('customer.email: more than one customer has this email address; name the customer by id or sourceId.');
    }
    if (ref.sourceId !== undefined && ref.firstName !== undefined && ref.lastName !== undefined) return { id: uuidV7(), create: newShopper(ref as NewShopperRef) };
    throw new IngestRefused(
      'customer: no such customer in the store (import the customer first, name them by id, sourceId or email, or give sourceId with firstName and lastName — and email, phone, language — to create them with the order).',
    );
  };

  const skus = [...new Set(fresh.flatMap((i) => i.order.lines.map((l) => l.sku)))];
  const bySku = new Map(
    (skus.length === 0 ? [] : await tx.select({ id: products.id, sku: products.sku, name: products.name, taxClass: products.taxClass }).from(products).where(inArray(products.sku, skus))).map(
      (p) => [p.sku, p],
    ),
  );
  const numberOf = (i: OrderItem<R>) => `${i.sender.source}-${i.order.number ?? i.order.orderId}`.toUpperCase();
  const numbers = [...new Set(fresh.map(numberOf))];
  const takenNumbers = new Set((numbers.length === 0 ? [] : await tx.select({ n: orders.number }).from(orders).where(inArray(orders.number, numbers))).map((r) => r.n));

  const orderRows: (typeof orders.$inferInsert)[] = [];
  const lineRows: (typeof orderLines.$inferInsert)[] = [];
  const sourceRows: (typeof orderSources.$inferInsert)[] = [];
  /** The customers' languages the applied orders give (the last one given wins). */
  const languages = new Map<string, string>();
  for (const i of fresh) {
    const o = i.order;
    try {
      const sourceKey = key(i.sender.id, o.orderId);
      if (known.has(sourceKey)) {
        outcomes.set(i.ref, 'applied'); // earlier in this very batch
        continue;
      }
      const { id: customerId, create } = customerOf(i);
      const missing = [...new Set(o.lines.map((l) => l.sku))].filter((s) => !bySku.has(s));
      if (missing.length > 0) throw new IngestRefused(`lines: no such product in the store: ${missing.slice(0, 10).join(', ')}.`);
      const number = numberOf(i);
      if (takenNumbers.has(number)) throw new IngestRefused(`number: another order already has the number ${number}.`);
      const placedAt = Date.parse(o.placedAt);
      const lineTotals = o.lines.map((l) => l.unitPriceCents * l.quantity - l.discountCents);
      const orderId = randomUUID();
      orderRows.push({
        id: orderId,
        number,
        customerId,
        channel: 'web',
        campaignCode: o.campaignCode ?? null,
        status: o.status,
        currency: o.currency,
        subtotalCents: lineTotals.reduce((a, b) => a + b, 0),
        discountCents: o.discountCents,
        taxCents: o.taxCents,
        shippingCents: o.shippingCents,
        totalCents: o.totalCents,
        placedAt,
        note: o.note ?? null,
      });
      o.lines.forEach((l, n) => {
        const product = bySku.get(l.sku)!;
        lineRows.push({
          id: randomUUID(),
          orderId,
          lineNo: n + 1,
          productId: product.id,
          customerId,
          placedAt,
          sku: product.sku,
          name: product.name,
          quantity: l.quantity,
          unitPriceCents: l.unitPriceCents,
          totalCents: lineTotals[n]!,
          discountCents: l.discountCents,
          taxCents: l.taxCents,
          taxClass: product.taxClass,
        });
      });
      sourceRows.push({ orderId, integrationId: i.sender.id, sourceOrderId: o.orderId, placedAt });
      if (create) created.set(key(i.sender.source, create.sourceId), { id: customerId, customer: create, source: i.sender.source });
      else if (o.customer.language !== undefined) languages.set(customerId.toLowerCase(), o.customer.language);
      known.add(sourceKey);
      takenNumbers.add(number);
      outcomes.set(i.ref, 'applied');
    } catch (e) {
      if (!(e instanceof IngestRefused)) throw e;
      outcomes.set(i.ref, e.message);
    }
  }
  // New shoppers first (their orders name them), as the customer import writes a new customer.
  for (const source of new Set([...created.values()].map((c) => c.source))) {
    const shoppers = [...created.values()].filter((c) => c.source === source);
    await insertCustomers(
      tx,
      shoppers.map((c) => c.customer),
      source,
      Date.now(),
      shoppers.map((c) => c.id),
    );
  }
  if (orderRows.length > 0) {
    await tx.insert(orders).values(orderRows);
    // Chunks keep each statement under PostgreSQL's 65,535 parameters whatever the lines per order.
    for (let i = 0; i < lineRows.length; i += 2000) await tx.insert(orderLines).values(lineRows.slice(i, i + 2000));
    await tx.insert(orderSources).values(sourceRows);
  }
  // An erased customer keeps no language; one already in it is not written (no change to sync).
  for (const [customerId, language] of languages) {
    await tx
      .update(customers)
      .set({ language })
      .where(and(eq(customers.id, customerId), isNull(customers.erasedAt), sql`${customers.language} is distinct from ${language}`));
  }
  return outcomes;
}

type NewShopperRef = IngestOrder['customer'] & { sourceId: string; firstName: string; lastName: string };

/** A new shopper's details read as the customer import reads a row (the same checks, phones kept unverified when unreadable), or IngestRefused naming the field. */
function newShopper(ref: NewShopperRef): ImportedCustomer {
  const checked = checkCustomerRow(
    { source_id: ref.sourceId, first_name: ref.firstName, last_name: ref.lastName, email: ref.email ?? '', phone: ref.phone ?? '', language: ref.language ?? '', country: ref.country ?? '' },
    'US',
  );
  if (checked.ok) return checked.customer;
  const p = checked.problems[0]!;
  throw new IngestRefused(`customer.${SHOPPER_FIELD[p.column] ?? p.column}: ${p.reason}`);
}

const SHOPPER_FIELD: Record<string, string> = { source_id: 'sourceId', first_name: 'firstName', last_name: 'lastName' };

function groupBy<T>(items: readonly T[], by: (t: T) => string, value: (t: T) => string): Map<string, string[]> {
  const groups = new Map<string, Set<string>>();
  for (const item of items) {
    const k = by(item);
    const set = groups.get(k) ?? new Set<string>();
    set.add(value(item));
    groups.set(k, set);
  }
  return new Map([...groups].map(([k, v]) => [k, [...v]]));
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
