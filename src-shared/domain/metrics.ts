/**
 * Metric definitions, written once, here. The desk that records a call,
 * the supervisor dashboard and the central store's reports all compute from these functions, so
 * their numbers tie together. Each definition states its formula in words beside the code.
 * Durations are integer milliseconds; instants are milliseconds since the epoch (UTC).
 *
 * Two parts:
 * - the per-call and per-complaint functions the desk uses (handleTimeMs, upsellConversion, …);
 * - METRICS (issue 22): every figure of the supervisor dashboard and the reports, declared as data
 *   over FACTS in the language of metric-language.ts. From each declaration come the PostgreSQL
 *   query the store runs and the SQLite query a workstation runs (metric-sql.ts: compileMetricSql,
 *   and compileMetricRowsSql for the rows behind a number), and the plain TypeScript reference the
 *   tests hold both to (metric-reference.ts). Runners: server/src/reports/metrics.ts (store) and
 *   src-main/core/reports/metrics.ts (cache). tests/unit/metric-definitions.test.ts works the
 *   definitions by hand; tests/integration/metrics-parity.test.ts checks, on random histories,
 *   that the three computations agree for every metric, filter and grouping.
 *
 * To add a metric: add its declaration to METRICS (a fact, the rows it counts, its time field, how
 * they add up, the groupings that make sense, its definition in words with its unit and what "no
 * data" is), and a hand-worked case to the unit test; the parity test picks it up by itself. A new
 * fact needs its fields in FACTS, read from tables both schemas have with the same columns.
 */
import {
  add,
  and,
  eq,
  exists,
  field,
  greatest,
  gt,
  gte,
  lt,
  lte,
  ne,
  not,
  notNull,
  oneOf,
  or,
  outer,
  param,
  startsWith,
  sub,
  sumOf,
  type FactDecl,
  type FactId,
  type MetricDecl,
} from './metric-language';
import { SPENDING_ORDER_STATUSES } from './order-value';

/** The three timed parts of a call, as stored on each call row. */
export interface CallDurations {
  /** Connected time with the caller, hold excluded: call start → call end, minus time on hold. */
  talkMs: number;
  /** Time the caller spent on hold, summed over every hold during the call. */
  holdMs: number;
  /** Wrap-up (after-call work): from the end of the call until the CSR is available again. */
  wrapUpMs: number;
}

/**
 * Handle time of one call = talk time + hold time + wrap-up time.
 * In words: everything the call cost the CSR, from answering it until they are free for the next
 * one — the conversation, the caller waiting on hold, and the after-call work.
 */
export function handleTimeMs(call: CallDurations): number {
  return call.talkMs + call.holdMs + call.wrapUpMs;
}

/**
 * Average handle time (AHT) = (talk + hold + after-call work) ÷ handled calls.
 * In words: the sum of every handled call's handle time divided by how many calls were handled.
 * Only completed calls (wrapped up) count as handled. No calls: null, not zero.
 */
export function averageHandleTimeMs(handledCalls: readonly CallDurations[]): number | null {
  if (handledCalls.length === 0) return null;
  let total = 0;
  for (const call of handledCalls) total += handleTimeMs(call);
  return total / handledCalls.length;
}

/**
 * Wrap-up time = from call end until the CSR is available again.
 * In words: the instant the wrap-up (disposition code and notes) is saved minus the instant the
 * conversation ended. Never negative, even if the workstation clock stepped back.
 */
export function wrapUpTimeMs(talkEndedAt: number, availableAt: number): number {
  return Math.max(0, availableAt - talkEndedAt);
}

/** What the resolution-time metric needs from a complaint. */
export interface ComplaintSpan {
  openedAt: number;
  /** The instant of the latest resolution; null while the complaint is not resolved. */
  resolvedAt: number | null;
}

/**
 * Complaint resolution time = complaint opened → resolved, reopen cycles included.
 * In words: from the moment the complaint was first logged until its latest resolution. A
 * complaint that was resolved, reopened and resolved again counts the whole span, including the
 * time it sat resolved before being reopened — the customer's problem was not settled until the
 * last resolution. A complaint that is not (or no longer) resolved has no resolution time: null.
 */
export function complaintResolutionTimeMs(complaint: ComplaintSpan): number | null {
  if (complaint.resolvedAt === null) return null;
  return Math.max(0, complaint.resolvedAt - complaint.openedAt);
}

/**
 * Upsell conversion = offers accepted ÷ offers presented.
 * In words: of every upsell or accessory offer a CSR put to a customer (each offer counts once,
 * whatever the answer, and offers still waiting for an answer count as presented), the share the
 * customer accepted. Nothing presented: null, not zero.
 */
export function upsellConversion(accepted: number, presented: number): number | null {
  if (!(accepted >= 0 && accepted <= presented)) {
    throw new RangeError(`Upsell conversion needs 0 ≤ accepted ≤ presented, not ${accepted} of ${presented}.`);
  }
  if (presented === 0) return null;
  return accepted / presented;
}

// ════════════════════════════════════════════════════════════════════════════════════════════
// Every metric, declared once (issue 22). The functions above compute one call's or one
// complaint's figure on the desk; the declarations below are what the supervisor dashboard, the
// store's reports and the workstation's offline reports compute, each compiled from its declaration:
// compileMetricSql (metric-sql.ts) gives the PostgreSQL and SQLite queries, computeMetric
// (metric-reference.ts) the plain TypeScript the tests compare them with. The language they are
// written in is metric-language.ts. The same formulas are meant to be read by users: `definition`
// is the sentence shown beside the figure.
// ════════════════════════════════════════════════════════════════════════════════════════════


const base = (column: string) => ({ from: 'base', column });
/** An integer column of the base table. */
const int = (column: string) => ({ from: 'base', column, int: true });

/** The rows metrics count, each with its fields and where they come from in the schemas. */
export const FACTS: Readonly<Record<FactId, FactDecl>> = {
  calls: {
    id: 'calls',
    describe: 'One call a CSR took or made (calls table), whatever its state.',
    table: 'calls',
    fields: {
      id: base('id'),
      customerId: base('customer_id'),
      agentId: base('agent_id'),
      status: base('status'),
      startedAt: int('started_at'),
      talkMs: int('talk_ms'),
      holdMs: int('hold_ms'),
      wrapUpMs: int('wrap_up_ms'),
      dispositionCode: base('disposition_code'),
      satisfaction: int('satisfaction'),
    },
    agentField: 'agentId',
  },
  complaints: {
    id: 'complaints',
    describe: 'One complaint, as it stands now (complaints table); its CSR is the one who logged it.',
    table: 'complaints',
    fields: {
      id: base('id'),
      customerId: base('customer_id'),
      agentId: base('agent_id'),
      status: base('status'),
      openedAt: int('opened_at'),
      resolvedAt: int('resolved_at'),
      categoryCode: base('category_code'),
    },
    agentField: 'agentId',
  },
  offers: {
    id: 'offers',
    describe: 'One upsell or accessory suggestion a CSR put to a customer (offers table), with what the customer said.',
    table: 'offers',
    fields: {
      id: base('id'),
      customerId: base('customer_id'),
      agentId: base('agent_id'),
      outcome: base('outcome'),
      presentedAt: int('presented_at'),
    },
    agentField: 'agentId',
  },
  orders: {
    id: 'orders',
    describe: 'One order of any channel (orders table); its CSR is the one who took it by phone (agent_id), none for web and store orders.',
    table: 'orders',
    fields: {
      id: base('id'),
      customerId: base('customer_id'),
      agentId: base('agent_id'),
      channel: base('channel'),
      campaignCode: base('campaign_code'),
      status: base('status'),
      currency: base('currency'),
      totalCents: int('total_cents'),
      manualDiscountCents: int('manual_discount_cents'),
      approvedBy: base('approved_by'),
      attentionReason: base('attention_reason'),
      placedAt: int('placed_at'),
    },
    agentField: 'agentId',
    channelField: 'channel',
    campaignField: 'campaignCode',
    currencyField: 'currency',
  },
  offerLines: {
    id: 'offerLines',
    describe:
      'One order line that came from an offer (order_lines.offer_id set), with its order and its offer; its CSR is the one who presented the offer.',
    table: 'order_lines',
    lookups: [
      { alias: 'ord', table: 'orders', via: 'order_id', key: 'id' },
      { alias: 'offer', table: 'offers', via: 'offer_id', key: 'id' },
    ],
    fields: {
      id: base('id'),
      offerId: base('offer_id'),
      lineTotalCents: int('total_cents'),
      orderStatus: { from: 'ord', column: 'status' },
      currency: { from: 'ord', column: 'currency' },
      channel: { from: 'ord', column: 'channel' },
      campaignCode: { from: 'ord', column: 'campaign_code' },
      placedAt: { from: 'ord', column: 'placed_at', int: true },
      agentId: { from: 'offer', column: 'agent_id' },
    },
    agentField: 'agentId',
    channelField: 'channel',
    campaignField: 'campaignCode',
    currencyField: 'currency',
  },
  campaignOrders: {
    id: 'campaignOrders',
    describe:
      'One order whose campaign code is a campaign the retailer declared (orders joined to campaigns by code), with that campaign’s channel (online, offline or both) and family (its online and offline versions share one); orders without a code, or with a code no campaign has, are not rows of it.',
    table: 'orders',
    lookups: [{ alias: 'camp', table: 'campaigns', via: 'campaign_code', key: 'code' }],
    fields: {
      id: base('id'),
      customerId: base('customer_id'),
      agentId: base('agent_id'),
      channel: base('channel'),
      campaignCode: base('campaign_code'),
      status: base('status'),
      currency: base('currency'),
      totalCents: int('total_cents'),
      placedAt: int('placed_at'),
      campaignChannel: { from: 'camp', column: 'channel' },
      campaignFamily: { from: 'camp', column: 'family' },
    },
    agentField: 'agentId',
    channelField: 'channel',
    campaignField: 'campaignCode',
    currencyField: 'currency',
  },
};

/** The order statuses whose money counts (order-value.ts): placed, paid, shipped, delivered. */
const counted = (f: string) => oneOf(field(f), SPENDING_ORDER_STATUSES);
const handled = eq(field('status'), 'completed');
const phoneOrderByCsr = and(eq(field('channel'), 'phone'), notNull(field('agentId')));
/** A call's "issue": its customer and the disposition code its wrap-up recorded. */
const identifiesIssue = and(handled, notNull(field('customerId')), notNull(field('dispositionCode')));
const callGroups = ['csr', 'team', 'day'] as const;
/** A satisfaction answer was given at the wrap-up of a handled call (contracts/calls.ts: 1–5). */
const answered = and(handled, notNull(field('satisfaction')));

/**
 * An order row that is its customer's first order that counts: no counted order of the customer
 * was placed before it (at an earlier instant, or at the same instant with a smaller id — ids only
 * break ties). Its channel is the channel the customer was acquired through.
 */
const firstOrder = and(
  counted('status'),
  not(
    exists(
      'orders',
      and(
        counted('status'),
        eq(field('customerId'), outer('customerId')),
        or(lt(field('placedAt'), outer('placedAt')), and(eq(field('placedAt'), outer('placedAt')), lt(field('id'), outer('id')))),
      ),
    ),
  ),
);
/** Another counted order of the same customer placed after `after` (an instant of the outer row) and at most `window` later. */
const orderedAgainWithin = (after: string, window: 'repeatPurchaseWindowMs' | 'repurchaseWindowMs', sameInstantCounts: boolean) =>
  exists(
    'orders',
    and(
      counted('status'),
      eq(field('customerId'), outer('customerId')),
      ...(sameInstantCounts ? [ne(field('id'), outer('id')), gte(field('placedAt'), outer(after))] : [gt(field('placedAt'), outer(after))]),
      lte(field('placedAt'), add(outer(after), param(window))),
    ),
  );
const orderGroups = ['channel', 'campaign', 'day'] as const;

/**
 * The text the store writes on a phone order whose discount a supervisor refused
 * (server/src/orders/routes.ts): the order is cancelled with this reason.
 */
export const DISCOUNT_REFUSED_PREFIX = 'Discount refused by';

export const METRICS = {
  // ——— Calls ———
  callsHandled: {
    id: 'callsHandled',
    label: 'Calls handled',
    definition:
      'The number of calls a CSR completed (wrapped up) that started in the period. Calls still active, on hold or in wrap-up are not counted yet. Unit: calls. No calls: 0.',
    unit: 'count',
    fact: 'calls',
    where: handled,
    time: 'startedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },
  averageHandleTime: {
    id: 'averageHandleTime',
    label: 'Average handle time (AHT)',
    definition:
      'Of the calls handled (completed) that started in the period: the sum of their talk, hold and wrap-up times divided by the number of those calls. Unit: milliseconds. No handled calls: no data (shown as —, never 0).',
    unit: 'ms',
    fact: 'calls',
    where: handled,
    time: 'startedAt',
    aggregate: { kind: 'average', of: add(field('talkMs'), field('holdMs'), field('wrapUpMs')) },
    dimensions: callGroups,
  },
  averageTalkTime: {
    id: 'averageTalkTime',
    label: 'Average talk time',
    definition:
      'Of the calls handled (completed) that started in the period: their connected time with the caller, hold excluded, summed and divided by the number of those calls. Unit: milliseconds. No handled calls: no data.',
    unit: 'ms',
    fact: 'calls',
    where: handled,
    time: 'startedAt',
    aggregate: { kind: 'average', of: field('talkMs') },
    dimensions: callGroups,
  },
  averageHoldTime: {
    id: 'averageHoldTime',
    label: 'Average hold time',
    definition:
      'Of the calls handled (completed) that started in the period: the time the caller spent on hold (all holds of a call added up), summed and divided by the number of those calls, calls without a hold counting as 0. Unit: milliseconds. No handled calls: no data.',
    unit: 'ms',
    fact: 'calls',
    where: handled,
    time: 'startedAt',
    aggregate: { kind: 'average', of: field('holdMs') },
    dimensions: callGroups,
  },
  averageWrapUpTime: {
    id: 'averageWrapUpTime',
    label: 'Average wrap-up time',
    definition:
      'Of the calls handled (completed) that started in the period: the after-call work, from the end of the conversation until the wrap-up was saved, summed and divided by the number of those calls. Unit: milliseconds. No handled calls: no data.',
    unit: 'ms',
    fact: 'calls',
    where: handled,
    time: 'startedAt',
    aggregate: { kind: 'average', of: field('wrapUpMs') },
    dimensions: callGroups,
  },
  firstContactResolution: {
    id: 'firstContactResolution',
    label: 'First-contact resolution',
    definition:
      'Of the calls handled (completed) that started in the period with a known customer and a disposition code: the share after which the same customer did not call again about the same issue — no other completed call of that customer with the same disposition code started after it and within the repeat window (7 days unless set otherwise), whoever took it and whether or not it falls in the period. The issue of a call is its disposition code. Calls with no customer or no disposition are left out (their issue is unknown). Calls younger than the window may still become unresolved. Unit: share (0–1). No such calls: no data, never 0.',
    unit: 'ratio',
    fact: 'calls',
    where: identifiesIssue,
    time: 'startedAt',
    aggregate: {
      kind: 'ratio',
      numerator: {
        k: 'not',
        a: exists(
          'calls',
          and(
            eq(field('status'), 'completed'),
            eq(field('customerId'), outer('customerId')),
            eq(field('dispositionCode'), outer('dispositionCode')),
            ne(field('id'), outer('id')),
            gt(field('startedAt'), outer('startedAt')),
            lte(field('startedAt'), add(outer('startedAt'), param('repeatWindowMs'))),
          ),
        ),
      },
    },
    dimensions: callGroups,
  },

  csat: {
    id: 'csat',
    label: 'CSAT',
    definition:
      'Customer satisfaction score, the industry definition: of the calls handled (completed) that started in the period whose caller gave a satisfaction answer at wrap-up (1 to 5), the share that answered 4 or 5 (satisfied or very satisfied). Calls without an answer are left out, not counted as unsatisfied. Unit: share (0–1). No answers: no data, never 0.',
    unit: 'ratio',
    fact: 'calls',
    where: answered,
    time: 'startedAt',
    aggregate: { kind: 'ratio', numerator: gte(field('satisfaction'), 4) },
    dimensions: callGroups,
  },
  csatAnswers: {
    id: 'csatAnswers',
    label: 'Satisfaction answers',
    definition:
      'The number of calls handled (completed) that started in the period whose caller gave a satisfaction answer (1 to 5) at wrap-up: the base CSAT is computed on. Unit: calls. None: 0.',
    unit: 'count',
    fact: 'calls',
    where: answered,
    time: 'startedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },
  lowSatisfactionCalls: {
    id: 'lowSatisfactionCalls',
    label: 'Low satisfaction scores',
    definition:
      'The number of calls handled (completed) that started in the period whose caller answered 1 or 2 (very unsatisfied or unsatisfied) at wrap-up: each is listed for the supervisors of the CSR’s teams to follow up. Unit: calls. None: 0.',
    unit: 'count',
    fact: 'calls',
    where: and(answered, lte(field('satisfaction'), 2)),
    time: 'startedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },

  // ——— Complaints ———
  complaintsLogged: {
    id: 'complaintsLogged',
    label: 'Complaints logged',
    definition: 'The number of complaints logged (opened) in the period, whatever has happened to them since; by the CSR who logged them. Unit: complaints. None: 0.',
    unit: 'count',
    fact: 'complaints',
    time: 'openedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },
  complaintsResolved: {
    id: 'complaintsResolved',
    label: 'Complaints resolved',
    definition:
      'The number of complaints that are resolved now and whose latest resolution fell in the period (a complaint reopened since is not counted); by the CSR who logged them. Unit: complaints. None: 0.',
    unit: 'count',
    fact: 'complaints',
    where: and(eq(field('status'), 'resolved'), notNull(field('resolvedAt'))),
    time: 'resolvedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },
  complaintsOpen: {
    id: 'complaintsOpen',
    label: 'Complaints open',
    definition:
      'Of the complaints logged in the period, the number not resolved now (open, in progress or reopened); by the CSR who logged them. Unit: complaints. None: 0.',
    unit: 'count',
    fact: 'complaints',
    where: ne(field('status'), 'resolved'),
    time: 'openedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },
  complaintResolutionTime: {
    id: 'complaintResolutionTime',
    label: 'Average complaint resolution time',
    definition:
      'Of the complaints counted as resolved in the period (resolved now, latest resolution in the period): the time from when each was logged to its latest resolution, reopen cycles included, summed and divided by their number. Unit: milliseconds. None resolved: no data, never 0.',
    unit: 'ms',
    fact: 'complaints',
    where: and(eq(field('status'), 'resolved'), notNull(field('resolvedAt'))),
    time: 'resolvedAt',
    aggregate: { kind: 'average', of: greatest(sub(field('resolvedAt'), field('openedAt')), 0) },
    dimensions: callGroups,
  },

  // ——— Offers ———
  offersPresented: {
    id: 'offersPresented',
    label: 'Offers presented',
    definition:
      'The number of upsell and accessory offers CSRs put to customers in the period, each counted once whatever the answer (offers still waiting for one included). Unit: offers. None: 0.',
    unit: 'count',
    fact: 'offers',
    time: 'presentedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },
  offersAccepted: {
    id: 'offersAccepted',
    label: 'Offers accepted',
    definition: 'Of the offers presented in the period, the number the customer accepted. Unit: offers. None: 0.',
    unit: 'count',
    fact: 'offers',
    where: eq(field('outcome'), 'accepted'),
    time: 'presentedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },
  upsellConversion: {
    id: 'upsellConversion',
    label: 'Upsell conversion',
    definition:
      'Offers accepted ÷ offers presented, both in the period (see upsellConversion above): the share of offers the customer accepted. Unit: share (0–1). Nothing presented: no data, never 0.',
    unit: 'ratio',
    fact: 'offers',
    time: 'presentedAt',
    aggregate: { kind: 'ratio', numerator: eq(field('outcome'), 'accepted') },
    dimensions: callGroups,
  },
  offersOrdered: {
    id: 'offersOrdered',
    label: 'Offers ordered',
    definition:
      'Of the offers presented in the period, the number that ended on an order that counts (a line of a placed, paid, shipped or delivered order names the offer). Unit: offers. None: 0.',
    unit: 'count',
    fact: 'offers',
    where: exists('offerLines', and(eq(field('offerId'), outer('id')), counted('orderStatus'))),
    time: 'presentedAt',
    aggregate: { kind: 'count' },
    dimensions: callGroups,
  },
  convertedOfferRevenue: {
    id: 'convertedOfferRevenue',
    label: 'Revenue of converted offers',
    definition:
      'The sum of the totals (after discounts, tax included) of the order lines that came from an offer, on orders placed in the period that count (placed, paid, shipped or delivered — not cancelled, returned or unconfirmed), in one currency; by the CSR who presented the offer. Unit: minor units of the currency. None: 0.',
    unit: 'cents',
    fact: 'offerLines',
    where: counted('orderStatus'),
    time: 'placedAt',
    aggregate: { kind: 'sum', of: field('lineTotalCents') },
    dimensions: ['csr', 'team', 'day', 'campaign'],
    requires: ['currency'],
  },

  // ——— Orders ———
  ordersTaken: {
    id: 'ordersTaken',
    label: 'Orders taken',
    definition:
      'The number of phone orders a CSR took with a date in the period, whatever became of them (awaiting approval, needing attention, cancelled included). Unit: orders. None: 0.',
    unit: 'count',
    fact: 'orders',
    where: phoneOrderByCsr,
    time: 'placedAt',
    aggregate: { kind: 'count' },
    dimensions: ['csr', 'team', 'day', 'campaign'],
  },
  ordersTakenValue: {
    id: 'ordersTakenValue',
    label: 'Value of orders taken',
    definition:
      'The sum of the totals of the phone orders a CSR took in the period that count (placed, paid, shipped or delivered; order-value.ts), in one currency. Unit: minor units of the currency. None: 0.',
    unit: 'cents',
    fact: 'orders',
    where: and(phoneOrderByCsr, counted('status')),
    time: 'placedAt',
    aggregate: { kind: 'sum', of: field('totalCents') },
    dimensions: ['csr', 'team', 'day', 'campaign'],
    requires: ['currency'],
  },
  discountsBeyondAuthority: {
    id: 'discountsBeyondAuthority',
    label: 'Discounts beyond authority',
    definition:
      'The number of phone orders taken in the period whose manual discount was beyond the CSR’s authority: a supervisor approved it (the order names its approver), it still awaits a supervisor, or a supervisor refused it (the order was cancelled as “Discount refused by …”). Unit: orders. None: 0.',
    unit: 'count',
    fact: 'orders',
    where: and(
      phoneOrderByCsr,
      gt(field('manualDiscountCents'), 0),
      or(
        notNull(field('approvedBy')),
        eq(field('status'), 'awaiting_approval'),
        and(eq(field('status'), 'cancelled'), startsWith(field('attentionReason'), DISCOUNT_REFUSED_PREFIX)),
      ),
    ),
    time: 'placedAt',
    aggregate: { kind: 'count' },
    dimensions: ['csr', 'team', 'day'],
  },

  // ——— Campaigns ———
  campaignSales: {
    id: 'campaignSales',
    label: 'Campaign sales',
    definition:
      'The sum of the totals of the orders placed in the period with a campaign code that count (placed, paid, shipped or delivered), in one currency, of every channel (web, phone, store) — grouped by channel and code, an online campaign’s code used on the phone shows as such. Unit: minor units of the currency. None: 0.',
    unit: 'cents',
    fact: 'orders',
    where: and(notNull(field('campaignCode')), counted('status')),
    time: 'placedAt',
    aggregate: { kind: 'sum', of: field('totalCents') },
    dimensions: ['channel', 'campaign', 'day'],
    requires: ['currency'],
  },
  campaignCrossOverSales: {
    id: 'campaignCrossOverSales',
    label: 'Campaign cross-over sales',
    definition:
      'The sum of the totals of the orders placed in the period that count (placed, paid, shipped or delivered), in one currency, whose campaign code belongs to the other side’s version of its campaign: an offline campaign’s code used on the web, or an online campaign’s code used by phone or in a store (codes of campaigns for both sides, and codes no campaign has, are never a cross-over) — grouped by channel and code. Unit: minor units of the currency. None: 0.',
    unit: 'cents',
    fact: 'campaignOrders',
    where: and(
      counted('status'),
      or(
        and(eq(field('campaignChannel'), 'offline'), eq(field('channel'), 'web')),
        and(eq(field('campaignChannel'), 'online'), oneOf(field('channel'), ['phone', 'store'])),
      ),
    ),
    time: 'placedAt',
    aggregate: { kind: 'sum', of: field('totalCents') },
    dimensions: orderGroups,
    requires: ['currency'],
  },

  // ——— Customers ———
  newCustomers: {
    id: 'newCustomers',
    label: 'New customers',
    definition:
      'The number of customers whose first order that counts (placed, paid, shipped or delivered; the earliest, whatever its channel or currency) was placed in the period; grouped by channel, the channel they were acquired through (no acquisition channel is stored: it is the channel of that first order). Unit: customers. None: 0.',
    unit: 'count',
    fact: 'orders',
    where: firstOrder,
    time: 'placedAt',
    aggregate: { kind: 'count' },
    dimensions: orderGroups,
  },
  repeatBuyers: {
    id: 'repeatBuyers',
    label: 'Repeat buyers (12 months)',
    definition:
      'Of the customers whose first order that counts was placed in the period (new customers, by the channel of that first order: their acquisition channel), the share who placed another order that counts within 12 months of it (365 days unless set otherwise), whether or not it falls in the period. Grouped by channel, the repeat rate by acquisition channel. Customers acquired less than 12 months ago may still become repeat buyers. Unit: share (0–1). No new customers: no data, never 0.',
    unit: 'ratio',
    fact: 'orders',
    where: firstOrder,
    time: 'placedAt',
    aggregate: { kind: 'ratio', numerator: orderedAgainWithin('placedAt', 'repeatPurchaseWindowMs', true) },
    dimensions: orderGroups,
  },
  lifetimeValue: {
    id: 'lifetimeValue',
    label: 'Lifetime value',
    definition:
      'Of the customers whose first order that counts was placed in the period, in one currency: the sum of the totals of all their orders that count in that currency, to date (the first included, whenever placed), divided by the number of those customers. Grouped by channel, the lifetime value by acquisition channel (the channel of the first order). Unit: minor units of the currency. No new customers: no data, never 0.',
    unit: 'cents',
    fact: 'orders',
    where: firstOrder,
    time: 'placedAt',
    aggregate: {
      kind: 'average',
      of: sumOf('orders', and(counted('status'), eq(field('customerId'), outer('customerId')), eq(field('currency'), outer('currency'))), field('totalCents')),
    },
    dimensions: orderGroups,
    requires: ['currency'],
  },
  repurchaseAfterComplaint: {
    id: 'repurchaseAfterComplaint',
    label: 'Repurchase after a resolved complaint',
    definition:
      'Of the complaints counted as resolved in the period (resolved now, latest resolution in the period), the share whose customer placed an order that counts after the resolution and within 90 days of it (unless set otherwise), whether or not it falls in the period; read beside “Repurchase, customers without complaints”. By the CSR who logged the complaint. Unit: share (0–1). None resolved: no data, never 0.',
    unit: 'ratio',
    fact: 'complaints',
    where: and(eq(field('status'), 'resolved'), notNull(field('resolvedAt'))),
    time: 'resolvedAt',
    aggregate: { kind: 'ratio', numerator: orderedAgainWithin('resolvedAt', 'repurchaseWindowMs', false) },
    dimensions: callGroups,
  },
  repurchaseWithoutComplaint: {
    id: 'repurchaseWithoutComplaint',
    label: 'Repurchase, customers without complaints',
    definition:
      'The baseline for “Repurchase after a resolved complaint”: of the orders that count placed in the period by customers who never had a complaint logged, the share followed by another order that counts of the same customer after it and within 90 days (unless set otherwise; the same window), whether or not it falls in the period. Unit: share (0–1). No such orders: no data, never 0.',
    unit: 'ratio',
    fact: 'orders',
    where: and(counted('status'), not(exists('complaints', eq(field('customerId'), outer('customerId'))))),
    time: 'placedAt',
    aggregate: { kind: 'ratio', numerator: orderedAgainWithin('placedAt', 'repurchaseWindowMs', false) },
    dimensions: orderGroups,
  },
} as const satisfies Record<string, MetricDecl>;

export type MetricId = keyof typeof METRICS;
export const METRIC_IDS = Object.keys(METRICS) as MetricId[];
