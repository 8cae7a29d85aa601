/**
 * SQL for the offer log: the offers table and the rows an offer refers to. Reads for the writer's
 * checks and for the stats read; writes only from OfferLog inside its transactions.
 */
import type { ReadableDb, WritableDb } from '../db/open';
import type { OfferOutcome, SuggestionKind } from '../../../src-shared/contracts/suggestions';
import { SPENDING_ORDER_STATUSES } from '../../../src-shared/domain/order-value';

export interface OfferRow {
  id: string;
  customerId: string;
  callId: string | null;
  agentId: string;
  productId: string;
  kind: SuggestionKind;
  reason: string;
  outcome: OfferOutcome;
  presentedAt: number;
  decidedAt: number | null;
}

export interface OfferCounts {
  presented: number;
  accepted: number;
  declined: number;
  undecided: number;
}

const OFFER_COLUMNS = `id, customer_id AS customerId, call_id AS callId, agent_id AS agentId, product_id AS productId,
  kind, reason, outcome, presented_at AS presentedAt, decided_at AS decidedAt`;
const COUNT_COLUMNS = `count(*) AS presented,
  coalesce(sum(outcome = 'accepted'), 0) AS accepted,
  coalesce(sum(outcome = 'declined'), 0) AS declined,
  coalesce(sum(outcome = 'presented'), 0) AS undecided`;

/** The writer's statements (prepared only on the writer connection). */
export class OfferWriteRepository {
  private readonly customer;
  private readonly product;
  private readonly call;
  private readonly byId;
  private readonly byCallProduct;
  private readonly openWithoutCall;
  private readonly insert;
  private readonly decide;

  constructor(db: WritableDb) {
    const c = db.$client;
    this.customer = c.prepare(`SELECT 1 FROM customers WHERE id = ?`).pluck();
    this.product = c.prepare(`SELECT 1 FROM products WHERE id = ?`).pluck();
    this.call = c.prepare(`SELECT customer_id AS customerId FROM calls WHERE id = ?`);
    this.byId = c.prepare(`SELECT ${OFFER_COLUMNS} FROM offers WHERE id = ?`);
    // offers_call_product_uq
    this.byCallProduct = c.prepare(`SELECT ${OFFER_COLUMNS} FROM offers WHERE call_id = ? AND product_id = ?`);
    // offers_customer_idx: the customer's offers, newest first; few per customer.
    this.openWithoutCall = c.prepare(
      `SELECT ${OFFER_COLUMNS} FROM offers
        WHERE customer_id = ? AND call_id IS NULL AND product_id = ? AND outcome = 'presented'
        ORDER BY presented_at DESC LIMIT 1`,
    );
    this.insert = c.prepare(
      `INSERT INTO offers (id, customer_id, call_id, agent_id, product_id, kind, reason, outcome, presented_at)
       VALUES (@id, @customerId, @callId, @agentId, @productId, @kind, @reason, 'presented', @presentedAt)`,
    );
    this.decide = c.prepare(`UPDATE offers SET outcome = ?, decided_at = ? WHERE id = ? AND outcome = 'presented'`);
  }

  customerExists(id: string): boolean {
    return this.customer.get(id) !== undefined;
  }

  productExists(id: string): boolean {
    return this.product.get(id) !== undefined;
  }

  /** The call's customer (null when not yet identified), or undefined when there is no such call. */
  callCustomer(id: string): { customerId: string | null } | undefined {
    return this.call.get(id) as { customerId: string | null } | undefined;
  }

  offer(id: string): OfferRow | undefined {
    return this.byId.get(id) as OfferRow | undefined;
  }

  offerOnCall(callId: string, productId: string): OfferRow | undefined {
    return this.byCallProduct.get(callId, productId) as OfferRow | undefined;
  }

  undecidedOfferWithoutCall(customerId: string, productId: string): OfferRow | undefined {
    return this.openWithoutCall.get(customerId, productId) as OfferRow | undefined;
  }

  insertOffer(row: Omit<OfferRow, 'outcome' | 'decidedAt'>): void {
    this.insert.run(row);
  }

  /** Records a decision on an undecided offer; false when it was not undecided. */
  decideOffer(id: string, outcome: Exclude<OfferOutcome, 'presented'>, at: number): boolean {
    return this.decide.run(outcome, at, id).changes === 1;
  }
}

/** Offers that ended in an ordered line, and that line's revenue per currency. */
export interface OfferConversions {
  converted: number;
  revenue: { currency: string; totalCents: number }[];
}

/**
 * The ordered lines that convert an offer: lines naming it, of orders that count as spending
 * (src-shared/domain/order-value.ts: placed, paid, shipped, delivered — not a phone order the
 * store has not confirmed, nor a cancelled or returned one). The statuses are constants, not input.
 */
const CONVERTING_LINES = `FROM offers o
  JOIN order_lines l ON l.offer_id = o.id
  JOIN orders r ON r.id = l.order_id AND r.status IN (${SPENDING_ORDER_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Counts for the conversion read (any connection, including the reader). */
export class OfferReadRepository {
  private readonly forCustomer;
  private readonly forCall;
  private readonly convertedFor;
  private readonly revenueFor;
  private readonly customer;
  private readonly call;

  constructor(db: ReadableDb) {
    const c = db.$client;
    this.customer = c.prepare(`SELECT 1 FROM customers WHERE id = ?`).pluck();
    this.call = c.prepare(`SELECT 1 FROM calls WHERE id = ?`).pluck();
    this.forCustomer = c.prepare(`SELECT ${COUNT_COLUMNS} FROM offers WHERE customer_id = ?`);
    this.forCall = c.prepare(`SELECT ${COUNT_COLUMNS} FROM offers WHERE call_id = ?`);
    this.convertedFor = {
      customer: c.prepare(`SELECT count(DISTINCT o.id) ${CONVERTING_LINES} WHERE o.customer_id = ?`).pluck(),
      call: c.prepare(`SELECT count(DISTINCT o.id) ${CONVERTING_LINES} WHERE o.call_id = ?`).pluck(),
    };
    this.revenueFor = {
      customer: c.prepare(`SELECT r.currency, sum(l.total_cents) AS totalCents ${CONVERTING_LINES} WHERE o.customer_id = ? GROUP BY r.currency ORDER BY r.currency`),
      call: c.prepare(`SELECT r.currency, sum(l.total_cents) AS totalCents ${CONVERTING_LINES} WHERE o.call_id = ? GROUP BY r.currency ORDER BY r.currency`),
    };
  }

  /** The offers of one customer, or made on one call, that ended in an ordered line, with those lines' revenue. */
  conversions(of: 'customer' | 'call', id: string): OfferConversions {
    return {
      converted: this.convertedFor[of].get(id) as number,
      revenue: this.revenueFor[of].all(id) as { currency: string; totalCents: number }[],
    };
  }

  customerExists(id: string): boolean {
    return this.customer.get(id) !== undefined;
  }

  callExists(id: string): boolean {
    return this.call.get(id) !== undefined;
  }

  countsForCustomer(customerId: string): OfferCounts {
    return this.forCustomer.get(customerId) as OfferCounts;
  }

  countsForCall(callId: string): OfferCounts {
    return this.forCall.get(callId) as OfferCounts;
  }
}
