/**
 * The call-centre history generator (issue 22, "Scale"): CSRs in teams with their supervisors, and
 * two years (configurable) of what they did on the phone — calls with holds, wrap-ups and
 * disposition codes, complaints with their lifecycles, upsell offers and their answers, phone
 * orders (campaign codes, the odd discount beyond a CSR's authority with its approval) and the
 * lines that converted accepted offers — for the central store's reports and their benchmarks.
 *
 * Deterministic: the same options and the same inputs (customers, products, campaigns) give the
 * same rows, ids included. It writes nothing and holds nothing that grows with the history: rows
 * come out one call at a time (the call with its complaint, events, offers and order), so a writer
 * can stream them, and a writer that loads table after table simply runs the generator again per
 * table (server/src/seed/history.ts).
 *
 * The shape, in numbers (defaults):
 * - Calls per day follow a weekly pattern (Monday busiest, Sunday a third of it), a yearly one (a
 *   peak around Black Friday and December, a dip in August) and 15 % growth over the period; within
 *   a day, 08:00–20:00 UTC with peaks mid-morning and mid-afternoon. The total is exactly `calls`.
 * - Each call goes to a CSR on shift (five days a week each) who is free; a call arriving while the
 *   CSRs tried are busy waits for the first of them, so one CSR's calls never overlap.
 * - Talk time is log-normal (median ~4.3 min, a long tail to 90 min); ~20 % of calls have a hold
 *   (median 1 min); wrap-up median ~50 s: AHT around 6 minutes.
 * - ~15 % of calls log a complaint, which then moves open → in progress → resolved (some straight to
 *   resolved on the call, some reopened and resolved again; the recent ones still open).
 * - ~0.5 offers per call: ~25 % accepted, ~68 % declined, the rest unanswered; most accepted offers
 *   end up as a line (offer_id) of a phone order taken in the same call ("converted").
 * - ~7 % of callers call back on the same issue within 1–10 days (most within 7), so first-contact
 *   resolution is measurable: the repeat call has the first call's disposition code (the issue, as
 *   the metric's definition reads it) and its topic in the wrap-up notes; it logs no new complaint
 *   and is offered nothing.
 */
import { DISCOUNT_AUTHORITY_PERCENT } from '../auth/permissions';
import type { OrderStatus } from '../domain/customer';
import type { OfferKind, OfferOutcome } from '../domain/offer';
import type { ComplaintSeverity, ComplaintStatus } from '../domain/complaint';
import type { DeliveryMethod, LineSource, PaymentMethod } from '../domain/order';
import type { TaxClass } from '../domain/product';
import { campaignUsable } from './campaigns';
import { OrderNumbers } from './generator';
import { AscendingIds, SeedRandom } from './random';
import type { CampaignRow } from './rows';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The password hash every generated user gets: scrypt (the store's own format and parameters) of
 * "history-demo", computed once and kept here, so making 220 users costs no scrypt work and the
 * rows repeat byte for byte.
 */
export const HISTORY_PASSWORD = 'history-demo';
export const HISTORY_PASSWORD_HASH = 'scrypt$32768$8$1$fOte0GUuNRyLK2MzWUYAyw$XRX3LcVsePT-VzoyBXB07jM0VXFsI7n-604kuvoJq6Q';

export const DEFAULT_HISTORY_CALLS = 2_000;
export const DEFAULT_HISTORY_TEAMS = 20;
export const DEFAULT_CSRS_PER_TEAM = 10;
export const DEFAULT_HISTORY_DAYS = 730;

export interface HistoryCustomer {
  id: string;
  currency: string;
  /** The customer's primary phone (E.164), shown as the caller id; null: none known. */
  phone: string | null;
}

export interface HistoryProduct {
  id: string;
  sku: string;
  name: string;
  /** US cents. */
  priceCents: number;
  taxClass: TaxClass;
}

export interface HistoryOptions {
  seed: number;
  /** Calls in the whole history (exactly). */
  calls: number;
  teams?: number;
  csrsPerTeam?: number;
  /** Length of the history in days, ending at `now`. */
  days?: number;
  /** "Now" (ms): the history ends here. */
  now: number;
  /** The store's customers (at least one), products (at least one) and campaigns, in a stable order. */
  customers: readonly HistoryCustomer[];
  products: readonly HistoryProduct[];
  campaigns: readonly CampaignRow[];
  /** The highest "SB" order number's digits already in the store (0: none). */
  lastOrderNumber: number;
}

// ——— Rows (column names as in server/src/db/schema.ts) ———

export interface HistoryTeamRow {
  id: string;
  name: string;
  created_at: number;
}

export interface HistoryUserRow {
  id: string;
  username: string;
  display_name: string;
  role: 'csr' | 'supervisor';
  password_hash: string;
  active: boolean;
  created_at: number;
}

export interface HistoryUserTeamRow {
  user_id: string;
  team_id: string;
}

export interface HistoryCallRow {
  id: string;
  customer_id: string | null;
  from_e164: string | null;
  from_raw: string | null;
  source: 'screen_pop' | 'manual';
  agent_id: string;
  status: 'completed';
  started_at: number;
  hold_started_at: null;
  talk_ended_at: number;
  completed_at: number;
  talk_ms: number;
  hold_ms: number;
  wrap_up_ms: number;
  disposition_code: string;
  wrap_up_notes: string | null;
  /** The caller's satisfaction answer at wrap-up, 1–5, or null (most callers give none). */
  satisfaction: number | null;
}

export interface HistoryComplaintRow {
  id: string;
  customer_id: string;
  call_id: string;
  order_id: string | null;
  order_line_id: string | null;
  category_code: string;
  severity: ComplaintSeverity;
  description: string;
  desired_resolution: string | null;
  status: ComplaintStatus;
  follow_up_on: string | null;
  resolution: string | null;
  resolved_at: number | null;
  opened_at: number;
  updated_at: number;
  agent_id: string;
}

export interface HistoryComplaintEventRow {
  id: string;
  complaint_id: string;
  call_id: string | null;
  agent_id: string;
  at: number;
  kind: 'opened' | 'status';
  from_status: ComplaintStatus | null;
  to_status: ComplaintStatus;
  detail: string | null;
}

export interface HistoryOfferRow {
  id: string;
  customer_id: string;
  call_id: string;
  agent_id: string;
  product_id: string;
  kind: OfferKind;
  reason: string;
  outcome: OfferOutcome;
  presented_at: number;
  decided_at: number | null;
}

export interface HistoryOrderRow {
  id: string;
  number: string;
  customer_id: string;
  channel: 'phone';
  campaign_code: string | null;
  status: OrderStatus;
  currency: string;
  subtotal_cents: number;
  discount_cents: number;
  tax_cents: number;
  shipping_cents: number;
  total_cents: number;
  placed_at: number;
  call_id: string;
  created_by: string;
  agent_id: string;
  heard_from: string;
  delivery_address_id: null;
  delivery_address: null;
  delivery_method: DeliveryMethod;
  payment_method: PaymentMethod;
  manual_discount_cents: number;
  discount_reason: string | null;
  approved_by: string | null;
  approver_name: string | null;
  approval_reason: string | null;
  approved_at: number | null;
  quoted_total_cents: number;
  attention_reason: null;
  note: null;
}

export interface HistoryOrderLineRow {
  id: string;
  order_id: string;
  line_no: number;
  product_id: string;
  customer_id: string;
  placed_at: number;
  sku: string;
  name: string;
  quantity: number;
  unit_price_cents: number;
  total_cents: number;
  offer_id: string | null;
  line_source: LineSource;
  discount_cents: number;
  tax_cents: number;
  tax_class: TaxClass;
}

/** One call and everything recorded in it. */
export interface HistoryCallRows {
  call: HistoryCallRow;
  complaint: HistoryComplaintRow | null;
  complaintEvents: HistoryComplaintEventRow[];
  offers: HistoryOfferRow[];
  order: HistoryOrderRow | null;
  lines: HistoryOrderLineRow[];
}

export interface HistoryRowsByTable {
  teams: HistoryTeamRow;
  users: HistoryUserRow;
  user_teams: HistoryUserTeamRow;
  calls: HistoryCallRow;
  complaints: HistoryComplaintRow;
  complaint_events: HistoryComplaintEventRow;
  offers: HistoryOfferRow;
  orders: HistoryOrderRow;
  order_lines: HistoryOrderLineRow;
}

export interface GeneratedHistory {
  teams: HistoryTeamRow[];
  users: HistoryUserRow[];
  userTeams: HistoryUserTeamRow[];
  /** The calls in start order, one at a time. */
  calls: Generator<HistoryCallRows, void, undefined>;
}

// ——— Distributions ———

/** Monday … Sunday (getUTCDay order: Sunday first). */
const WEEKDAY_FACTOR = [0.32, 1.18, 1.08, 1.02, 1.0, 0.94, 0.55];
/** Calls per hour of the day (UTC), 08:00–19:59. */
const HOUR_WEIGHTS = [0, 0, 0, 0, 0, 0, 0, 0, 5, 9, 12, 12, 9, 8, 10, 11, 10, 8, 6, 4, 0, 0, 0, 0];
const HOURS = HOUR_WEIGHTS.map((_, h) => h);

const DISPOSITIONS = ['resolved', 'info_given', 'order_placed', 'callback', 'escalated', 'wrong_number'] as const;
const DISPOSITION_WEIGHTS = [46, 22, 14, 8, 4, 6];
/** Why customers call (the "issue"): a repeat call on the same issue names the same topic. */
const TOPICS = ['order status', 'delivery date', 'product question', 'return', 'invoice', 'account details', 'stock check', 'warranty'] as const;

const COMPLAINT_CATEGORIES = ['damaged', 'late', 'wrong_item', 'billing', 'service', 'quality', 'other'] as const;
const COMPLAINT_CATEGORY_WEIGHTS = [22, 26, 12, 14, 8, 12, 6];
const CATEGORY_TEXT: Record<(typeof COMPLAINT_CATEGORIES)[number], string> = {
  damaged: 'The item arrived damaged',
  late: 'The delivery is late',
  wrong_item: 'A different item was delivered',
  billing: 'Charged twice for the order',
  service: 'Unhappy with how an earlier call went',
  quality: 'The product stopped working after a few weeks',
  other: 'A problem with the order',
};
const DESIRED = ['Refund', 'Replacement', 'Call back with an update', 'Partial refund', null] as const;
const RESOLUTIONS = ['Replacement sent', 'Refund issued', 'Partial refund given', 'Apology and voucher', 'Delivery rescheduled', 'Explained the charge'] as const;
const SEVERITIES: readonly ComplaintSeverity[] = ['low', 'medium', 'high', 'critical'];
const SEVERITY_WEIGHTS = [35, 45, 16, 4];

const OFFER_KINDS: readonly OfferKind[] = ['complement', 'accessory', 'co_purchase', 'replenishment'];
const OFFER_KIND_WEIGHTS = [35, 30, 20, 15];
const OFFER_REASON: Record<OfferKind, string> = {
  complement: 'Goes with what the customer bought',
  accessory: 'An accessory for their product',
  co_purchase: 'Often bought together',
  replenishment: 'Due for a refill',
};

const HEARD_FROM = ['returning', 'catalogue', 'radio', 'search', 'social', 'friend', 'email', 'store', 'other'] as const;
const HEARD_FROM_WEIGHTS = [55, 12, 6, 8, 6, 5, 5, 2, 1];
const DELIVERY: readonly DeliveryMethod[] = ['standard', 'express', 'pickup'];
const DELIVERY_WEIGHTS = [75, 18, 7];
const PAYMENT: readonly PaymentMethod[] = ['pay_link', 'card_on_file', 'invoice', 'cash_on_delivery'];
const PAYMENT_WEIGHTS = [40, 40, 12, 8];

/** Retail prices in the customer's currency: US cents × rate, ending in 99. */
const RATES: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79, SEK: 10.5, CAD: 1.36, AUD: 1.52 };
const TAX: Record<string, number> = { USD: 0.07, EUR: 0.2, GBP: 0.2, SEK: 0.25, CAD: 0.13, AUD: 0.1 };
const SHIPPING: Record<string, number> = { USD: 799, EUR: 495, GBP: 495, SEK: 4900, CAD: 999, AUD: 995 };

const FIRST_NAMES = ['Alex', 'Sam', 'Jordan', 'Maria', 'Chen', 'Priya', 'Lars', 'Fatima', 'Tom', 'Aisha', 'Jonas', 'Elena', 'Kofi', 'Sofia', 'Mateo', 'Hannah', 'Yuki', 'Omar', 'Ines', 'Liam'];
const LAST_NAMES = ['Berg', 'Okafor', 'Smith', 'Novak', 'Garcia', 'Kim', 'Rossi', 'Dubois', 'Patel', 'Larsen', 'Silva', 'Fischer', 'Haddad', 'Murphy', 'Tanaka', 'Costa'];
const TEAM_NAMES = ['Aurora', 'Beacon', 'Cedar', 'Delta', 'Ember', 'Fjord', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Meridian', 'Nimbus', 'Onyx', 'Pioneer', 'Quartz', 'Ridge', 'Summit', 'Tundra'];

function logNormal(random: SeedRandom, median: number, sigma: number): number {
  // Box–Muller: two uniforms, one normal.
  const u1 = 1 - random.next();
  const u2 = random.next();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return median * Math.exp(sigma * z);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function retail(usdCents: number, currency: string): number {
  return Math.max(99, Math.round((usdCents * (RATES[currency] ?? 1)) / 100) * 100 - 1);
}

function statusFor(random: SeedRandom, ageMs: number): OrderStatus {
  if (ageMs < 2 * DAY) return random.chance(0.6) ? 'placed' : 'paid';
  if (ageMs < 7 * DAY) return random.chance(0.5) ? 'paid' : 'shipped';
  const r = random.next();
  return r < 0.04 ? 'cancelled' : r < 0.09 ? 'returned' : 'delivered';
}

/** Calls per day: the weekly and yearly patterns and the growth, rounded so they add up to `total`. */
export function callsPerDay(total: number, firstDay: number, days: number): number[] {
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(firstDay + d * DAY);
    const start = Date.UTC(date.getUTCFullYear(), 0, 1);
    const dayOfYear = (date.getTime() - start) / DAY;
    const peak = 0.45 * Math.exp(-(((dayOfYear - 335) / 18) ** 2)) + 0.2 * Math.exp(-(((dayOfYear - 358) / 6) ** 2));
    const summer = -0.15 * Math.exp(-(((dayOfYear - 225) / 15) ** 2));
    const growth = 1 + (0.15 * d) / Math.max(1, days);
    weights.push(WEEKDAY_FACTOR[date.getUTCDay()]! * (1 + peak + summer) * growth);
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  // Largest remainders first (ties by day), so the total is exact and the rounding deterministic.
  const order = exact.map((e, d) => ({ d, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.d - b.d);
  for (const { d } of order) {
    if (left-- <= 0) break;
    counts[d]! += 1;
  }
  return counts;
}

interface Csr {
  user: HistoryUserRow;
  supervisor: HistoryUserRow;
  /** The two days of the week (getUTCDay) they do not work. */
  offDays: readonly [number, number];
  freeAt: number;
}

interface Repeat {
  at: number;
  customer: HistoryCustomer;
  topic: string;
  /** The first call's disposition: the issue, as first-contact resolution reads it (src-shared/domain/metrics.ts). */
  disposition: string;
}

/** A small binary min-heap of pending repeat calls by time. */
class RepeatQueue {
  private readonly items: Repeat[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Repeat | undefined {
    return this.items[0];
  }
  push(item: Repeat): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= a[i]!.at) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): Repeat | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.at < a[m]!.at) m = l;
        if (r < a.length && a[r]!.at < a[m]!.at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export function validateHistoryOptions(o: HistoryOptions): void {
  const whole = (name: string, v: number, min: number, max: number) => {
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, not ${v}`);
  };
  whole('seed', o.seed, -(2 ** 53) + 1, 2 ** 53 - 1);
  whole('calls', o.calls, 0, 50_000_000);
  whole('teams', o.teams ?? DEFAULT_HISTORY_TEAMS, 1, TEAM_NAMES.length * 10);
  whole('csrsPerTeam', o.csrsPerTeam ?? DEFAULT_CSRS_PER_TEAM, 1, 100);
  whole('days', o.days ?? DEFAULT_HISTORY_DAYS, 1, 3650);
  whole('now', o.now, 0, 2 ** 53 - 1);
  if (o.customers.length === 0) throw new RangeError('The history needs customers: seed the store first.');
  if (o.products.length === 0) throw new RangeError('The history needs products: seed the store first.');
}

/** The history for `options`: the teams and users at once, the calls one at a time. */
export function generateHistory(options: HistoryOptions): GeneratedHistory {
  validateHistoryOptions(options);
  const teamCount = options.teams ?? DEFAULT_HISTORY_TEAMS;
  const perTeam = options.csrsPerTeam ?? DEFAULT_CSRS_PER_TEAM;
  const days = options.days ?? DEFAULT_HISTORY_DAYS;
  const firstDay = Math.floor(options.now / DAY) * DAY - days * DAY;
  const { customers, products, campaigns } = options;

  // People: one stream, independent of the calls' (so a longer history keeps the same users).
  const people = new SeedRandom(options.seed, 'history:people');
  const created = firstDay - 30 * DAY;
  const teams: HistoryTeamRow[] = [];
  const users: HistoryUserRow[] = [];
  const userTeams: HistoryUserTeamRow[] = [];
  const csrs: Csr[] = [];
  const personName = () => `${people.pick(FIRST_NAMES)} ${people.pick(LAST_NAMES)}`;
  for (let t = 0; t < teamCount; t++) {
    const round = Math.floor(t / TEAM_NAMES.length);
    const team: HistoryTeamRow = { id: people.uuid(), name: `Team ${TEAM_NAMES[t % TEAM_NAMES.length]}${round > 0 ? ` ${round + 1}` : ''}`, created_at: created };
    teams.push(team);
    const supervisor: HistoryUserRow = {
      id: people.uuid(),
      username: `sup${String(t + 1).padStart(3, '0')}`,
      display_name: personName(),
      role: 'supervisor',
      password_hash: HISTORY_PASSWORD_HASH,
      active: true,
      created_at: created,
    };
    users.push(supervisor);
    userTeams.push({ user_id: supervisor.id, team_id: team.id });
    for (let c = 0; c < perTeam; c++) {
      const n = t * perTeam + c + 1;
      const user: HistoryUserRow = {
        id: people.uuid(),
        username: `csr${String(n).padStart(4, '0')}`,
        display_name: personName(),
        role: 'csr',
        password_hash: HISTORY_PASSWORD_HASH,
        active: true,
        created_at: created,
      };
      users.push(user);
      userTeams.push({ user_id: user.id, team_id: team.id });
      const off = people.int(7);
      csrs.push({ user, supervisor, offDays: [off, (off + 1 + people.int(6)) % 7], freeAt: 0 });
    }
  }

  function* calls(): Generator<HistoryCallRows, void, undefined> {
    const random = new SeedRandom(options.seed, 'history:calls');
    const expected = Math.max(1, options.calls);
    const ids = {
      call: new AscendingIds(random, expected),
      complaint: new AscendingIds(random, expected * 0.16),
      event: new AscendingIds(random, expected * 0.5),
      offer: new AscendingIds(random, expected * 0.55),
      order: new AscendingIds(random, expected * 0.22),
      line: new AscendingIds(random, expected * 0.45),
    };
    const orderNumbers = new OrderNumbers(random, options.lastOrderNumber, expected * 0.22);
    const perDay = callsPerDay(options.calls, firstDay, days);
    const repeats = new RepeatQueue();
    const csrAuthority = DISCOUNT_AUTHORITY_PERCENT.csr;
    /** Each customer's latest phone order line in the history, for complaints about it. */
    const lastLine = new Map<string, { orderId: string; lineId: string }>();
    const phoneCampaigns = campaigns.filter((c) => c.channel !== 'online');

    for (let d = 0; d < days; d++) {
      const dayStart = firstDay + d * DAY;
      const weekday = new Date(dayStart).getUTCDay();
      const onShift = csrs.filter((c) => c.offDays[0] !== weekday && c.offDays[1] !== weekday);
      const working = onShift.length > 0 ? onShift : csrs;
      const times: number[] = [];
      for (let i = 0; i < perDay[d]!; i++) times.push(dayStart + random.pickWeighted(HOURS, HOUR_WEIGHTS) * HOUR + random.int(HOUR));
      times.sort((a, b) => a - b);

      for (const arrival of times) {
        // A caller due to call back takes this slot (the total stays exact).
        let repeat: Repeat | undefined;
        if ((repeats.peek()?.at ?? Infinity) <= arrival) repeat = repeats.pop();

        // A free CSR on shift; else the first of those tried to become free (the caller waits).
        let csr = random.pick(working);
        for (let tries = 0; csr.freeAt > arrival && tries < 6; tries++) {
          const other = random.pick(working);
          if (other.freeAt < csr.freeAt) csr = other;
        }
        const startedAt = Math.max(arrival, csr.freeAt);
        const agent = csr.user.username;

        const identified = repeat !== undefined || random.chance(0.94);
        // Most callers drawn evenly, some from the front of the list (regular callers): the busiest 1 %
        // of customers make ~4 % of the calls, rather than the 10 % a skewed pick alone would give.
        const customer = repeat?.customer ?? (identified ? (random.chance(0.3) ? random.pickSkewed(customers) : random.pick(customers)) : null);
        let disposition: string = identified ? random.pickWeighted(DISPOSITIONS, DISPOSITION_WEIGHTS) : random.chance(0.6) ? 'wrong_number' : 'info_given';
        if (identified && disposition === 'wrong_number') disposition = 'info_given';
        // A call back on the same issue is wrapped up with the first call's code (the issue of a call is its disposition code).
        if (repeat) disposition = repeat.disposition;
        const topic = repeat?.topic ?? random.pick(TOPICS);

        const talk = Math.round(clamp(logNormal(random, 4.3 * MINUTE, 0.55), 20_000, 90 * MINUTE));
        const hold = random.chance(0.2) ? Math.round(clamp(logNormal(random, MINUTE, 0.8), 5_000, 30 * MINUTE)) : 0;
        const wrap = Math.round(clamp(logNormal(random, 50_000, 0.5), 5_000, 15 * MINUTE));
        const talkEndedAt = startedAt + talk + hold;
        const completedAt = talkEndedAt + wrap;
        csr.freeAt = completedAt;
        const callId = ids.call.next();
        const phone = customer?.phone ?? null;
        const unknownNumber = customer === null ? `+1555${String(random.int(10_000_000)).padStart(7, '0')}` : null;
        const during = (share: number) => startedAt + Math.round(talk * share);

        const rows: Omit<HistoryCallRows, 'call'> = { complaint: null, complaintEvents: [], offers: [], order: null, lines: [] };

        // A complaint: the logging call, then its lifecycle up to "now".
        let complaintLogged = false;
        if (customer && !repeat && disposition !== 'order_placed' && random.chance(0.2)) {
          complaintLogged = true;
          disposition = 'complaint_logged';
          const category = random.pickWeighted(COMPLAINT_CATEGORIES, COMPLAINT_CATEGORY_WEIGHTS);
          const openedAt = during(0.6);
          const about = random.chance(0.5) ? lastLine.get(customer.id) : undefined;
          const complaintId = ids.complaint.next();
          const events: HistoryComplaintEventRow[] = [
            { id: ids.event.next(), complaint_id: complaintId, call_id: callId, agent_id: agent, at: openedAt, kind: 'opened', from_status: null, to_status: 'open', detail: null },
          ];
          let status = 'open' as ComplaintStatus;
          let at = openedAt;
          let resolvedAt: number | null = null;
          let resolution: string | null = null;
          const step = (to: ComplaintStatus, after: number, onCall: boolean): boolean => {
            const when = onCall ? at + after : at + Math.max(MINUTE, Math.round(after));
            if (when >= options.now) return false;
            const by = random.chance(0.8) ? agent : csr.supervisor.username;
            const text = to === 'resolved' ? random.pick(RESOLUTIONS) : null;
            events.push({ id: ids.event.next(), complaint_id: complaintId, call_id: onCall ? callId : null, agent_id: by, at: when, kind: 'status', from_status: status, to_status: to, detail: text });
            status = to;
            at = when;
            resolvedAt = to === 'resolved' ? when : null;
            resolution = text;
            return true;
          };
          const severity = random.pickWeighted(SEVERITIES, SEVERITY_WEIGHTS);
          if (random.chance(0.22)) {
            // Settled on the call.
            step('resolved', Math.round(talk * 0.3), true);
          } else if (step('in_progress', logNormal(random, 4 * HOUR, 1.2), false) && random.chance(0.93)) {
            step('resolved', logNormal(random, (severity === 'low' ? 1.5 : 3) * DAY, 1.0), false);
          }
          if (status === 'resolved' && random.chance(0.08) && step('reopened', logNormal(random, 5 * DAY, 0.8), false)) {
            if (step('in_progress', logNormal(random, 3 * HOUR, 1), false) && random.chance(0.85)) step('resolved', logNormal(random, 2 * DAY, 1), false);
          }
          rows.complaint = {
            id: complaintId,
            customer_id: customer.id,
            call_id: callId,
            order_id: about?.orderId ?? null,
            order_line_id: about?.lineId ?? null,
            category_code: category,
            severity,
            description: CATEGORY_TEXT[category],
            desired_resolution: random.pick(DESIRED),
            status,
            follow_up_on: null,
            resolution,
            resolved_at: resolvedAt,
            opened_at: openedAt,
            updated_at: at,
            agent_id: agent,
          };
          rows.complaintEvents = events;
        }

        // Offers: about one call in three, more in an order call.
        const offerable = customer !== null && !complaintLogged && !repeat;
        const wantsOrder = disposition === 'order_placed';
        let offerCount = 0;
        if (offerable) {
          const r = random.next();
          offerCount = wantsOrder ? (r < 0.3 ? 0 : r < 0.75 ? 1 : r < 0.93 ? 2 : 3) : r < 0.55 ? 0 : r < 0.85 ? 1 : r < 0.955 ? 2 : 3;
        }
        const converted: { offer: HistoryOfferRow; product: HistoryProduct }[] = [];
        for (let o = 0; o < offerCount && customer; o++) {
          const product = random.pickSkewed(products);
          const kind = random.pickWeighted(OFFER_KINDS, OFFER_KIND_WEIGHTS);
          const presentedAt = during(0.4 + 0.1 * o);
          const r = random.next();
          const outcome: OfferOutcome = r < (wantsOrder ? 0.4 : 0.18) ? 'accepted' : r < 0.93 ? 'declined' : 'presented';
          const offer: HistoryOfferRow = {
            id: ids.offer.next(),
            customer_id: customer.id,
            call_id: callId,
            agent_id: agent,
            product_id: product.id,
            kind,
            reason: OFFER_REASON[kind],
            outcome,
            presented_at: presentedAt,
            decided_at: outcome === 'presented' ? null : presentedAt + random.between(5_000, 90_000),
          };
          rows.offers.push(offer);
          if (outcome === 'accepted' && random.chance(0.88)) converted.push({ offer, product });
        }

        // A phone order: an order call, or accepted offers ordered on the spot.
        if (customer && (wantsOrder || converted.length > 0)) {
          disposition = 'order_placed';
          const placedAt = during(0.85);
          const currency = customer.currency;
          const drafts: { product: HistoryProduct; quantity: number; offerId: string | null; source: LineSource }[] = [];
          const own = converted.length > 0 && !wantsOrder ? 0 : random.pickWeighted([1, 2, 3], [60, 30, 10]);
          for (let l = 0; l < own; l++) {
            const product = random.pickSkewed(products);
            if (drafts.some((x) => x.product === product)) continue;
            drafts.push({ product, quantity: random.chance(0.15) ? 2 : 1, offerId: null, source: random.chance(0.25) ? 'reorder' : 'search' });
          }
          for (const c of converted) drafts.push({ product: c.product, quantity: 1, offerId: c.offer.id, source: 'suggestion' });
          const unit = drafts.map((x) => retail(x.product.priceCents, currency));
          const totals = drafts.map((x, i) => x.quantity * unit[i]!);
          const subtotal = totals.reduce((a, b) => a + b, 0);

          let campaign: CampaignRow | null = null;
          if (random.chance(0.2)) {
            const usable = phoneCampaigns.filter((c) => campaignUsable(c, placedAt, 'phone', currency) && subtotal >= c.min_order_cents);
            if (usable.length > 0) campaign = random.pick(usable);
          }
          const campaignDiscount = campaign?.rule === 'percent' ? Math.round((subtotal * campaign.value) / 100) : campaign?.rule === 'amount' ? Math.min(subtotal, campaign.value) : 0;
          // A manual discount now and then; a few beyond the CSR's authority, approved by their supervisor.
          let manual = 0;
          let discountReason: string | null = null;
          let approval: { by: HistoryUserRow; at: number; reason: string } | null = null;
          if (random.chance(0.05)) {
            const beyond = random.chance(0.15);
            const percent = beyond ? random.between(csrAuthority + 1, csrAuthority + 10) : random.between(3, csrAuthority);
            manual = Math.min(subtotal - campaignDiscount, Math.round((subtotal * percent) / 100));
            discountReason = beyond ? 'Long-standing customer after a delivery problem' : 'Goodwill for the wait';
            if (beyond) approval = { by: csr.supervisor, at: placedAt - random.between(1_000, Math.max(1_000, Math.round(talk * 0.3))), reason: 'Approved: keeps a loyal customer' };
          }
          const discount = campaignDiscount + manual;
          const net = subtotal - discount;
          const tax = Math.round(net * (TAX[currency] ?? 0.1));
          const delivery = random.pickWeighted(DELIVERY, DELIVERY_WEIGHTS);
          const shipping = delivery === 'pickup' || campaign?.rule === 'free_shipping' || net >= 7_500 * (RATES[currency] ?? 1) ? 0 : (SHIPPING[currency] ?? 799) * (delivery === 'express' ? 2 : 1);
          const total = net + tax + shipping;
          const orderId = ids.order.next();
          rows.order = {
            id: orderId,
            number: orderNumbers.next(),
            customer_id: customer.id,
            channel: 'phone',
            campaign_code: campaign?.code ?? null,
            status: statusFor(random, options.now - placedAt),
            currency,
            subtotal_cents: subtotal,
            discount_cents: discount,
            tax_cents: tax,
            shipping_cents: shipping,
            total_cents: total,
            placed_at: placedAt,
            call_id: callId,
            created_by: csr.user.id,
            agent_id: agent,
            heard_from: random.pickWeighted(HEARD_FROM, HEARD_FROM_WEIGHTS),
            delivery_address_id: null,
            delivery_address: null,
            delivery_method: delivery,
            payment_method: random.pickWeighted(PAYMENT, PAYMENT_WEIGHTS),
            manual_discount_cents: manual,
            discount_reason: discountReason,
            approved_by: approval?.by.id ?? null,
            approver_name: approval?.by.display_name ?? null,
            approval_reason: approval?.reason ?? null,
            approved_at: approval?.at ?? null,
            quoted_total_cents: total,
            attention_reason: null,
            note: null,
          };
          // The order's discount and tax shared over its lines in proportion (the last takes the rest).
          let discountLeft = discount;
          let taxLeft = tax;
          rows.lines = drafts.map((x, i) => {
            const last = i === drafts.length - 1;
            const lineDiscount = last ? discountLeft : Math.round((discount * totals[i]!) / subtotal);
            const lineTax = last ? taxLeft : Math.round((tax * totals[i]!) / subtotal);
            discountLeft -= lineDiscount;
            taxLeft -= lineTax;
            return {
              id: ids.line.next(),
              order_id: orderId,
              line_no: i + 1,
              product_id: x.product.id,
              customer_id: customer.id,
              placed_at: placedAt,
              sku: x.product.sku,
              name: x.product.name,
              quantity: x.quantity,
              unit_price_cents: unit[i]!,
              total_cents: totals[i]!,
              offer_id: x.offerId,
              line_source: x.source,
              discount_cents: lineDiscount,
              tax_cents: lineTax,
              tax_class: x.product.taxClass,
            };
          });
          lastLine.set(customer.id, { orderId, lineId: rows.lines[0]!.id });
        }

        // Not settled on this call: the caller may call back on the same issue, mostly within a week.
        let callsBack = false;
        if (customer && !repeat) {
          const p = disposition === 'callback' ? 0.45 : disposition === 'escalated' ? 0.4 : complaintLogged ? 0.15 : disposition === 'info_given' ? 0.06 : disposition === 'resolved' ? 0.025 : 0.02;
          if (random.chance(p)) {
            const after = clamp(logNormal(random, 2.5 * DAY, 0.8), 2 * HOUR, 20 * DAY);
            repeats.push({ at: completedAt + Math.round(after), customer, topic, disposition });
            callsBack = true;
          }
        }

        const call: HistoryCallRow = {
          id: callId,
          customer_id: customer?.id ?? null,
          from_e164: phone ?? unknownNumber,
          from_raw: phone ?? unknownNumber,
          source: customer === null || random.chance(0.88) ? 'screen_pop' : 'manual',
          agent_id: agent,
          status: 'completed',
          started_at: startedAt,
          hold_started_at: null,
          talk_ended_at: talkEndedAt,
          completed_at: completedAt,
          talk_ms: talk,
          hold_ms: hold,
          wrap_up_ms: wrap,
          disposition_code: disposition,
          // The topic is noted on every call the caller rings back about, and on most others.
          wrap_up_notes: repeat ? `Called again about ${topic}` : callsBack || random.chance(0.6) ? `Asked about ${topic}` : null,
          satisfaction: satisfactionOf(callId, repeat !== undefined || callsBack || complaintLogged || disposition === 'callback' || disposition === 'escalated'),
        };
        yield { call, ...rows };
      }
    }
  }

  return { teams, users, userTeams, calls: calls() };
}

/**
 * The caller's satisfaction answer (issue 22): about one caller in five gives one, mostly 4 or 5,
 * lower when the issue was not settled on the call. Drawn from a hash of the call's id, not from
 * the history's random stream, so every other figure of a seeded history stays as it was.
 */
function satisfactionOf(callId: string, unsettled: boolean): number | null {
  let h = 0x811c9dc5;
  for (let i = 0; i < callId.length; i++) h = Math.imul(h ^ callId.charCodeAt(i), 0x01000193) >>> 0;
  if (h % 100 >= 22) return null;
  const r = Math.floor(h / 100) % 100;
  // Cumulative shares of 1, 2, 3, 4 (5 is the rest).
  const cumulative = unsettled ? [15, 30, 55, 80] : [3, 8, 20, 55];
  const i = cumulative.findIndex((c) => r < c);
  return i === -1 ? 5 : i + 1;
}
