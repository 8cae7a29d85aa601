/**
 * A segment definition (src-shared/domain/segment.ts) compiled to PostgreSQL (issue 22). Every
 * value the user gave travels as a bound parameter (drizzle's sql template); only the fixed
 * column names and the shared enum lists are written into the text. The queries read
 * `customers c` left-joined to `customer_order_stats s` (kept by triggers, 0017_segments.sql); the
 * "bought a category" filter reads `customer_category_days` (kept by triggers, bought-triggers.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import { SPENDING_ORDER_STATUSES } from '../../../src-shared/domain/order-value';
import { CONSENT_BY_CHANNEL, OPEN_COMPLAINT_STATUSES, periodBounds, type ExportChannel, type SegmentDefinition, type SegmentSize } from '../../../src-shared/domain/segment';
import type { StoreDb } from '../db/connect';
import { DAY_MS } from './bought-triggers';
import type { StoreTx } from '../sync/mutations/refusal';

const list = (values: readonly (string | number)[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);
const SPENDING = list(SPENDING_ORDER_STATUSES);

/** The conditions on `c` (customers) and `s` (customer_order_stats), ANDed; `true` for an empty definition. */
export function segmentWhere(def: SegmentDefinition): SQL {
  const where: SQL[] = [];
  if (def.bought) {
    const { fromMs, toMs } = periodBounds(def.bought.from, def.bought.to);
    const what: SQL[] = [];
    if (def.bought.skus.length > 0) {
      const period: SQL[] = [];
      if (fromMs !== null) period.push(sql` and l.placed_at >= ${fromMs}`);
      if (toMs !== null) period.push(sql` and l.placed_at < ${toMs}`);
      what.push(
        sql`exists (select 1 from order_lines l join orders o on o.id = l.order_id
          where l.customer_id = c.id and l.sku in (${list(def.bought.skus)})${sql.join(period, sql``)} and o.status in (${SPENDING}))`,
      );
    }
    if (def.bought.categories.length > 0) {
      // The rollup of the lines on spending orders per customer, category and UTC day (bought-triggers.ts):
      // the period's bounds are whole days, so the days test is exact.
      const period: SQL[] = [];
      if (fromMs !== null) period.push(sql` and b.day >= ${fromMs / DAY_MS}`);
      if (toMs !== null) period.push(sql` and b.day < ${toMs / DAY_MS}`);
      what.push(
        sql`exists (select 1 from customer_category_days b
          where b.customer_id = c.id and b.category in (${list(def.bought.categories)})${sql.join(period, sql``)})`,
      );
    }
    where.push(what.length === 1 ? what[0]! : sql`(${sql.join(what, sql` or `)})`);
  }
  if (def.tiers) where.push(sql`c.loyalty_tier in (${list(def.tiers)})`);
  if (def.valueAtLeastCents !== undefined) where.push(sql`coalesce(s.value_cents, 0) >= ${def.valueAtLeastCents}`);
  if (def.valueAtMostCents !== undefined) where.push(sql`coalesce(s.value_cents, 0) <= ${def.valueAtMostCents}`);
  if (def.buyer === 'repeat') where.push(sql`s.spending_orders >= 2`);
  if (def.buyer === 'one_time') where.push(sql`s.spending_orders = 1`);
  if (def.complaints === 'any') where.push(sql`exists (select 1 from complaints k where k.customer_id = c.id)`);
  if (def.complaints === 'none') where.push(sql`not exists (select 1 from complaints k where k.customer_id = c.id)`);
  if (def.complaints === 'open') where.push(sql`exists (select 1 from complaints k where k.customer_id = c.id and k.status in (${list(OPEN_COMPLAINT_STATUSES)}))`);
  if (def.acquisitionChannels) where.push(sql`s.first_channel in (${list(def.acquisitionChannels)})`);
  if (def.campaign !== undefined) {
    where.push(sql`exists (select 1 from orders o where o.campaign_code = ${def.campaign} and o.customer_id = c.id and o.status in (${SPENDING}))`);
  }
  if (def.consent === 'given') where.push(sql`c.marketing_consent`);
  if (def.consent === 'not_given') where.push(sql`not c.marketing_consent`);
  return where.length === 0 ? sql`true` : sql.join(where, sql` and `);
}

const FROM = sql`customers c left join customer_order_stats s on s.customer_id = c.id`;

async function rows<T>(db: StoreDb | StoreTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** The segment's size and lifetime value per customer currency: one query. */
export async function segmentSize(db: StoreDb, def: SegmentDefinition): Promise<SegmentSize> {
  const query = sql`select c.currency, count(*) as customers, coalesce(sum(s.value_cents), 0) as value
        from ${FROM} where ${segmentWhere(def)} group by c.currency order by c.currency`;
  // JIT off for this statement: compiling it costs more than it saves (~0.2 s of 1.8 s measured at 1,000,000 customers).
  // work_mem for its hashes (customers ⋈ stats ⋈ the bought rollup's customers): at 1,000,000 customers they spill to disk at the default 4 MB.
  const found = await db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    return rows<{ currency: string; customers: string | number; value: string | number }>(tx, query);
  });
  const value = found.map((r) => ({ currency: r.currency, customers: Number(r.customers), valueCents: Number(r.value) }));
  return { size: value.reduce((n, v) => n + v.customers, 0), value };
}

/** The contact each channel exports: the primary one first, then the lowest. `sms` needs a mobile. */
function contactFor(channel: ExportChannel): SQL {
  switch (channel) {
    case 'email':
      return sql`(select e.email from customer_emails e where e.customer_id = c.id order by e.is_primary desc, e.email limit 1)`;
    case 'phone':
      return sql`(select p.e164 from customer_phones p where p.customer_id = c.id and p.verified order by p.is_primary desc, p.e164 limit 1)`;
    case 'sms':
      return sql`(select p.e164 from customer_phones p where p.customer_id = c.id and p.verified and p.kind = 'mobile' order by p.is_primary desc, p.e164 limit 1)`;
  }
}

/** Consent for a channel: the channel's own marketing consent (CONSENT_BY_CHANNEL, issue 23). */
function consentFor(channel: ExportChannel): SQL {
  const column = CONSENT_BY_CHANNEL[channel];
  return sql`c.${sql.identifier(column)}`;
}

export interface ExportCounts {
  /** Everyone in the segment. */
  size: number;
  /** Exported: consent for the channel and a contact on it. */
  rows: number;
  /** Left out: no consent for the channel. */
  leftOut: number;
  /** Left out: consent, but no contact for the channel (no e-mail, no mobile…). */
  noContact: number;
}

export async function exportCounts(db: StoreDb | StoreTx, def: SegmentDefinition, channel: ExportChannel): Promise<ExportCounts> {
  const [r] = await rows<{ size: string | number; left_out: string | number; no_contact: string | number }>(
    db,
    sql`select count(*) as size,
               count(*) filter (where not ${consentFor(channel)}) as left_out,
               count(*) filter (where ${consentFor(channel)} and ${contactFor(channel)} is null) as no_contact
        from ${FROM} where ${segmentWhere(def)}`,
  );
  const size = Number(r?.size ?? 0);
  const leftOut = Number(r?.left_out ?? 0);
  const noContact = Number(r?.no_contact ?? 0);
  return { size, rows: size - leftOut - noContact, leftOut, noContact };
}

export interface ExportRow {
  id: string;
  first_name: string;
  last_name: string;
  contact: string;
}

/** One page of the export (consent and a contact), in id order after `after`. */
export async function exportPage(db: StoreDb | StoreTx, def: SegmentDefinition, channel: ExportChannel, after: string | null, limit: number): Promise<ExportRow[]> {
  return rows<ExportRow>(
    db,
    sql`select c.id, c.first_name, c.last_name, ${contactFor(channel)} as contact
        from ${FROM}
        where ${segmentWhere(def)} and ${consentFor(channel)} and ${contactFor(channel)} is not null${after === null ? sql`` : sql` and c.id > ${after}`}
        order by c.id limit ${limit}`,
  );
}

/** Every member's id, in id order (the tests hold it to the reference's members). */
export async function segmentMemberIds(db: StoreDb | StoreTx, def: SegmentDefinition): Promise<string[]> {
  const found = await rows<{ id: string }>(db, sql`select c.id from ${FROM} where ${segmentWhere(def)} order by c.id`);
  return found.map((r) => r.id);
}
