/**
 * The random call-centre histories of the metric property tests (issue 22): a small world (four
 * CSRs, two teams with random members, four customers, three disposition codes, four campaign
 * codes, twenty days) where repeat calls, repeat purchases, campaign cross-overs, ties at day
 * boundaries, nulls and orders of every status happen often; the history as table rows, and
 * written into a store. Used by metrics-parity.test.ts and report-rollup-parity.test.ts.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import type { Store } from '../../server/src/db/connect';
import type { MetricData, RosterEntry } from '../../src-shared/domain/metric-reference';
import { DISCOUNT_REFUSED_PREFIX, FACTS } from '../../src-shared/domain/metrics';
import type { Dimension, MetricDecl, MetricQuery } from '../../src-shared/domain/metric-language';
import { CALL_STATUSES } from '../../src-shared/domain/call';
import { COMPLAINT_STATUSES } from '../../src-shared/domain/complaint';
import { OFFER_OUTCOMES } from '../../src-shared/domain/offer';
import { ORDER_CHANNELS, ORDER_STATUSES } from '../../src-shared/domain/customer';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 1);
export const SPAN_MINUTES = 20 * 24 * 60;

export const AGENTS = ['ana', 'ben', 'cara', 'dev'] as const;
export const TEAMS = ['north', 'south'] as const;
export const DISPOSITIONS = ['resolved', 'callback', 'billing'] as const;
export const CATEGORIES = ['damaged', 'late'] as const;
/**
 * Campaign codes orders quote: an offline campaign's, an online one's, one for both sides, and a
 * code no campaign has (CAMPAIGNS), so cross-over sales meet every case.
 */
export const CAMPAIGN_CODES = ['SPRING', 'WEB10', 'ALL5', 'GHOST'] as const;
export const CAMPAIGNS = [
  { code: 'SPRING', family: 'spring', channel: 'offline' },
  { code: 'WEB10', family: 'spring', channel: 'online' },
  { code: 'ALL5', family: 'all', channel: 'both' },
] as const;
export const CURRENCIES = ['USD', 'EUR'] as const;

export const uuid = (kind: number, n: number) => `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;
export const CUSTOMERS = [0, 1, 2, 3].map((n) => uuid(1, n));
export const PRODUCTS = [0, 1, 2].map((n) => uuid(2, n));

export type Row = Record<string, string | number | null>;
/** What an arbitrary generates. */
export type Generated<A> = A extends fc.Arbitrary<infer T> ? T : never;

// ——— The random history ———

export const instant = fc.tuple(fc.integer({ min: 0, max: SPAN_MINUTES }), fc.constantFrom(0, 1, 59_999)).map(([m, ms]) => T0 + m * 60_000 + ms);
export const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });

export const callArb = fc.record({
  customer: maybe(fc.constantFrom(...CUSTOMERS)),
  agent: fc.constantFrom(...AGENTS),
  status: fc.constantFrom(...CALL_STATUSES, 'completed', 'completed'),
  startedAt: instant,
  talkMs: fc.integer({ min: 0, max: 900_000 }),
  holdMs: fc.constantFrom(0, 0, 15_000, 61_001),
  wrapUpMs: fc.integer({ min: 0, max: 120_000 }),
  disposition: maybe(fc.constantFrom(...DISPOSITIONS)),
  /** The caller's satisfaction answer at wrap-up (1–5), often none. */
  satisfaction: maybe(fc.integer({ min: 1, max: 5 })),
});
export const complaintArb = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  agent: fc.constantFrom(...AGENTS),
  status: fc.constantFrom(...COMPLAINT_STATUSES),
  category: fc.constantFrom(...CATEGORIES),
  openedAt: instant,
  /** Resolution after (or, to test the clamp, slightly before) the opening; null: never resolved. */
  resolvedAfter: maybe(fc.integer({ min: -60_000, max: 10 * DAY })),
});
export const offerArb = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  callIndex: maybe(fc.nat()),
  agent: fc.constantFrom(...AGENTS),
  product: fc.constantFrom(...PRODUCTS),
  outcome: fc.constantFrom(...OFFER_OUTCOMES),
  presentedAt: instant,
});
export const lineArb = fc.record({
  product: fc.constantFrom(...PRODUCTS),
  /** Which offer the line came from: an index into the offers, an unknown offer (-1), or none. */
  offerIndex: maybe(fc.integer({ min: -1, max: 40 })),
  totalCents: fc.integer({ min: 0, max: 50_000 }),
});
export const orderArb = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  channel: fc.constantFrom(...ORDER_CHANNELS, 'phone'),
  agent: maybe(fc.constantFrom(...AGENTS)),
  campaign: maybe(fc.constantFrom(...CAMPAIGN_CODES)),
  status: fc.constantFrom(...ORDER_STATUSES),
  currency: fc.constantFrom(...CURRENCIES),
  totalCents: fc.integer({ min: 0, max: 200_000 }),
  manualDiscountCents: fc.constantFrom(0, 0, 500, 2_000),
  approved: fc.boolean(),
  attention: maybe(fc.constantFrom(`${DISCOUNT_REFUSED_PREFIX} sue: too generous`, 'Price changed', 'Discount')),
  placedAt: instant,
  lines: fc.array(lineArb, { maxLength: 3 }),
});
export const historyArb = fc.record({
  roster: fc.tuple(...AGENTS.map(() => fc.subarray([...TEAMS]))),
  calls: fc.array(callArb, { maxLength: 30 }),
  complaints: fc.array(complaintArb, { maxLength: 12 }),
  offers: fc.array(offerArb, { maxLength: 20 }),
  orders: fc.array(orderArb, { maxLength: 12 }),
});
export type History = Generated<typeof historyArb>;

export const querySpecArb = fc.record({
  from: fc.option(instant, { nil: undefined }),
  to: fc.option(instant, { nil: undefined }),
  team: fc.option(fc.constantFrom(...TEAMS, 'nobody'), { nil: undefined }),
  csr: fc.option(fc.constantFrom(...AGENTS), { nil: undefined }),
  channel: fc.option(fc.constantFrom(...ORDER_CHANNELS), { nil: undefined }),
  campaign: fc.option(fc.constantFrom(...CAMPAIGN_CODES), { nil: undefined }),
  currency: fc.option(fc.constantFrom(...CURRENCIES), { nil: undefined }),
  groupBy: fc.subarray(['csr', 'team', 'day', 'channel', 'campaign'] as Dimension[], { maxLength: 2 }),
  windowDays: fc.option(fc.constantFrom(1, 2, 7, 10), { nil: undefined }),
  /** The repeat-purchase and repurchase windows (the histories span twenty days). */
  repeatPurchaseDays: fc.option(fc.constantFrom(1, 5, 30), { nil: undefined }),
  repurchaseDays: fc.option(fc.constantFrom(1, 3, 10), { nil: undefined }),
});
export type QuerySpec = Generated<typeof querySpecArb>;

/** A history where every metric has a real number, tried first, so no metric passes by being always empty. */
export const EVERY_METRIC_NON_ZERO: History = {
  roster: [['north'], ['north', 'south'], [], ['south']],
  calls: [
    { customer: CUSTOMERS[0]!, agent: 'ana', status: 'completed', startedAt: T0, talkMs: 1_000, holdMs: 15_000, wrapUpMs: 500, disposition: 'billing', satisfaction: 5 },
    { customer: CUSTOMERS[1]!, agent: 'ben', status: 'completed', startedAt: T0 + DAY, talkMs: 2_000, holdMs: 0, wrapUpMs: 100, disposition: 'callback', satisfaction: 1 },
  ],
  complaints: [
    { customer: CUSTOMERS[0]!, agent: 'ana', status: 'resolved', category: 'late', openedAt: T0, resolvedAfter: DAY },
    { customer: CUSTOMERS[1]!, agent: 'ben', status: 'open', category: 'damaged', openedAt: T0, resolvedAfter: null },
  ],
  offers: [{ customer: CUSTOMERS[0]!, callIndex: 0, agent: 'ana', product: PRODUCTS[0]!, outcome: 'accepted', presentedAt: T0 }],
  orders: [
    {
      customer: CUSTOMERS[0]!,
      channel: 'phone',
      agent: 'ana',
      campaign: 'SPRING',
      status: 'placed',
      currency: 'USD',
      totalCents: 5_000,
      manualDiscountCents: 500,
      approved: true,
      attention: null,
      placedAt: T0,
      lines: [{ product: PRODUCTS[0]!, offerIndex: 0, totalCents: 4_000 }],
    },
    // The same customer again, on the web with the offline campaign's code (a cross-over), after
    // their complaint was resolved: a repeat buyer, a repurchase after a complaint.
    {
      customer: CUSTOMERS[0]!,
      channel: 'web',
      agent: null,
      campaign: 'SPRING',
      status: 'paid',
      currency: 'USD',
      totalCents: 7_000,
      manualDiscountCents: 0,
      approved: false,
      attention: null,
      placedAt: T0 + 2 * DAY,
      lines: [],
    },
    // A customer who never complained, buying twice: the repurchase baseline.
    ...[0, 1].map((n): History['orders'][number] => ({
      customer: CUSTOMERS[2]!,
      channel: 'store',
      agent: null,
      campaign: null,
      status: 'delivered',
      currency: 'USD',
      totalCents: 1_000 + n,
      manualDiscountCents: 0,
      approved: false,
      attention: null,
      placedAt: T0 + n * DAY,
      lines: [],
    })),
  ],
};
export const NO_SPEC: QuerySpec = {
  from: undefined,
  to: undefined,
  team: undefined,
  csr: undefined,
  channel: undefined,
  campaign: undefined,
  currency: undefined,
  groupBy: [],
  windowDays: undefined,
  repeatPurchaseDays: undefined,
  repurchaseDays: undefined,
};

/** The spec made fit for the metric: parts that do not apply dropped, a currency given when required. */
export function queryFor(metric: MetricDecl, spec: QuerySpec): MetricQuery {
  const fact = FACTS[metric.fact];
  const needsCurrency = (metric.requires ?? []).includes('currency');
  return {
    filter: {
      from: spec.from,
      to: spec.to,
      team: spec.team,
      csr: spec.csr,
      channel: fact.channelField ? spec.channel : undefined,
      campaign: fact.campaignField ? spec.campaign : undefined,
      currency: fact.currencyField ? (spec.currency ?? (needsCurrency ? 'USD' : undefined)) : undefined,
    },
    groupBy: spec.groupBy.filter((d) => metric.dimensions.includes(d)),
    options: {
      ...(spec.windowDays === undefined ? {} : { repeatWindowMs: spec.windowDays * DAY }),
      ...(spec.repeatPurchaseDays === undefined ? {} : { repeatPurchaseWindowMs: spec.repeatPurchaseDays * DAY }),
      ...(spec.repurchaseDays === undefined ? {} : { repurchaseWindowMs: spec.repurchaseDays * DAY }),
    },
  };
}

/** The history as the tables' rows (snake_case), the same for the cache, the store and the reference. */
export function tablesOf(h: History): { tables: Record<string, Row[]>; roster: RosterEntry[] } {
  const calls: Row[] = h.calls.map((c, i) => ({
    id: uuid(10, i),
    customer_id: c.customer,
    source: 'manual',
    agent_id: c.agent,
    status: c.status,
    started_at: c.startedAt,
    talk_ms: c.talkMs,
    hold_ms: c.holdMs,
    wrap_up_ms: c.wrapUpMs,
    disposition_code: c.disposition,
    satisfaction: c.satisfaction,
  }));
  const complaints: Row[] = h.complaints.map((c, i) => ({
    id: uuid(11, i),
    customer_id: c.customer,
    category_code: c.category,
    severity: 'low',
    description: 'Test complaint',
    status: c.status,
    resolved_at: c.resolvedAfter === null ? null : c.openedAt + c.resolvedAfter,
    opened_at: c.openedAt,
    updated_at: c.openedAt,
    agent_id: c.agent,
  }));
  const seen = new Set<string>();
  const offers: Row[] = [];
  h.offers.forEach((o, i) => {
    const callId = o.callIndex === null || calls.length === 0 ? null : (calls[o.callIndex % calls.length]!.id as string);
    // The cache holds one offer per product per call.
    if (callId !== null && seen.has(`${callId}/${o.product}`)) return;
    if (callId !== null) seen.add(`${callId}/${o.product}`);
    offers.push({
      id: uuid(12, i),
      customer_id: o.customer,
      call_id: callId,
      agent_id: o.agent,
      product_id: o.product,
      kind: 'accessory',
      reason: 'Goes with it',
      outcome: o.outcome,
      presented_at: o.presentedAt,
    });
  });
  const orders: Row[] = [];
  const lines: Row[] = [];
  h.orders.forEach((o, i) => {
    const id = uuid(13, i);
    orders.push({
      id,
      number: `SB${String(i).padStart(8, '0')}`,
      customer_id: o.customer,
      channel: o.channel,
      campaign_code: o.campaign,
      status: o.status,
      currency: o.currency,
      subtotal_cents: o.totalCents,
      total_cents: o.totalCents,
      placed_at: o.placedAt,
      agent_id: o.agent,
      manual_discount_cents: o.manualDiscountCents,
      approved_by: o.approved ? uuid(14, 1) : null,
      attention_reason: o.attention,
    });
    o.lines.forEach((l, n) => {
      const offerId = l.offerIndex === null ? null : l.offerIndex === -1 || offers.length === 0 ? uuid(15, i) : (offers[l.offerIndex % offers.length]!.id as string);
      lines.push({
        id: uuid(16, i * 10 + n),
        order_id: id,
        line_no: n + 1,
        product_id: l.product,
        customer_id: o.customer,
        placed_at: o.placedAt,
        sku: `SKU-${n}`,
        name: 'Product',
        quantity: 1,
        unit_price_cents: l.totalCents,
        total_cents: l.totalCents,
        offer_id: offerId,
      });
    });
  });
  const roster = AGENTS.flatMap((agentId, i) => h.roster[i]!.map((team) => ({ agentId, team })));
  // The campaigns are the same in every history (written once into the cache and the store, in beforeAll).
  const campaigns: Row[] = CAMPAIGNS.map((c, i) => ({ id: uuid(19, i), code: c.code, family: c.family, channel: c.channel }));
  return { tables: { calls, complaints, offers, orders, order_lines: lines, campaigns }, roster };
}

export const INSERT_ORDER = ['calls', 'complaints', 'offers', 'orders', 'order_lines'] as const;
export const DELETE_ORDER = ['order_lines', 'offers', 'complaints', 'orders', 'calls'] as const;

export async function loadStore(store: Store, data: MetricData, userIds: Record<string, string>, teamIds: Record<string, string>): Promise<void> {
  await store.db.transaction(async (tx) => {
    for (const t of DELETE_ORDER) await tx.execute(sql.raw(`DELETE FROM ${t}`));
    await tx.execute(sql.raw('DELETE FROM user_teams'));
    for (const t of INSERT_ORDER) {
      const rows = data.tables[t]!;
      if (rows.length === 0) continue;
      const cols = Object.keys(rows[0]!);
      const values = rows.map((row) => sql`(${sql.join(cols.map((c) => sql`${row[c]}`), sql`, `)})`);
      await tx.execute(sql`INSERT INTO ${sql.raw(t)} (${sql.raw(cols.join(', '))}) VALUES ${sql.join(values, sql`, `)}`);
    }
    for (const r of data.roster) await tx.execute(sql`INSERT INTO user_teams (user_id, team_id) VALUES (${userIds[r.agentId]!}, ${teamIds[r.team]!})`);
  });
}

