/**
 * Issue 22: the metric declarations mean what their words say. The property test
 * (tests/integration/metrics-parity.test.ts) shows that the store's, the cache's and the reference
 * computations agree; this one shows on a small history worked out by hand that the reference gives
 * the right numbers, that it agrees with the per-call and per-complaint functions the desk uses, and
 * that the compiler refuses what a metric cannot answer.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  METRICS,
  METRIC_IDS,
  averageHandleTimeMs,
  complaintResolutionTimeMs,
  upsellConversion,
  type MetricId,
} from '../../src-shared/domain/metrics';
import { computeMetric, computeMetricRows, type MetricData } from '../../src-shared/domain/metric-reference';
import { compileMetricSql } from '../../src-shared/domain/metric-sql';
import type { MetricQuery } from '../../src-shared/domain/metric-language';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
const A = 'customer-a';
const B = 'customer-b';

const C = 'customer-c';

const call = (
  id: string,
  customer: string | null,
  agent: string,
  status: string,
  startedAt: number,
  talk: number,
  hold: number,
  wrap: number,
  disposition: string | null,
  satisfaction: number | null = null,
) => ({
  id,
  customer_id: customer,
  agent_id: agent,
  status,
  started_at: startedAt,
  talk_ms: talk,
  hold_ms: hold,
  wrap_up_ms: wrap,
  disposition_code: disposition,
  satisfaction,
});

const data: MetricData = {
  roster: [
    { agentId: 'ana', team: 'north' },
    { agentId: 'ben', team: 'north' },
    { agentId: 'ben', team: 'south' },
  ],
  tables: {
    calls: [
      // Customer A calls about billing, again three days later (so the first was not resolved), and
      // again seventeen days after that (outside the window: the second was resolved).
      // Satisfaction answers: c1 5, c2 2 (low), c4 4, c6 3; c3 and c5 none; c7 1 but not handled.
      call('c1', A, 'ana', 'completed', T0, 100_000, 20_000, 30_000, 'billing', 5),
      call('c2', A, 'ben', 'completed', T0 + 3 * DAY, 200_000, 0, 10_000, 'billing', 2),
      call('c3', A, 'ana', 'completed', T0 + 20 * DAY, 60_000, 0, 0, 'billing'),
      // Customer B calls twice, about two different issues: both resolved at first contact.
      call('c4', B, 'ana', 'completed', T0 + DAY, 50_000, 10_000, 5_000, 'callback', 4),
      call('c5', B, 'ana', 'completed', T0 + 2 * DAY, 40_000, 0, 20_000, 'billing'),
      // A caller never identified: handled, but its issue is unknown (left out of FCR).
      call('c6', null, 'ana', 'completed', T0 + DAY, 30_000, 0, 0, 'resolved', 3),
      // Still on the line: not handled.
      call('c7', A, 'ana', 'active', T0 + DAY, 0, 0, 0, null, 1),
    ],
    complaints: [
      { id: 'k1', customer_id: A, agent_id: 'ana', status: 'resolved', opened_at: T0, resolved_at: T0 + 2 * DAY, category_code: 'late' },
      // Resolved once, reopened since: not resolved, open.
      { id: 'k2', customer_id: A, agent_id: 'ana', status: 'reopened', opened_at: T0 + DAY, resolved_at: T0 + 2 * DAY, category_code: 'late' },
      { id: 'k3', customer_id: B, agent_id: 'ben', status: 'open', opened_at: T0 + DAY, resolved_at: null, category_code: 'damaged' },
    ],
    offers: [
      { id: 'o1', customer_id: A, agent_id: 'ana', outcome: 'accepted', presented_at: T0 },
      { id: 'o2', customer_id: A, agent_id: 'ana', outcome: 'declined', presented_at: T0 },
      { id: 'o3', customer_id: B, agent_id: 'ben', outcome: 'presented', presented_at: T0 + DAY },
      // Accepted, but its order was cancelled: accepted, not converted.
      { id: 'o4', customer_id: B, agent_id: 'ben', outcome: 'accepted', presented_at: T0 + DAY },
    ],
    orders: [
      { id: 'r1', channel: 'phone', agent_id: 'ana', status: 'placed', currency: 'USD', total_cents: 10_000, manual_discount_cents: 0, approved_by: null, attention_reason: null, campaign_code: null, placed_at: T0, customer_id: A },
      { id: 'r2', channel: 'phone', agent_id: 'ana', status: 'awaiting_approval', currency: 'USD', total_cents: 8_000, manual_discount_cents: 500, approved_by: null, attention_reason: null, campaign_code: null, placed_at: T0, customer_id: A },
      { id: 'r3', channel: 'phone', agent_id: 'ben', status: 'cancelled', currency: 'USD', total_cents: 4_000, manual_discount_cents: 1_000, approved_by: null, attention_reason: 'Discount refused by sue: too much', campaign_code: null, placed_at: T0, customer_id: B },
      { id: 'r4', channel: 'phone', agent_id: 'ben', status: 'cancelled', currency: 'USD', total_cents: 4_000, manual_discount_cents: 1_000, approved_by: null, attention_reason: 'Price changed', campaign_code: null, placed_at: T0, customer_id: B },
      { id: 'r5', channel: 'web', agent_id: null, status: 'delivered', currency: 'USD', total_cents: 3_000, manual_discount_cents: 0, approved_by: null, attention_reason: null, campaign_code: 'SPRING', placed_at: T0, customer_id: B },
      { id: 'r6', channel: 'phone', agent_id: 'ben', status: 'paid', currency: 'EUR', total_cents: 2_000, manual_discount_cents: 300, approved_by: 'sue-id', attention_reason: null, campaign_code: 'SPRING', placed_at: T0, customer_id: B },
      // A buys again in a store with the online campaign's code, 400 days later (a cross-over, and past the 12 months).
      { id: 'r7', channel: 'store', agent_id: null, status: 'delivered', currency: 'USD', total_cents: 1_500, manual_discount_cents: 0, approved_by: null, attention_reason: null, campaign_code: 'WEB10', placed_at: T0 + 400 * DAY, customer_id: A },
      // C never complained: buys on the web, and again nine days later.
      { id: 'r8', channel: 'web', agent_id: null, status: 'placed', currency: 'USD', total_cents: 2_000, manual_discount_cents: 0, approved_by: null, attention_reason: null, campaign_code: null, placed_at: T0 + DAY, customer_id: C },
      { id: 'r9', channel: 'web', agent_id: null, status: 'delivered', currency: 'USD', total_cents: 2_500, manual_discount_cents: 0, approved_by: null, attention_reason: null, campaign_code: null, placed_at: T0 + 10 * DAY, customer_id: C },
    ],
    campaigns: [
      { id: 'p1', code: 'SPRING', family: 'spring', channel: 'offline' },
      { id: 'p2', code: 'WEB10', family: 'spring', channel: 'online' },
    ],
    order_lines: [
      { id: 'l1', order_id: 'r1', offer_id: 'o1', total_cents: 5_000 },
      { id: 'l2', order_id: 'r1', offer_id: null, total_cents: 5_000 },
      { id: 'l3', order_id: 'r3', offer_id: 'o4', total_cents: 4_000 },
    ],
  },
};

const value = (id: MetricId, query: MetricQuery = {}) => {
  const rows = computeMetric(METRICS[id], query, data);
  expect(rows).toHaveLength(1);
  return rows[0]!.value;
};
const byKey = (id: MetricId, query: MetricQuery) =>
  Object.fromEntries(computeMetric(METRICS[id], query, data).map((r) => [Object.values(r.key).join('/'), r.value]));

describe('metric declarations (issue 22), worked by hand', () => {
  it('counts handled calls and averages their handle time and its parts, as the desk computes one call', () => {
    const handled = data.tables.calls!.filter((c) => c.status === 'completed');
    expect(value('callsHandled')).toBe(6);
    const parts = handled.map((c) => ({ talkMs: c.talk_ms as number, holdMs: c.hold_ms as number, wrapUpMs: c.wrap_up_ms as number }));
    expect(value('averageHandleTime')).toBe(averageHandleTimeMs(parts));
    expect(value('averageHandleTime')).toBeCloseTo(575_000 / 6, 6);
    expect(value('averageTalkTime')).toBe(480_000 / 6);
    expect(value('averageHoldTime')).toBe(30_000 / 6);
    expect(value('averageWrapUpTime')).toBe(65_000 / 6);
    expect(byKey('callsHandled', { groupBy: ['csr'] })).toEqual({ ana: 5, ben: 1 });
    // A CSR in two teams counts in both; the period is on the call's start.
    expect(byKey('callsHandled', { groupBy: ['team'] })).toEqual({ north: 6, south: 1 });
    expect(value('callsHandled', { filter: { from: T0 + DAY, to: T0 + 3 * DAY } })).toBe(3);
    // No handled call: no data, not zero.
    expect(value('averageHandleTime', { filter: { csr: 'cara' } })).toBeNull();
    expect(value('callsHandled', { filter: { csr: 'cara' } })).toBe(0);
  });

  it('first-contact resolution: no repeat call on the same issue within the window', () => {
    // Of c1–c5 (c6 has no customer), only c1 was followed by a repeat (c2, three days later).
    expect(value('firstContactResolution')).toBe(4 / 5);
    expect(byKey('firstContactResolution', { groupBy: ['csr'] })).toEqual({ ana: 3 / 4, ben: 1 });
    // With a two-day window c2 is no longer a repeat of c1.
    expect(value('firstContactResolution', { options: { repeatWindowMs: 2 * DAY } })).toBe(1);
    // A repeat after the period still makes a call in the period unresolved.
    expect(value('firstContactResolution', { filter: { to: T0 + DAY } })).toBe(0);
    expect(value('firstContactResolution', { filter: { csr: 'cara' } })).toBeNull();
  });

  it('complaints logged, resolved, open and their resolution time', () => {
    expect(value('complaintsLogged')).toBe(3);
    expect(value('complaintsResolved')).toBe(1);
    expect(value('complaintsOpen')).toBe(2);
    expect(value('complaintResolutionTime')).toBe(complaintResolutionTimeMs({ openedAt: T0, resolvedAt: T0 + 2 * DAY }));
    expect(value('complaintResolutionTime', { filter: { csr: 'ben' } })).toBeNull();
  });

  it('offers presented, accepted, converted into orders that count, and their revenue', () => {
    expect(value('offersPresented')).toBe(4);
    expect(value('offersAccepted')).toBe(2);
    expect(value('upsellConversion')).toBe(upsellConversion(2, 4));
    expect(value('offersOrdered')).toBe(1);
    expect(value('convertedOfferRevenue', { filter: { currency: 'USD' } })).toBe(5_000);
    expect(byKey('upsellConversion', { groupBy: ['csr'] })).toEqual({ ana: 1 / 2, ben: 1 / 2 });
    expect(value('upsellConversion', { filter: { csr: 'cara' } })).toBeNull();
  });

  it('orders taken, their value, and discounts beyond authority', () => {
    expect(value('ordersTaken')).toBe(5);
    expect(value('ordersTakenValue', { filter: { currency: 'USD' } })).toBe(10_000);
    expect(value('ordersTakenValue', { filter: { currency: 'EUR' } })).toBe(2_000);
    // r2 awaits a supervisor, r3 was refused by one, r6 was approved; r4 was cancelled for another reason.
    expect(byKey('discountsBeyondAuthority', { groupBy: ['csr'] })).toEqual({ ana: 1, ben: 2 });
    expect(byKey('campaignSales', { filter: { currency: 'USD' }, groupBy: ['channel', 'campaign'] })).toEqual({ 'store/WEB10': 1_500, 'web/SPRING': 3_000 });
  });

  it('CSAT: answers of 4 or 5 over the handled calls with an answer; low scores counted', () => {
    // Handled calls with an answer: c1 (5), c2 (2), c4 (4), c6 (3); c7 answered but is not handled.
    expect(value('csatAnswers')).toBe(4);
    expect(value('csat')).toBe(2 / 4);
    expect(value('lowSatisfactionCalls')).toBe(1);
    expect(byKey('csat', { groupBy: ['csr'] })).toEqual({ ana: 2 / 3, ben: 0 });
    expect(byKey('lowSatisfactionCalls', { groupBy: ['team'] })).toEqual({ north: 1, south: 1 });
    // No answers: no data for CSAT (never 0), and a real zero for the count.
    expect(value('csat', { filter: { csr: 'cara' } })).toBeNull();
    expect(value('csat', { filter: { from: T0 + 20 * DAY } })).toBeNull();
    expect(value('csatAnswers', { filter: { csr: 'cara' } })).toBe(0);
  });

  it('customers: new customers, repeat buyers and lifetime value by acquisition channel', () => {
    // First orders that count: A's r1 (phone), B's r5 (web: r5 and r6 share their instant, the id
    // breaks the tie), C's r8 (web). r2 awaits approval, r3 and r4 were cancelled: none counts.
    expect(value('newCustomers')).toBe(3);
    expect(byKey('newCustomers', { groupBy: ['channel'] })).toEqual({ phone: 1, web: 2 });
    // Within 12 months: B (r6) and C (r9) bought again; A's r7 came 400 days later.
    expect(value('repeatBuyers')).toBe(2 / 3);
    expect(byKey('repeatBuyers', { groupBy: ['channel'] })).toEqual({ phone: 0, web: 1 });
    expect(value('repeatBuyers', { options: { repeatPurchaseWindowMs: 400 * DAY } })).toBe(1);
    // Lifetime value in USD: A 10,000 + 1,500; B 3,000 (r6 is in EUR); C 2,000 + 2,500.
    expect(value('lifetimeValue', { filter: { currency: 'USD' } })).toBe((11_500 + 3_000 + 4_500) / 3);
    expect(byKey('lifetimeValue', { filter: { currency: 'USD' }, groupBy: ['channel'] })).toEqual({ phone: 11_500, web: 7_500 / 2 });
    // No customer acquired in EUR (B's first order was in USD): no data.
    expect(value('lifetimeValue', { filter: { currency: 'EUR' } })).toBeNull();
    const behind = computeMetricRows(METRICS.lifetimeValue, { filter: { currency: 'USD' } }, { key: { channel: 'web' }, limit: 10 }, data);
    expect(behind.map((r) => [r.fields.id, r.part])).toEqual([
      ['r5', 3_000],
      ['r8', 4_500],
    ]);
  });

  it('repurchase after a resolved complaint, beside the same share for customers without complaints', () => {
    // k1 (A) was resolved at T0 + 2 days; A's next order that counts is r7, 398 days later.
    expect(value('repurchaseAfterComplaint')).toBe(0);
    expect(value('repurchaseAfterComplaint', { options: { repurchaseWindowMs: 400 * DAY } })).toBe(1);
    expect(value('repurchaseAfterComplaint', { filter: { csr: 'ben' } })).toBeNull();
    // Only C never complained: r8 was followed by r9 nine days later, r9 by nothing.
    expect(value('repurchaseWithoutComplaint')).toBe(1 / 2);
    expect(value('repurchaseWithoutComplaint', { options: { repurchaseWindowMs: 5 * DAY } })).toBe(0);
  });

  it('campaign cross-over: an offline campaign’s code used online and the reverse', () => {
    // r5: the offline SPRING on the web; r7: the online WEB10 in a store; r6 (SPRING by phone) is not one.
    expect(value('campaignCrossOverSales', { filter: { currency: 'USD' } })).toBe(4_500);
    expect(byKey('campaignCrossOverSales', { filter: { currency: 'USD' }, groupBy: ['channel', 'campaign'] })).toEqual({ 'store/WEB10': 1_500, 'web/SPRING': 3_000 });
    expect(value('campaignCrossOverSales', { filter: { currency: 'EUR' } })).toBe(0);
  });

  it('lists the rows behind a number, each with what it adds, in time order and paged', () => {
    const rows = computeMetricRows(METRICS.firstContactResolution, {}, { key: { csr: 'ana' }, limit: 10 }, data);
    expect(rows.map((r) => [r.fields.id, r.part])).toEqual([
      ['c1', 0],
      ['c4', 1],
      ['c5', 1],
      ['c3', 1],
    ]);
    expect(computeMetricRows(METRICS.firstContactResolution, {}, { key: { csr: 'ana' }, limit: 2, offset: 1 }, data).map((r) => r.fields.id)).toEqual(['c4', 'c5']);
    const team = computeMetricRows(METRICS.callsHandled, {}, { key: { team: 'south' }, limit: 10 }, data);
    expect(team.map((r) => r.fields.id)).toEqual(['c2']);
    const revenue = computeMetricRows(METRICS.convertedOfferRevenue, { filter: { currency: 'USD' } }, { key: {}, limit: 10 }, data);
    expect(revenue.map((r) => [r.fields.id, r.part])).toEqual([['l1', 5_000]]);
  });

  it('refuses what a metric cannot answer, in words', () => {
    expect(() => computeMetric(METRICS.callsHandled, { filter: { channel: 'phone' } }, data)).toThrow(/no channel/);
    expect(() => computeMetric(METRICS.callsHandled, { groupBy: ['campaign'] }, data)).toThrow(/cannot be grouped by campaign/);
    expect(() => compileMetricSql(METRICS.convertedOfferRevenue, {}, 'postgres')).toThrow(/needs a currency/);
  });

  it('binds what the user chooses as parameters and inlines only the declarations’ constants', () => {
    const query: MetricQuery = { filter: { csr: "o'brien", team: 'north', from: T0, to: T0 + DAY }, groupBy: ['team', 'day'] };
    const pg = compileMetricSql(METRICS.firstContactResolution, query, 'postgres');
    const lite = compileMetricSql(METRICS.firstContactResolution, query, 'sqlite');
    for (const q of [pg, lite]) {
      expect(q.text).not.toContain('brien');
      expect(q.params).toEqual(expect.arrayContaining(["o'brien", 'north', T0, T0 + DAY, 7 * DAY]));
    }
    expect(pg.text).toContain('$5');
    expect(pg.text).toContain('user_teams');
    expect(lite.text).not.toContain('$1');
    expect(lite.text).toContain('json_each');
  });

  it('every metric states its formula in words, and a ratio or an average says it has no data rather than zero', () => {
    for (const id of METRIC_IDS) {
      const m = METRICS[id];
      expect(m.definition.length, id).toBeGreaterThan(60);
      expect(m.definition, id).toMatch(/Unit:/);
      if (m.aggregate.kind === 'ratio' || m.aggregate.kind === 'average') expect(m.definition, id).toMatch(/no data/);
    }
  });

  it('agrees with the desk’s own functions on random calls, offers and complaints (fast-check)', () => {
    const callRow = fc.record({
      id: fc.uuid(),
      customer_id: fc.constant(null),
      agent_id: fc.constantFrom('ana', 'ben'),
      status: fc.constantFrom('active', 'on_hold', 'wrap_up', 'completed'),
      started_at: fc.integer({ min: T0, max: T0 + 30 * DAY }),
      talk_ms: fc.integer({ min: 0, max: 3_600_000 }),
      hold_ms: fc.integer({ min: 0, max: 600_000 }),
      wrap_up_ms: fc.integer({ min: 0, max: 600_000 }),
      disposition_code: fc.constant(null),
    });
    const offerRow = fc.record({ id: fc.uuid(), customer_id: fc.constant(A), agent_id: fc.constant('ana'), outcome: fc.constantFrom('presented', 'accepted', 'declined'), presented_at: fc.constant(T0) });
    const complaintRow = fc
      
      .record({ id: fc.uuid(), opened: fc.integer({ min: T0, max: T0 + DAY }), resolvedAfter: fc.option(fc.integer({ min: -1000, max: 5 * DAY }), { nil: null }) })
      .map((c) => ({ id: c.id, customer_id: A, agent_id: 'ana', status: c.resolvedAfter === null ? 'open' : 'resolved', opened_at: c.opened, resolved_at: c.resolvedAfter === null ? null : c.opened + c.resolvedAfter, category_code: 'late' }));
    fc.assert(
      fc.property(fc.array(callRow, { maxLength: 40 }), fc.array(offerRow, { maxLength: 20 }), fc.array(complaintRow, { maxLength: 10 }), (calls, offers, complaints) => {
        const d: MetricData = { roster: [], tables: { calls, offers, complaints } };
        const one = (id: MetricId) => computeMetric(METRICS[id], {}, d)[0]!.value;
        const handled = calls.filter((c) => c.status === 'completed').map((c) => ({ talkMs: c.talk_ms, holdMs: c.hold_ms, wrapUpMs: c.wrap_up_ms }));
        expect(one('callsHandled')).toBe(handled.length);
        const aht = one('averageHandleTime');
        const expected = averageHandleTimeMs(handled);
        if (expected === null) expect(aht).toBeNull();
        else expect(aht).toBeCloseTo(expected, 6);
        expect(one('upsellConversion')).toBe(upsellConversion(offers.filter((o) => o.outcome === 'accepted').length, offers.length));
        const times = complaints.map((c) => complaintResolutionTimeMs({ openedAt: c.opened_at, resolvedAt: c.resolved_at })).filter((t): t is number => t !== null);
        const rt = one('complaintResolutionTime');
        if (times.length === 0) expect(rt).toBeNull();
        else expect(rt).toBeCloseTo(times.reduce((a, b) => a + b, 0) / times.length, 6);
      }),
      { numRuns: 200 },
    );
  });
});
