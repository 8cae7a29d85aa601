/**
 * A cart priced from this workstation's cache (issue 21): the same reading for the quote the CSR
 * reads out and for the submit that saves it, so both run the shared pricing module
 * (src-shared/domain/pricing.ts) on the same figures. The store runs it again on arrival.
 *
 * Per line: the product and its price in the order's currency from the cache; a line that cannot
 * be ordered (unknown here, discontinued, no price in the currency) is shown with its problem and
 * left out of the totals; a line asking for more than was available at the last sync is priced
 * and warned about (the store reserves stock when it confirms).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { OrderDraftInput, OrderQuote } from '../../../src-shared/contracts/orders';
import type { UserRole } from '../../../src-shared/auth/permissions';
import { checkCode, normaliseCode, type Campaign, type CodeCheck } from '../../../src-shared/domain/campaign';
import { authorityOf, exceedsAuthority, type AuthorityCheck, type DiscountAuthority } from '../../../src-shared/domain/discount-authority';
import { priceOrder, type PricedOrder, type PricingLine } from '../../../src-shared/domain/pricing';
import { SELLING_CURRENCIES, type SellingCurrency } from '../../../src-shared/domain/product';
import { AppError } from '../../../src-shared/result';
import type { CatalogueProduct, createOrderReadRepository } from './order-repository';

type OrderReads = ReturnType<typeof createOrderReadRepository>;

/** The euro area (and the countries using the euro as their own), for a workstation's default currency. */
const EURO_REGIONS = new Set(['AT', 'BE', 'CY', 'DE', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PT', 'SI', 'SK', 'AD', 'MC', 'SM', 'VA', 'ME', 'XK']);

/** The currency a workstation sells in by default: its region's, when the store sells in it; else US dollars. */
export function defaultCurrencyFor(region: CountryCode): SellingCurrency {
  if (region === 'GB' || region === 'GG' || region === 'JE' || region === 'IM') return 'GBP';
  if (region === 'SE') return 'SEK';
  if (EURO_REGIONS.has(region)) return 'EUR';
  return 'USD';
}

export const isSellingCurrency = (c: string): c is SellingCurrency => (SELLING_CURRENCIES as readonly string[]).includes(c);

/** Who prices the order: their own discount authority applies. */
export interface PricingAgent {
  /** Store user id; null without a signed-in user. */
  userId: string | null;
  /** Null without a signed-in user: then no discount is within authority. */
  role: UserRole | null;
}

export interface DraftLine {
  index: number;
  productId: string;
  quantity: number;
  product: CatalogueProduct | null;
  /** Why it cannot be ordered or what to warn about; null when fine. */
  problem: string | null;
  /** The line cannot be ordered at all (left out of the totals, refused on submit). */
  blocking: boolean;
}

export interface PricedDraft {
  currency: SellingCurrency;
  lines: DraftLine[];
  priced: PricedOrder;
  /** The campaign that applies, or null (none asked, or the code does not hold). */
  campaign: Campaign | null;
  codeCheck: CodeCheck | null;
  authority: DiscountAuthority;
  authorityCheck: AuthorityCheck;
  quote: OrderQuote;
}

/** `PricingAgent` with the lowest authority when nobody is signed in (deny by default). */
const roleOf = (agent: PricingAgent): UserRole => agent.role ?? 'store_associate';

export function authorityFor(reads: OrderReads, agent: PricingAgent, currency: SellingCurrency): DiscountAuthority {
  const role = roleOf(agent);
  return authorityOf({ id: agent.userId ?? '', role }, reads.limits(currency, agent.userId, role), currency);
}

function readLine(reads: OrderReads, currency: SellingCurrency, line: { productId: string; quantity: number }, index: number): DraftLine {
  const product = reads.product(line.productId, currency);
  const base = { index, productId: line.productId, quantity: line.quantity, product };
  if (!product) return { ...base, problem: 'This product is not in the catalogue on this workstation: search for it again.', blocking: true };
  if (product.status === 'discontinued') return { ...base, problem: `${product.name} is discontinued and can no longer be ordered.`, blocking: true };
  if (product.priceCents === null) return { ...base, problem: `${product.name} has no price in ${currency}: choose another currency or product.`, blocking: true };
  const available = Math.max(0, product.stock - product.reserved);
  if (line.quantity > available) {
    const problem =
      available === 0
        ? `${product.name} was out of stock at the last sync; the store checks when the order arrives.`
        : `Only ${available} of ${product.name} available at the last sync; the store checks when the order arrives.`;
    return { ...base, problem, blocking: false };
  }
  return { ...base, problem: null, blocking: false };
}

export function priceDraft(
  reads: OrderReads,
  draft: Pick<OrderDraftInput, 'customerId' | 'currency' | 'lines' | 'campaignCode' | 'deliveryMethod' | 'manualDiscount'>,
  agent: PricingAgent,
  defaultCurrency: SellingCurrency,
  now: number,
): PricedDraft {
  const customer = reads.customer(draft.customerId);
  if (!customer) throw new AppError('not_found', 'This customer is not in the local cache.', 'customerId');
  const currency: SellingCurrency = draft.currency ?? (isSellingCurrency(customer.currency) ? customer.currency : defaultCurrency);

  const lines = draft.lines.map((line, i) => readLine(reads, currency, line, i));
  const pricingLines: PricingLine[] = lines
    .filter((l) => !l.blocking && l.product !== null && l.product.priceCents !== null)
    .map((l) => ({ key: String(l.index), unitPriceCents: l.product?.priceCents ?? 0, quantity: l.quantity, taxClass: l.product?.taxClass ?? 'standard' }));
  const base = { currency, lines: pricingLines, deliveryMethod: draft.deliveryMethod };

  const code = draft.campaignCode?.trim() ? draft.campaignCode : null;
  let codeCheck: CodeCheck | null = null;
  if (code !== null) {
    const { subtotalCents } = priceOrder({ ...base, campaign: null, manualDiscount: null });
    const found = reads.campaign(normaliseCode(code));
    codeCheck = checkCode(code, found ? [found] : [], { now, channel: 'offline', currency, subtotalCents });
  }
  const campaign = codeCheck?.ok ? codeCheck.campaign : null;
  const manual = draft.manualDiscount ? { kind: draft.manualDiscount.kind, value: draft.manualDiscount.value } : null;
  const priced = priceOrder({ ...base, campaign, manualDiscount: manual });

  const authority = authorityFor(reads, agent, currency);
  const authorityCheck = exceedsAuthority(manual, priced, authority);

  const byKey = new Map(priced.lines.map((l) => [l.key, l]));
  const quote: OrderQuote = {
    currency,
    lines: lines.map((l) => {
      const p = byKey.get(String(l.index));
      return {
        productId: l.productId,
        sku: l.product?.sku ?? '',
        name: l.product?.name ?? '',
        taxClass: l.product?.taxClass ?? 'standard',
        quantity: l.quantity,
        unitPriceCents: l.product?.priceCents ?? 0,
        grossCents: p?.grossCents ?? 0,
        discountCents: p?.discountCents ?? 0,
        taxCents: p?.taxCents ?? 0,
        totalCents: p?.totalCents ?? 0,
        available: l.product ? Math.max(0, l.product.stock - l.product.reserved) : null,
        problem: l.problem,
      };
    }),
    subtotalCents: priced.subtotalCents,
    campaignDiscountCents: priced.campaignDiscountCents,
    manualDiscountCents: priced.manualDiscountCents,
    discountCents: priced.discountCents,
    taxCents: priced.taxCents,
    shippingCents: priced.shippingCents,
    totalCents: priced.totalCents,
    campaign: codeCheck === null ? null : codeCheck.ok ? { ok: true, code: codeCheck.campaign.code, name: codeCheck.campaign.name, rule: codeCheck.campaign.rule } : { ok: false, reason: codeCheck.reason },
    authority: {
      needsApproval: authorityCheck.needsApproval,
      reason: authorityCheck.needsApproval ? authorityCheck.reason : null,
      maxPercent: authority.maxPercent,
      maxAmountCents: authority.maxAmountCents,
    },
  };
  return { currency, lines, priced, campaign, codeCheck, authority, authorityCheck, quote };
}
