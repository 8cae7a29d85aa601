/**
 * The call-centre history (issue 22, "Scale") at a small size: deterministic, loaded into PGlite
 * with the change-log triggers and foreign keys on, and keeping the invariants the app's own writes
 * keep (calls' times, one CSR's calls never overlapping, complaint lifecycles, converted offers,
 * order totals).
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeed } from '../../src-shared/seed/generator';
import { generateHistory, HISTORY_PASSWORD, type HistoryOptions } from '../../src-shared/seed/history';
import { loadDemoIfEmpty } from '../../server/src/seed/demo';
import { HISTORY_TABLES, loadHistoryIntoStore, readHistoryInputs, type HistorySummary } from '../../server/src/seed/history';
import { parseServerSeedArgs } from '../../server/src/seed/cli';
import { verifyPassword } from '../../server/src/auth/password';
import type { Store } from '../../server/src/db/connect';
import { pgliteBackend, queryRows, type StoreLocation } from '../helpers/server-db';

const NOW = Date.UTC(2026, 5, 1);
const CALLS = 2_000;
const TEAMS = 5;

function smallInputs(): Pick<HistoryOptions, 'customers' | 'products' | 'campaigns' | 'lastOrderNumber'> {
  const seed = generateSeed({ customers: 300, seed: 5, now: NOW, products: 50 });
  const customers = [];
  for (const c of seed.customers) customers.push({ id: c.customer.id, currency: c.customer.currency, phone: c.phones[0]?.e164 ?? null });
  const products = seed.products.map((p) => ({ id: p.id, sku: p.sku, name: p.name, priceCents: p.price_cents, taxClass: p.tax_class }));
  return { customers, products, campaigns: seed.campaigns, lastOrderNumber: 20_000_000 };
}

function digest(options: HistoryOptions): { hash: string; calls: number } {
  const hash = createHash('sha256');
  const history = generateHistory(options);
  hash.update(JSON.stringify([history.teams, history.users, history.userTeams]));
  let calls = 0;
  for (const c of history.calls) {
    hash.update(JSON.stringify(c));
    calls++;
  }
  return { hash: hash.digest('hex'), calls };
}

describe('generateHistory', () => {
  it('gives the same rows for the same seed and inputs, others for another seed, and exactly the calls asked for', () => {
    const inputs = smallInputs();
    const options: HistoryOptions = { seed: 3, calls: CALLS, teams: TEAMS, now: NOW, ...inputs };
    const first = digest(options);
    expect(digest(options)).toEqual(first);
    expect(first.calls).toBe(CALLS);
    expect(digest({ ...options, seed: 4 }).hash).not.toBe(first.hash);
  });

  it('makes teams with one supervisor and their CSRs, all with the fixed password hash', async () => {
    const history = generateHistory({ seed: 3, calls: 0, teams: TEAMS, csrsPerTeam: 4, now: NOW, ...smallInputs() });
    expect(history.teams).toHaveLength(TEAMS);
    expect(history.users.filter((u) => u.role === 'supervisor')).toHaveLength(TEAMS);
    expect(history.users.filter((u) => u.role === 'csr')).toHaveLength(TEAMS * 4);
    expect(new Set(history.users.map((u) => u.password_hash))).toEqual(new Set([history.users[0]!.password_hash]));
    expect(await verifyPassword(HISTORY_PASSWORD, history.users[0]!.password_hash)).toBe(true);
  });

  it('refuses a store with no customers', () => {
    expect(() => generateHistory({ seed: 1, calls: 10, now: NOW, customers: [], products: [], campaigns: [], lastOrderNumber: 0 })).toThrow(/customers/);
  });
});

describe('parseServerSeedArgs', () => {
  it('reads the history options and refuses nonsense', () => {
    const args = parseServerSeedArgs(['--history', '--history-calls', '2_000_000', '--teams', '20', '--seed', '9', '--now', '2026-06-01'], 0);
    expect(args).toMatchObject({ calls: 2_000_000, teams: 20, seed: 9, now: NOW, withChangeLog: false });
    expect(parseServerSeedArgs(['--history'], NOW).calls).toBe(2_000);
    expect(() => parseServerSeedArgs([], NOW)).toThrow(/--history/);
    expect(() => parseServerSeedArgs(['--history', '--history-calls', 'lots'], NOW)).toThrow(/history-calls/);
  });
});

describe('loadHistoryIntoStore on PGlite', () => {
  let location: StoreLocation;
  let store: Store;
  let summary: HistorySummary;
  const count = async (query: ReturnType<typeof sql>): Promise<number> => Number((await queryRows<{ n: string | number }>(store, query))[0]!.n);

  beforeAll(async () => {
    location = await pgliteBackend.freshLocation();
    store = await location.open();
    await loadDemoIfEmpty(store, { customers: 300, seed: 5, now: NOW, products: 50 });
    summary = await loadHistoryIntoStore(store, { seed: 3, calls: CALLS, teams: TEAMS, now: NOW });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await location?.dispose();
  });

  it('loads the rows the generator makes from what the store holds, table by table', async () => {
    const inputs = await readHistoryInputs(store);
    const counts: Record<string, number> = {};
    for (const c of generateHistory({ seed: 3, calls: CALLS, teams: TEAMS, now: NOW, ...inputs }).calls) {
      counts.calls = (counts.calls ?? 0) + 1;
      counts.complaints = (counts.complaints ?? 0) + (c.complaint ? 1 : 0);
      counts.complaint_events = (counts.complaint_events ?? 0) + c.complaintEvents.length;
      counts.offers = (counts.offers ?? 0) + c.offers.length;
      counts.orders = (counts.orders ?? 0) + (c.order ? 1 : 0);
      counts.order_lines = (counts.order_lines ?? 0) + c.lines.length;
    }
    expect(summary.tables).toEqual(Object.fromEntries(HISTORY_TABLES.map((t) => [t, counts[t]])));
    expect(await count(sql`select count(*) as n from calls`)).toBe(CALLS);
    expect(await count(sql`select count(*) as n from orders where call_id is not null`)).toBe(counts.orders);
    // Realistic proportions, loosely: complaints ~15 % of calls, offers ~0.5 a call, holds ~20 %.
    expect(counts.complaints! / CALLS).toBeGreaterThan(0.1);
    expect(counts.complaints! / CALLS).toBeLessThan(0.2);
    expect(counts.offers! / CALLS).toBeGreaterThan(0.35);
    expect(counts.offers! / CALLS).toBeLessThan(0.7);
    const held = await count(sql`select count(*) as n from calls where hold_ms > 0`);
    expect(held / CALLS).toBeGreaterThan(0.15);
    expect(held / CALLS).toBeLessThan(0.25);
    const ahtMinutes = await count(sql`select avg(talk_ms + hold_ms + wrap_up_ms) / 60000.0 as n from calls`);
    expect(ahtMinutes).toBeGreaterThan(5);
    expect(ahtMinutes).toBeLessThan(7.5);
  });

  it('gives every call to a CSR of a team, every team a supervisor, and no CSR two calls at once', async () => {
    expect(await count(sql`select count(*) as n from calls c where not exists (
      select 1 from users u join user_teams ut on ut.user_id = u.id where u.username = c.agent_id and u.role = 'csr')`)).toBe(0);
    expect(await count(sql`select count(*) as n from teams t where t.name like 'Team %' and not exists (
      select 1 from user_teams ut join users u on u.id = ut.user_id where ut.team_id = t.id and u.role = 'supervisor')`)).toBe(0);
    expect(await count(sql`select count(*) as n from (
      select started_at, lag(completed_at) over (partition by agent_id order by started_at) as previous_end from calls) x
      where previous_end > started_at`)).toBe(0);
  });

  it('orders each call’s times and keeps its parts equal to them', async () => {
    expect(await count(sql`select count(*) as n from calls where status <> 'completed' or hold_started_at is not null
      or talk_ended_at - started_at <> talk_ms + hold_ms or completed_at - talk_ended_at <> wrap_up_ms
      or talk_ms <= 0 or hold_ms < 0 or wrap_up_ms < 0 or disposition_code is null or started_at >= ${NOW}`)).toBe(0);
  });

  it('has repeat calls from the same customer on the same issue within 7 days, so first-contact resolution is measurable', async () => {
    // The issue of a call is its disposition code (src-shared/domain/metrics.ts, first-contact resolution).
    const repeats = await count(sql`select count(*) as n from calls c where c.customer_id is not null and exists (
      select 1 from calls p where p.customer_id = c.customer_id and p.disposition_code = c.disposition_code
        and p.started_at < c.started_at and p.started_at > c.started_at - 7 * 86400000)`);
    expect(repeats).toBeGreaterThan(CALLS * 0.02);
    // A call back on the same issue names the topic of an earlier call of the same customer.
    const callsBack = await count(sql`select count(*) as n from calls where wrap_up_notes like 'Called again about %'`);
    expect(callsBack).toBeGreaterThan(CALLS * 0.02);
    expect(await count(sql`select count(*) as n from calls c where c.wrap_up_notes like 'Called again about %' and not exists (
      select 1 from calls p where p.customer_id = c.customer_id and p.started_at < c.started_at and p.disposition_code = c.disposition_code
        and substring(p.wrap_up_notes from ' about (.*)$') = substring(c.wrap_up_notes from ' about (.*)$'))`)).toBe(0);
  });

  it('has satisfaction answers on about one call in five, 1–5, mostly satisfied (issue 22, CSAT)', async () => {
    const answered = await count(sql`select count(*) as n from calls where satisfaction is not null`);
    expect(answered).toBeGreaterThan(CALLS * 0.15);
    expect(answered).toBeLessThan(CALLS * 0.3);
    expect(await count(sql`select count(*) as n from calls where satisfaction not between 1 and 5`)).toBe(0);
    const satisfied = await count(sql`select count(*) as n from calls where satisfaction >= 4`);
    expect(satisfied / answered).toBeGreaterThan(0.6);
    expect(await count(sql`select count(*) as n from calls where satisfaction <= 2`)).toBeGreaterThan(0);
  });

  it('keeps complaint lifecycles ordered and their status equal to the last event', async () => {
    expect(await count(sql`select count(*) as n from complaints where updated_at < opened_at
      or (status = 'resolved') <> (resolved_at is not null) or (status = 'resolved') <> (resolution is not null) or resolved_at < opened_at`)).toBe(0);
    expect(await count(sql`select count(*) as n from (
      select e.*, lag(e.to_status) over w as previous_to, lag(e.at) over w as previous_at, row_number() over w as n_,
             count(*) over (partition by e.complaint_id) as events
      from complaint_events e window w as (partition by e.complaint_id order by e.at, e.kind)) x
      join complaints c on c.id = x.complaint_id
      where (x.n_ = 1 and (x.kind <> 'opened' or x.at <> c.opened_at or x.to_status <> 'open'))
         or (x.n_ > 1 and (x.kind <> 'status' or x.from_status is distinct from x.previous_to or x.at < x.previous_at))
         or (x.n_ = x.events and (x.to_status <> c.status or x.at <> c.updated_at))`)).toBe(0);
    // Every stage of the lifecycle occurs.
    const statuses = await queryRows<{ to_status: string }>(store, sql`select distinct to_status from complaint_events order by to_status`);
    expect(statuses.map((s) => s.to_status)).toEqual(['in_progress', 'open', 'reopened', 'resolved']);
  });

  it('orders the lines of converted offers: accepted, the same customer and product, in the same call', async () => {
    expect(await count(sql`select count(*) as n from offers where (outcome = 'presented') <> (decided_at is null) or decided_at < presented_at`)).toBe(0);
    expect(await count(sql`select count(*) as n from order_lines l join orders o on o.id = l.order_id where l.offer_id is not null and not exists (
      select 1 from offers f where f.id = l.offer_id and f.outcome = 'accepted' and f.product_id = l.product_id and f.customer_id = o.customer_id and f.call_id = o.call_id)`)).toBe(0);
    expect(await count(sql`select count(distinct offer_id) as n from order_lines where offer_id is not null`)).toBeGreaterThan(0);
  });

  it('keeps phone orders’ totals, their lines’ shares and approvals consistent', async () => {
    expect(await count(sql`select count(*) as n from orders o where o.call_id is not null and (
      o.total_cents <> o.subtotal_cents - o.discount_cents + o.tax_cents + o.shipping_cents
      or o.subtotal_cents <> (select sum(total_cents) from order_lines l where l.order_id = o.id)
      or o.discount_cents <> (select sum(discount_cents) from order_lines l where l.order_id = o.id)
      or o.tax_cents <> (select sum(tax_cents) from order_lines l where l.order_id = o.id)
      or o.channel <> 'phone' or o.agent_id <> (select agent_id from calls c where c.id = o.call_id)
      or o.customer_id <> (select customer_id from calls c where c.id = o.call_id)
      or (o.approved_by is not null and not exists (
        select 1 from users s join user_teams st on st.user_id = s.id join user_teams ct on ct.team_id = st.team_id join users a on a.id = ct.user_id
        where s.id = o.approved_by and s.role = 'supervisor' and a.username = o.agent_id)))`)).toBe(0);
    expect(await count(sql`select count(*) as n from orders where call_id is not null and campaign_code like '%-CALL'`)).toBeGreaterThan(0);
  });
});
