/**
 * How the central store confirms a phone order (issue 21), shared by the `order.submit` applier
 * and a supervisor's decision (routes.ts): it prices the order again with the shared pricing
 * module and the STORE's own prices, campaigns and discount limits, then either places it — its
 * units reserved and the store's own order number given — or leaves it needing attention with the
 * reason and both totals. Nothing here is ever applied silently: a difference is a status.
 *
 * Everything runs in the caller's transaction. Stock is reserved all lines or none: the products'
 * rows are locked (FOR NO KEY UPDATE, in id order so two orders never wait on each other in a
 * cycle), checked, then each reserved by a conditional UPDATE that can only succeed while
 * stock − reserved covers it, so `reserved` never goes beyond `stock` however many orders race.
 */
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { can, type UserRole } from '../../../src-shared/auth/permissions';
import { checkCode, type Campaign } from '../../../src-shared/domain/campaign';
import { authorityOf, exceedsAuthority, type AuthorityCheck, type DiscountAuthority, type DiscountLimit } from '../../../src-shared/domain/discount-authority';
import { formatCents } from '../../../src-shared/domain/money';
import type { DeliveryMethod } from '../../../src-shared/domain/order';
import { priceOrder, type ManualDiscount, type PricedOrder } from '../../../src-shared/domain/pricing';
import type { SellingCurrency, TaxClass } from '../../../src-shared/domain/product';
import { AppError } from '../../../src-shared/result';
import { campaigns, discountLimits, orders, productPrices, products } from '../db/schema';
import { MutationRefused, type StoreTx } from '../sync/mutations/refusal';

/** The number an order has until the store confirms it: 'P-' and its id's 32 hex digits, upper-cased (as the workstation writes it). */
export function provisionalNumber(orderId: string): string {
  return `P-${orderId.replace(/-/g, '').toUpperCase()}`;
}

export interface LineToPrice {
  /** The line id: the key of the priced line. */
  lineId: string;
  productId: string;
  quantity: number;
}

export interface OrderToPrice {
  currency: SellingCurrency;
  lines: readonly LineToPrice[];
  campaignCode: string | null;
  manualDiscount: ManualDiscount | null;
  deliveryMethod: DeliveryMethod;
  /** When the order was taken (the entry's time): a campaign code is checked as of then. */
  takenAt: number;
}

export interface StoreProduct {
  id: string;
  sku: string;
  name: string;
  status: string;
  taxClass: TaxClass;
  /** The store's price in the order's currency. */
  unitPriceCents: number;
}

export interface StorePricing {
  priced: PricedOrder;
  /** By product id. */
  products: ReadonlyMap<string, StoreProduct>;
  /** Why the campaign code does not hold (the order is priced without it), or null. */
  campaignProblem: string | null;
}

/**
 * The order's products as the store has them, with their price in `currency`. An unknown or
 * discontinued product, or one without a price in the currency, refuses (the caller's words say
 * what is refused).
 */
export async function storeProducts(tx: StoreTx, productIds: readonly string[], currency: SellingCurrency, words: string): Promise<Map<string, StoreProduct>> {
  const ids = [...new Set(productIds)].sort();
  const rows = await tx
    .select({ id: products.id, sku: products.sku, name: products.name, status: products.status, taxClass: products.taxClass, price: productPrices.priceCents })
    .from(products)
    .leftJoin(productPrices, and(eq(productPrices.productId, products.id), eq(productPrices.currency, currency)))
    .where(inArray(products.id, ids))
    .orderBy(asc(products.id))
    .for('key share', { of: products });
  const found = new Map(rows.map((r) => [r.id, r]));
  const result = new Map<string, StoreProduct>();
  for (const id of ids) {
    const row = found.get(id);
    if (!row) {
      throw new MutationRefused(
        'not_found',
        `A product in this ${words} is no longer in the central store's catalogue, so the ${words} was not saved there; take the order again without it.`,
      );
    }
    if (row.status !== 'active') {
      throw new MutationRefused('invalid_input', `${row.sku} (${row.name}) is discontinued, so this ${words} was not saved on the central store; take the order again without it.`);
    }
    if (row.price === null) {
      throw new MutationRefused('invalid_input', `The central store has no ${currency} price for ${row.sku}, so this ${words} was not saved there; take the order in another currency.`);
    }
    result.set(id, { id: row.id, sku: row.sku, name: row.name, status: row.status, taxClass: row.taxClass, unitPriceCents: row.price });
  }
  return result;
}

async function campaignByCode(tx: StoreTx): Promise<Campaign[]> {
  const rows = await tx.select().from(campaigns);
  return rows.map((c) => ({ ...c, startsAt: Number(c.startsAt), endsAt: c.endsAt === null ? null : Number(c.endsAt) }));
}

/** Prices the order with the store's prices and campaigns (the code checked for the phone channel as of `takenAt`). */
export async function priceAtStore(tx: StoreTx, order: OrderToPrice, words: string): Promise<StorePricing> {
  const found = await storeProducts(
    tx,
    order.lines.map((l) => l.productId),
    order.currency,
    words,
  );
  const lines = order.lines.map((l) => {
    const p = found.get(l.productId)!;
    return { key: l.lineId, unitPriceCents: p.unitPriceCents, quantity: l.quantity, taxClass: p.taxClass };
  });
  const base = { currency: order.currency, lines, manualDiscount: order.manualDiscount, deliveryMethod: order.deliveryMethod };
  let campaign: Campaign | null = null;
  let campaignProblem: string | null = null;
  if (order.campaignCode !== null) {
    const subtotalCents = priceFor({ ...base, campaign: null, manualDiscount: null }, words).subtotalCents;
    const check = checkCode(order.campaignCode, await campaignByCode(tx), { now: order.takenAt, channel: 'offline', currency: order.currency, subtotalCents });
    if (check.ok) campaign = check.campaign;
    else campaignProblem = check.reason;
  }
  return { priced: priceFor({ ...base, campaign }, words), products: found, campaignProblem };
}

/** The shared pricing module's refusal of impossible figures (a percent above 100, …) refuses the entry, never fails the push. */
function priceFor(input: Parameters<typeof priceOrder>[0], words: string): PricedOrder {
  try {
    return priceOrder(input);
  } catch (e) {
    if (e instanceof AppError && e.code === 'invalid_input') throw new MutationRefused('invalid_input', `${e.message} So this ${words} was not saved on the central store.`);
    throw e;
  }
}

/** The discount authority of a store user for an order in `currency`: their own row, else their role's, else the role's default. */
export async function authorityOfUser(tx: StoreTx, user: { id: string; role: UserRole }, currency: string): Promise<DiscountAuthority> {
  const rows = await tx
    .select()
    .from(discountLimits)
    .where(and(eq(discountLimits.currency, currency), or(eq(discountLimits.userId, user.id), and(isNull(discountLimits.userId), eq(discountLimits.role, user.role)))));
  const limits: DiscountLimit[] = rows.map((r) => ({ ...r, role: r.role ?? null }));
  return authorityOf(user, limits, currency);
}

/** Whether `user`'s own authority covers the priced order's manual discount. */
export async function checkAuthority(
  tx: StoreTx,
  user: { id: string; role: UserRole },
  order: { currency: string; manualDiscount: ManualDiscount | null },
  priced: PricedOrder,
): Promise<AuthorityCheck> {
  if (priced.manualDiscountCents === 0 && (order.manualDiscount === null || order.manualDiscount.value === 0)) return { needsApproval: false };
  return exceedsAuthority(order.manualDiscount, priced, await authorityOfUser(tx, user, order.currency));
}

/** May this user approve a discount at all (the permission), whatever its size? */
export const mayApprove = (role: UserRole) => can(role, 'discount.approve');

/**
 * Reserves every line's units, or none: null when reserved, else the sentence saying which
 * products lack stock and how many are free.
 */
export async function reserveStock(tx: StoreTx, lines: readonly { productId: string; quantity: number }[]): Promise<string | null> {
  const wanted = new Map<string, number>();
  for (const l of lines) wanted.set(l.productId, (wanted.get(l.productId) ?? 0) + l.quantity);
  const ids = [...wanted.keys()].sort();
  const rows = await tx
    .select({ id: products.id, sku: products.sku, stock: products.stock, reserved: products.reserved })
    .from(products)
    .where(inArray(products.id, ids))
    .orderBy(asc(products.id))
    .for('no key update');
  const short = rows
    .filter((r) => r.stock - r.reserved < (wanted.get(r.id) ?? 0))
    .map((r) => `Out of stock: ${r.sku} (${Math.max(0, r.stock - r.reserved)} available)`);
  if (rows.length !== ids.length) throw new Error('a product of the order vanished while its row was locked');
  if (short.length > 0) return short.join('; ');
  for (const id of ids) {
    const q = wanted.get(id)!;
    const done = await tx
      .update(products)
      .set({ reserved: sql`${products.reserved} + ${q}` })
      .where(and(eq(products.id, id), sql`${products.stock} - ${products.reserved} >= ${q}`))
      .returning({ id: products.id });
    // The rows are locked and were checked: a miss here is a bug, and rolls the whole order back.
    if (done.length !== 1) throw new Error(`reserving ${q} of product ${id} failed after its stock was checked`);
  }
  return null;
}

/** The store's next order number, "SB" + 8 digits (server/drizzle/0013_order_numbers.sql). */
export async function nextOrderNumber(tx: StoreTx): Promise<string> {
  const result = (await tx.execute(sql`select sb_next_order_number() as n`)) as unknown as { rows: { n: string }[] };
  const n = result.rows[0]?.n;
  if (typeof n !== 'string') throw new Error('sb_next_order_number() gave no number');
  return n;
}

export type Confirmation = { status: 'placed'; number: string } | { status: 'needs_attention'; reason: string };

/**
 * The last step of confirming an order the store has priced (`pricing`) and whose discount is
 * within authority or approved: the campaign must hold, the store's total must be the quoted one,
 * and every unit must be there — then its stock is reserved and it gets its number. Else the
 * first reason it needs attention (nothing reserved).
 */
export async function confirmPriced(
  tx: StoreTx,
  pricing: StorePricing,
  lines: readonly { productId: string; quantity: number }[],
  quoted: { totalCents: number; currency: string; matches: (priced: PricedOrder) => boolean },
): Promise<Confirmation> {
  if (pricing.campaignProblem !== null) return { status: 'needs_attention', reason: pricing.campaignProblem };
  if (!quoted.matches(pricing.priced)) {
    return {
      status: 'needs_attention',
      reason: `Price changed: quoted ${formatCents(quoted.totalCents, quoted.currency)}, the store's total is ${formatCents(pricing.priced.totalCents, quoted.currency)}`,
    };
  }
  const shortage = await reserveStock(tx, lines);
  if (shortage !== null) return { status: 'needs_attention', reason: shortage };
  return { status: 'placed', number: await nextOrderNumber(tx) };
}

/** Writes the store's figures of an order and its lines' shares (tax, discount, total per line). */
export async function writeFigures(tx: StoreTx, orderId: string, priced: PricedOrder): Promise<void> {
  await tx
    .update(orders)
    .set({
      subtotalCents: priced.subtotalCents,
      discountCents: priced.discountCents,
      manualDiscountCents: priced.manualDiscountCents,
      taxCents: priced.taxCents,
      shippingCents: priced.shippingCents,
      totalCents: priced.totalCents,
    })
    .where(eq(orders.id, orderId));
}
