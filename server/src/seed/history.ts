/**
 * Loads a call-centre history (src-shared/seed/history.ts) into a store that already holds
 * customers, products and campaigns (the demo data, or a bigger seed): the teams and their users,
 * then calls, complaints and their events, offers, and the phone orders and lines taken in calls.
 *
 * The history is generated from what the store holds (its customers, active products and
 * campaigns, in id order, and its highest order number), so the same store and options give the
 * same rows. The bulk loader fills one table after another; rather than hold two million calls in
 * memory, the generator runs again for each table and keeps that table's rows (it is deterministic,
 * and a pass costs seconds against the minutes of the load).
 */
import { sql } from 'drizzle-orm';
import type { CampaignRow } from '../../../src-shared/seed/rows';
import type { HistoryCallRows, HistoryCustomer, HistoryOptions, HistoryProduct } from '../../../src-shared/seed/history';
import type { SyncTableName } from '../../../src-shared/sync/tables';
import type { Store } from '../db/connect';
import { teams, users, userTeams } from '../db/schema';
import { loadRowsIntoStore, type BulkLoadOptions, type BulkLoadSummary, type RowSource, type StoreValue } from './bulk-load';

/** The synced tables a history fills, in load order. */
export const HISTORY_TABLES = ['orders', 'order_lines', 'calls', 'complaints', 'complaint_events', 'offers'] as const satisfies readonly SyncTableName[];
type HistoryTable = (typeof HISTORY_TABLES)[number];

export interface LoadHistoryOptions extends Pick<HistoryOptions, 'seed' | 'calls' | 'teams' | 'csrsPerTeam' | 'days' | 'now'> {
  /** See BulkLoadOptions.skipChangeLog: faster, no change-log rows, no foreign-key checks; superuser only. */
  skipChangeLog?: boolean;
  batchRows?: number;
  onProgress?: BulkLoadOptions['onProgress'];
}

export interface HistorySummary {
  teams: number;
  users: number;
  /** Rows per synced table. */
  tables: Partial<Record<SyncTableName, number>>;
  /** Every row written, users and teams included. */
  rows: number;
  /** Reading the store's customers, products and campaigns. */
  readMs: number;
  /** Loading (generation included). */
  loadMs: number;
  /** ANALYZE of the tables afterwards. */
  analyzeMs: number;
}

type Rows<T> = { rows: T[] };
const rowsOf = async <T>(store: Store, query: ReturnType<typeof sql>): Promise<T[]> => ((await store.db.execute(query)) as unknown as Rows<T>).rows;

/** What the history is generated from, read from the store in a stable order. */
export async function readHistoryInputs(store: Store): Promise<Pick<HistoryOptions, 'customers' | 'products' | 'campaigns' | 'lastOrderNumber'>> {
  const customers = await rowsOf<HistoryCustomer>(
    store,
    // A join, not a subquery per customer: right after a bulk load the planner has no statistics
    // and would scan the phones once per customer (minutes at 200,000 customers).
    sql`select c.id, c.currency, p.e164 as phone from customers c
        left join (select distinct on (customer_id) customer_id, e164 from customer_phones where is_primary order by customer_id, id) p on p.customer_id = c.id
        order by c.id`,
  );
  const products = (
    await rowsOf<{ id: string; sku: string; name: string; price_cents: number; tax_class: HistoryProduct['taxClass'] }>(
      store,
      sql`select id, sku, name, price_cents, tax_class from products where status = 'active' order by id`,
    )
  ).map((p) => ({ id: p.id, sku: p.sku, name: p.name, priceCents: Number(p.price_cents), taxClass: p.tax_class }));
  const campaigns = (await rowsOf<CampaignRow>(store, sql`select id, code, family, name, channel, rule, value, currency, min_order_cents, starts_at, ends_at, active from campaigns order by code`)).map(
    (c) => ({ ...c, value: Number(c.value), min_order_cents: Number(c.min_order_cents), starts_at: Number(c.starts_at), ends_at: c.ends_at === null ? null : Number(c.ends_at) }),
  );
  const [last] = await rowsOf<{ n: string | null }>(store, sql`select max(substring(number from 3)::bigint)::text as n from orders where number ~ '^SB[0-9]{8}$'`);
  return { customers, products, campaigns, lastOrderNumber: Number(last?.n ?? 0) };
}

/** The rows of one history table from a call's rows. */
function pick(table: HistoryTable, c: HistoryCallRows): readonly object[] {
  switch (table) {
    case 'orders':
      return c.order ? [c.order] : [];
    case 'order_lines':
      return c.lines;
    case 'calls':
      return [c.call];
    case 'complaints':
      return c.complaint ? [c.complaint] : [];
    case 'complaint_events':
      return c.complaintEvents;
    case 'offers':
      return c.offers;
  }
}

/** True when the store already holds a history's users (the first CSR's name). */
export async function storeHasHistory(store: Store): Promise<boolean> {
  const [row] = await rowsOf<{ any: boolean }>(store, sql`select exists (select 1 from users where username = 'csr0001') as any`);
  return row?.any === true;
}

export async function loadHistoryIntoStore(store: Store, options: LoadHistoryOptions): Promise<HistorySummary> {
  const started = performance.now();
  const { generateHistory } = await import('../../../src-shared/seed/history');
  if (await storeHasHistory(store)) throw new Error('This store already holds a call-centre history (user csr0001 exists); load it into an empty store.');
  const inputs = await readHistoryInputs(store);
  const historyOptions: HistoryOptions = {
    seed: options.seed,
    calls: options.calls,
    now: options.now,
    ...(options.teams === undefined ? {} : { teams: options.teams }),
    ...(options.csrsPerTeam === undefined ? {} : { csrsPerTeam: options.csrsPerTeam }),
    ...(options.days === undefined ? {} : { days: options.days }),
    ...inputs,
  };
  const readMs = performance.now() - started;

  const loadStarted = performance.now();
  const people = generateHistory(historyOptions);
  await store.db.transaction(async (tx) => {
    await tx.insert(teams).values(people.teams.map((t) => ({ id: t.id, name: t.name, createdAt: t.created_at })));
    await tx.insert(users).values(
      people.users.map((u) => ({ id: u.id, username: u.username, displayName: u.display_name, role: u.role, passwordHash: u.password_hash, active: u.active, createdAt: u.created_at })),
    );
    await tx.insert(userTeams).values(people.userTeams.map((m) => ({ userId: m.user_id, teamId: m.team_id })));
  });

  const source: RowSource = (table, columns) => {
    if (!(HISTORY_TABLES as readonly string[]).includes(table)) throw new Error(`The history makes no ${table} rows.`);
    return (function* () {
      for (const call of generateHistory(historyOptions).calls) {
        for (const row of pick(table as HistoryTable, call)) {
          const values = row as Record<string, StoreValue | undefined>;
          yield columns.map((c) => {
            const value = values[c.name];
            if (value === undefined) throw new Error(`The history's ${table} rows have no ${c.name}, which the store's table has.`);
            return value;
          });
        }
      }
    })();
  };
  const loaded: BulkLoadSummary = await loadRowsIntoStore(store, source, {
    tables: HISTORY_TABLES,
    ...(options.skipChangeLog === undefined ? {} : { skipChangeLog: options.skipChangeLog }),
    ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  // Fresh statistics for the reports that read these tables next (autovacuum would get there, later).
  const analyzeStarted = performance.now();
  for (const table of [...HISTORY_TABLES, 'users', 'teams', 'user_teams']) await store.db.execute(sql.raw(`analyze "${table}"`));
  const analyzeMs = performance.now() - analyzeStarted;
  return {
    teams: people.teams.length,
    users: people.users.length,
    tables: loaded.tables,
    rows: loaded.rows + people.teams.length + people.users.length + people.userTeams.length,
    readMs,
    loadMs: analyzeStarted - loadStarted,
    analyzeMs,
  };
}
