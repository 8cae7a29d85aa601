/**
 * The price of an order (issue 21), computed once, here, by the workstation while the CSR quotes it
 * and by the central store when the order arrives: the same input gives the same figures on both,
 * so the total the CSR quotes is the total the store records (a difference is never applied
 * silently: the order needs attention).
 *
 * The rules, in the order they apply:
 * 1. Money is integer cents (the currency's minor unit) throughout; nothing is ever a float.
 * 2. Prices are tax-exclusive. A line's gross is unit price × quantity; the subtotal is the sum.
 * 3. The campaign (already accepted by `checkCode`, src-shared/domain/campaign.ts) applies when the
 *    subtotal reaches its minimum order: `percent` takes that percent of the subtotal, rounded
 *    down (a discount never exceeds its percent); `amount` takes its amount, at most the subtotal;
 *    `free_shipping` makes the shipping free, whatever the method. Below the minimum it gives
 *    nothing here: the order panel runs `checkCode` again as the cart changes and says why.
 * 4. One manual discount applies after the campaign, on what is left: a percent of it (rounded
 *    down) or an amount (at most what is left, so a total is never negative).
 * 5. The order's discount (campaign + manual) is spread over the lines in proportion to their gross,
 *    by largest remainder: the line discounts add up to the order's discount exactly, and no line
 *    is discounted beyond its gross. Ties go to the earlier line.
 * 6. Tax is per line, on the line's gross after its discount, at its tax class's rate
 *    (TAX_RATE_BP, basis points), rounded half up. The order's tax is the sum of the lines'.
 * 7. Shipping depends on the delivery method and the currency (SHIPPING_CENTS). Standard delivery
 *    is free from FREE_SHIPPING_FROM_CENTS of merchandise after discounts (tax excluded), as most
 *    shops do; express is always charged; pickup is free. Shipping prices are final (not taxed
 *    again, not discounted by the manual discount). An empty cart ships nothing and costs nothing.
 * 8. total = subtotal − discount + tax + shipping, never negative.
 *
 * Input that cannot be an order (a quantity of 0 or 1,000, a price in cents that is not a whole
 * number, a percent above 100, a campaign for another currency, an unknown tax class) throws an
 * AppError `invalid_input` naming the field; nothing is priced.
 */
import { AppError } from '../result';
import type { Campaign } from './campaign';
import { formatCents } from './money';
import { DELIVERY_METHODS, type DeliveryMethod } from './order';
import { SELLING_CURRENCIES, TAX_CLASSES, type SellingCurrency, type TaxClass } from './product';

/** Tax rate of each class, in basis points (2000 = 20 %). Prices are tax-exclusive. */
export const TAX_RATE_BP: Readonly<Record<TaxClass, number>> = {
  standard: 2000,
  reduced: 500,
  zero: 0,
};

/** What delivery costs, by method and currency, in cents. */
export const SHIPPING_CENTS: Readonly<Record<DeliveryMethod, Readonly<Record<SellingCurrency, number>>>> = {
  standard: { USD: 799, EUR: 495, GBP: 495, SEK: 4900 },
  express: { USD: 1999, EUR: 1490, GBP: 1295, SEK: 14900 },
  pickup: { USD: 0, EUR: 0, GBP: 0, SEK: 0 },
};

/** Standard delivery is free from this much merchandise after discounts, tax excluded. */
export const FREE_SHIPPING_FROM_CENTS: Readonly<Record<SellingCurrency, number>> = { USD: 7500, EUR: 5000, GBP: 5000, SEK: 59900 };

/** Bounds of an order that can be priced: beyond them the input is refused. */
export const PRICING_LIMITS = {
  lines: 100,
  quantityMin: 1,
  quantityMax: 999,
  /** 1,000,000.00 in any selling currency: more than any product costs, and every sum stays exact. */
  unitPriceCentsMax: 100_000_000,
} as const;

/** What of a campaign pricing needs (a `campaigns` row has more). */
export type PricingCampaign = Pick<Campaign, 'rule' | 'value' | 'currency' | 'minOrderCents'>;

export interface ManualDiscount {
  kind: 'percent' | 'amount';
  /** percent: 0..100; amount: cents. */
  value: number;
}

export interface PricingLine {
  /** The caller's key for the line (its line id), echoed in the result. */
  key: string;
  unitPriceCents: number;
  quantity: number;
  taxClass: TaxClass;
}

export interface PricingInput {
  currency: SellingCurrency;
  lines: readonly PricingLine[];
  campaign: PricingCampaign | null;
  manualDiscount: ManualDiscount | null;
  deliveryMethod: DeliveryMethod;
}

export interface PricedLine {
  key: string;
  /** unit price × quantity, tax excluded. */
  grossCents: number;
  /** This line's share of the order's discount. */
  discountCents: number;
  taxCents: number;
  /** gross − discount + tax. */
  totalCents: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  subtotalCents: number;
  campaignDiscountCents: number;
  manualDiscountCents: number;
  /** campaign + manual = the sum of the lines' discounts. */
  discountCents: number;
  taxCents: number;
  shippingCents: number;
  /** subtotal − discount + tax + shipping. */
  totalCents: number;
}

const isWhole = (n: unknown, min: number, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

function refuse(message: string, field: string): never {
  throw new AppError('invalid_input', message, field);
}

function checkInput(input: PricingInput): void {
  if (!(SELLING_CURRENCIES as readonly string[]).includes(input.currency)) {
    refuse(`The store does not sell in ${String(input.currency)}; it sells in ${SELLING_CURRENCIES.join(', ')}.`, 'currency');
  }
  if (!(DELIVERY_METHODS as readonly string[]).includes(input.deliveryMethod)) refuse('Choose a delivery method.', 'deliveryMethod');
  if (input.lines.length > PRICING_LIMITS.lines) refuse(`An order has at most ${PRICING_LIMITS.lines} lines.`, 'lines');
  const keys = new Set<string>();
  input.lines.forEach((line, i) => {
    if (typeof line.key !== 'string' || line.key === '' || keys.has(line.key)) refuse('Each line needs its own key.', `lines.${i}.key`);
    keys.add(line.key);
    if (!isWhole(line.quantity, PRICING_LIMITS.quantityMin, PRICING_LIMITS.quantityMax)) {
      refuse(`Quantity: a whole number from ${PRICING_LIMITS.quantityMin} to ${PRICING_LIMITS.quantityMax}.`, `lines.${i}.quantity`);
    }
    if (!isWhole(line.unitPriceCents, 0, PRICING_LIMITS.unitPriceCentsMax)) {
      refuse(`Price: whole cents from 0 to ${formatCents(PRICING_LIMITS.unitPriceCentsMax, input.currency)}.`, `lines.${i}.unitPriceCents`);
    }
    if (!(TAX_CLASSES as readonly string[]).includes(line.taxClass)) refuse('Not a tax class.', `lines.${i}.taxClass`);
  });
  const c = input.campaign;
  if (c !== null) {
    if (c.currency !== null && c.currency !== input.currency) refuse(`The campaign is for orders in ${c.currency}; this order is in ${input.currency}.`, 'campaign.currency');
    if (!isWhole(c.minOrderCents, 0, Number.MAX_SAFE_INTEGER)) refuse('A campaign’s minimum order is whole cents, 0 or more.', 'campaign.minOrderCents');
    const valueOk =
      c.rule === 'percent' ? isWhole(c.value, 1, 100) : c.rule === 'amount' ? isWhole(c.value, 1, Number.MAX_SAFE_INTEGER) : c.rule === 'free_shipping' && c.value === 0;
    if (!valueOk) refuse('Not a campaign: a percent is 1 to 100, an amount whole cents above 0, free shipping has no value.', 'campaign.value');
  }
  const m = input.manualDiscount;
  if (m !== null) {
    const valueOk = m.kind === 'percent' ? isWhole(m.value, 0, 100) : m.kind === 'amount' && isWhole(m.value, 0, Number.MAX_SAFE_INTEGER);
    if (!valueOk) refuse(m.kind === 'percent' ? 'Discount: a whole percent from 0 to 100.' : 'Discount: whole cents, 0 or more.', 'manualDiscount.value');
  }
}

/** ⌊amount × percent / 100⌋, exactly. */
const percentOf = (amount: number, percent: number) => Number((BigInt(amount) * BigInt(percent)) / 100n);

/** amount × bp / 10000, rounded half up (amounts are never negative). */
const taxOf = (amount: number, bp: number) => Number((BigInt(amount) * BigInt(bp) + 5000n) / 10000n);

/**
 * `total` spread over `weights` in proportion, by largest remainder: the shares add up to `total`
 * exactly, and each is at most its weight when `total` is at most their sum. Ties go to the
 * earlier weight.
 */
export function spreadByLargestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  const t = BigInt(total);
  const s = BigInt(sum);
  const shares = weights.map((w) => Number((t * BigInt(w)) / s));
  const remainders = weights.map((w, i) => ({ i, r: (t * BigInt(w)) % s }));
  let left = total - shares.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  return shares;
}

/** What delivery costs for this much merchandise after discounts. */
export function shippingFor(method: DeliveryMethod, currency: SellingCurrency, merchandiseCents: number): number {
  if (method === 'standard' && merchandiseCents >= FREE_SHIPPING_FROM_CENTS[currency]) return 0;
  return SHIPPING_CENTS[method][currency];
}

/** The order's figures (see the rules above). Throws AppError `invalid_input` for input that cannot be an order. */
export function priceOrder(input: PricingInput): PricedOrder {
  checkInput(input);
  const gross = input.lines.map((l) => l.unitPriceCents * l.quantity);
  const subtotalCents = gross.reduce((a, b) => a + b, 0);

  const campaign = input.campaign !== null && subtotalCents >= input.campaign.minOrderCents ? input.campaign : null;
  let campaignDiscountCents = 0;
  if (campaign?.rule === 'percent') campaignDiscountCents = percentOf(subtotalCents, campaign.value);
  else if (campaign?.rule === 'amount') campaignDiscountCents = Math.min(campaign.value, subtotalCents);

  const afterCampaign = subtotalCents - campaignDiscountCents;
  const manual = input.manualDiscount;
  const manualDiscountCents = manual === null ? 0 : manual.kind === 'percent' ? percentOf(afterCampaign, manual.value) : Math.min(manual.value, afterCampaign);
  const discountCents = campaignDiscountCents + manualDiscountCents;

  const lineDiscounts = spreadByLargestRemainder(discountCents, gross);
  const lines: PricedLine[] = input.lines.map((line, i) => {
    const grossCents = gross[i] ?? 0;
    const discount = lineDiscounts[i] ?? 0;
    const taxCents = taxOf(grossCents - discount, TAX_RATE_BP[line.taxClass]);
    return { key: line.key, grossCents, discountCents: discount, taxCents, totalCents: grossCents - discount + taxCents };
  });
  const taxCents = lines.reduce((a, l) => a + l.taxCents, 0);

  const merchandiseCents = subtotalCents - discountCents;
  const shippingCents =
    input.lines.length === 0 || campaign?.rule === 'free_shipping' ? 0 : shippingFor(input.deliveryMethod, input.currency, merchandiseCents);

  return {
    lines,
    subtotalCents,
    campaignDiscountCents,
    manualDiscountCents,
    discountCents,
    taxCents,
    shippingCents,
    totalCents: merchandiseCents + taxCents + shippingCents,
  };
}

/** Every figure of a priced order but its lines. */
export type PricedTotals = Omit<PricedOrder, 'lines'>;

export function totalsOf(priced: PricedOrder): PricedTotals {
  const { lines: _lines, ...totals } = priced;
  return totals;
}

/** The totals the CSR quoted, as `order.submit` carries them: what the store compares on arrival. */
export type QuotedTotals = Pick<PricedOrder, 'subtotalCents' | 'discountCents' | 'taxCents' | 'shippingCents' | 'totalCents'>;

/** True when the store's figures are the ones the CSR quoted (else the order needs attention). */
export function sameTotals(a: QuotedTotals, b: QuotedTotals): boolean {
  return (
    a.subtotalCents === b.subtotalCents &&
    a.discountCents === b.discountCents &&
    a.taxCents === b.taxCents &&
    a.shippingCents === b.shippingCents &&
    a.totalCents === b.totalCents
  );
}
