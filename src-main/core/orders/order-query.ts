/** The read side of phone orders (issue 21): quoting a cart, an order's summary, the order form's lists. */
import type { CountryCode } from 'libphonenumber-js/max';
import type { ReadableDb } from '../db/open';
import type { OrderDraftInput, OrderQuote, OrderSummary } from '../../../src-shared/contracts/orders';
import { SELLING_CURRENCIES, type SellingCurrency } from '../../../src-shared/domain/product';
import { AppError } from '../../../src-shared/result';
import { isoTime } from '../../../src-shared/domain/time';
import { createOrderReadRepository, type StoredOrder } from './order-repository';
import { defaultCurrencyFor, priceDraft, type PricingAgent } from './order-pricing';

/** An order as the order panel, past purchases and the timeline show it. */
export function orderSummaryOf(o: StoredOrder): OrderSummary {
  return {
    orderId: o.id,
    number: o.number,
    status: o.status,
    currency: o.currency,
    totalCents: o.totalCents,
    quotedTotalCents: o.quotedTotalCents,
    attentionReason: o.attentionReason,
    approverName: o.approverName,
    placedAt: isoTime(o.placedAt),
  };
}

export class OrderQuery {
  private readonly reads;
  private readonly defaultCurrency: SellingCurrency;

  constructor(db: ReadableDb, region: CountryCode) {
    this.reads = createOrderReadRepository(db);
    this.defaultCurrency = defaultCurrencyFor(region);
  }

  quote(draft: OrderDraftInput, agent: PricingAgent, now: number): OrderQuote {
    return priceDraft(this.reads, draft, agent, this.defaultCurrency, now).quote;
  }

  get(orderId: string): OrderSummary {
    const order = this.reads.order(orderId);
    if (!order) throw new AppError('not_found', 'This order is not in the local cache.', 'orderId');
    return orderSummaryOf(order);
  }

  options(): { sources: { code: string; label: string }[]; currencies: SellingCurrency[]; defaultCurrency: SellingCurrency } {
    return { sources: this.reads.sources(), currencies: [...SELLING_CURRENCIES], defaultCurrency: this.defaultCurrency };
  }
}
