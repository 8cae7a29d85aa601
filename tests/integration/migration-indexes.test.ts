/**
 * One test per migration that adds an index (STYLE.md rule 5, issue 20): the query the index is
 * for uses it, on the schema as it ships (every migration applied). The workstation cache's
 * migrations (drizzle/) are checked with SQLite's EXPLAIN QUERY PLAN; the central store's
 * (server/drizzle/) with PostgreSQL's EXPLAIN, with sequential scans priced out (the tables are
 * empty: the question is whether the index serves the query, not whether a scan of nothing is
 * cheaper). Each migration's file must create exactly the indexes its test lists, and every index
 * the migrated database holds must be listed, so a new index without a test fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { defaultMigrationsFolder } from '../../src-main/core/db/open';
import { MIGRATIONS_FOLDER, type Store } from '../../server/src/db/connect';
import { tempCache, type TempCache } from '../helpers/cache';
import { pgliteBackend, postgresBackend, postgresSkipReason, queryRows, type StoreBackend, type StoreLocation } from '../helpers/server-db';

const postgresSkip = await postgresSkipReason();

interface MigrationIndexes {
  /** The migration's tag (its file name without .sql). */
  migration: string;
  /** Each index it creates and the query it is for. */
  indexes: Readonly<Record<string, string>>;
  /** Indexes it creates that a later migration dropped or replaced (and which). */
  droppedLater?: Readonly<Record<string, string>>;
}

// ——— The workstation cache (SQLite) ———

const CACHE_MIGRATIONS: readonly MigrationIndexes[] = [
  {
    migration: '0000_init',
    indexes: {
      customer_addresses_customer_idx: `SELECT city FROM customer_addresses WHERE customer_id = ? ORDER BY is_primary DESC`,
      customer_emails_email_idx: `SELECT customer_id FROM customer_emails WHERE email >= ? AND email < ?`,
      customer_emails_customer_idx: `SELECT email FROM customer_emails WHERE customer_id = ?`,
      customer_phones_e164_idx: `SELECT customer_id FROM customer_phones WHERE e164 = ?`,
      customer_phones_customer_idx: `SELECT e164, raw FROM customer_phones WHERE customer_id = ?`,
      customers_id_uq: `SELECT first_name, last_name FROM customers WHERE id = ?`,
      order_lines_order_idx: `SELECT sku, quantity FROM order_lines WHERE order_id = ? ORDER BY line_no`,
      order_lines_product_placed_idx: `SELECT customer_id FROM order_lines WHERE product_id = ? ORDER BY placed_at DESC LIMIT 5`,
      orders_number_uq: `SELECT id FROM orders WHERE number = ?`,
      orders_customer_placed_idx: `SELECT id, status FROM orders WHERE customer_id = ? ORDER BY placed_at DESC LIMIT 20`,
      products_sku_uq: `SELECT id FROM products WHERE sku = ?`,
      products_part_number_idx: `SELECT id FROM products WHERE part_number = ?`,
    },
    droppedLater: { order_lines_customer_idx: '0007_drop_order_lines_customer_idx' },
  },
  {
    migration: '0002_calls_complaints_offers',
    indexes: {
      calls_customer_started_idx: `SELECT id FROM calls WHERE customer_id = ? AND started_at < ? ORDER BY started_at DESC LIMIT 51`,
      calls_agent_started_idx: `SELECT customer_id, started_at FROM calls WHERE agent_id = ? ORDER BY started_at DESC LIMIT 50`,
      co_purchases_product_lift_idx: `SELECT related_product_id, confidence FROM co_purchases WHERE product_id = ? ORDER BY lift DESC LIMIT 5`,
      complaint_events_complaint_at_idx: `SELECT kind, detail FROM complaint_events WHERE complaint_id = ? ORDER BY at, rowid`,
      complaints_customer_opened_idx: `SELECT id, status FROM complaints WHERE customer_id = ? ORDER BY opened_at DESC`,
      // The worklist's follow-ups (src-main/core/worklist/worklist-query.ts).
      complaints_status_follow_up_idx: `SELECT id FROM complaints WHERE status IN (SELECT value FROM json_each(?)) AND follow_up_on IS NOT NULL AND follow_up_on <= ? AND agent_id = ?`,
      contact_edits_customer_at_idx: `SELECT field, old_value, new_value FROM contact_edits WHERE customer_id = ? ORDER BY at DESC, rowid DESC LIMIT 20`,
      notes_customer_created_idx: `SELECT body FROM notes WHERE customer_id = ? ORDER BY created_at DESC`,
      offers_customer_idx: `SELECT product_id, outcome, decided_at FROM offers WHERE customer_id = ? AND outcome <> 'presented' AND decided_at >= ?`,
      offers_call_idx: `SELECT outcome FROM offers WHERE call_id = ?`,
    },
  },
  {
    migration: '0003_co_purchase_counts',
    indexes: { offers_call_product_uq: `SELECT id FROM offers WHERE call_id = ? AND product_id = ?` },
  },
  {
    migration: '0005_workstation_users',
    indexes: { local_users_username_unique: `SELECT id, verifier FROM local_users WHERE username = ?` },
  },
  {
    migration: '0010_phone_orders',
    // A code the caller reads out, checked as they say it (src-shared/domain/campaign.ts).
    indexes: { campaigns_code_uq: `SELECT id, rule, value FROM campaigns WHERE code = ?` },
  },
];

/** The names of the indexes a migration file creates. */
function createdIndexes(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?[`"](\w+)[`"]/g)].map((m) => m[1] as string);
}

function migrationTags(folder: string): string[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.map((e) => e.tag);
}

function expectListedPerMigration(folder: string, listed: readonly MigrationIndexes[]): void {
  const withIndexes = migrationTags(folder).filter((tag) => createdIndexes(join(folder, `${tag}.sql`)).length > 0);
  expect(listed.map((m) => m.migration), 'migrations that create indexes').toEqual(withIndexes);
  for (const m of listed) {
    expect(createdIndexes(join(folder, `${m.migration}.sql`)).sort(), m.migration).toEqual([...Object.keys(m.indexes), ...Object.keys(m.droppedLater ?? {})].sort());
  }
}

describe('the cache migrations’ indexes', () => {
  let cache: TempCache;
  beforeAll(() => {
    cache = tempCache('switchboard-migration-indexes-');
  });
  afterAll(() => cache.cleanup());

  const plan = (query: string) => {
    const params = Array.from(query.matchAll(/\?/g), () => 'x');
    return (cache.db.$client.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
  };

  it('lists each migration that creates an index, with exactly the indexes it creates', () => {
    expectListedPerMigration(defaultMigrationsFolder(), CACHE_MIGRATIONS);
  });

  it('lists every index the migrated cache holds', () => {
    const present = cache.db.$client.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).pluck().all() as string[];
    expect(present).toEqual(CACHE_MIGRATIONS.flatMap((m) => Object.keys(m.indexes)).sort());
  });

  for (const m of CACHE_MIGRATIONS) {
    it(`${m.migration}: each query its indexes are for uses them`, () => {
      for (const [index, query] of Object.entries(m.indexes)) {
        expect(plan(query), `${index}: ${query}`).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
      }
    });
  }
});

// ——— The central store (PostgreSQL) ———

const STORE_MIGRATIONS: readonly MigrationIndexes[] = [
  {
    migration: '0000_central_store',
    indexes: {
      change_log_row_idx: `select version from change_log where table_name = 'customers' and row_id = 'x' order by version desc`,
      clients_user_idx: `select client_id from clients where user_id = '00000000-0000-4000-8000-000000000001'`,
      customer_addresses_customer_idx: `select city from customer_addresses where customer_id = '00000000-0000-4000-8000-000000000001'`,
      customer_emails_email_idx: `select customer_id from customer_emails where email = 'a@example.com'`,
      customer_emails_customer_idx: `select email from customer_emails where customer_id = '00000000-0000-4000-8000-000000000001'`,
      customer_phones_e164_idx: `select customer_id from customer_phones where e164 = '+442079460958'`,
      customer_phones_customer_idx: `select e164 from customer_phones where customer_id = '00000000-0000-4000-8000-000000000001'`,
      order_lines_order_idx: `select sku from order_lines where order_id = '00000000-0000-4000-8000-000000000001' order by line_no`,
      order_lines_product_placed_idx: `select customer_id from order_lines where product_id = '00000000-0000-4000-8000-000000000001' order by placed_at desc limit 5`,
      order_lines_customer_idx: `select product_id from order_lines where customer_id = '00000000-0000-4000-8000-000000000001' and product_id = '00000000-0000-4000-8000-000000000002'`,
      orders_number_uq: `select id from orders where number = 'SB00012345'`,
      orders_customer_placed_idx: `select id from orders where customer_id = '00000000-0000-4000-8000-000000000001' order by placed_at desc limit 20`,
      products_sku_uq: `select id from products where sku = 'SKU'`,
      products_part_number_idx: `select id from products where part_number = 'PN'`,
      sessions_token_hash_uq: `select user_id from sessions where token_hash = 'abc'`,
      sessions_user_idx: `select id from sessions where user_id = '00000000-0000-4000-8000-000000000001'`,
      users_username_uq: `select id from users where username = 'ana'`,
    },
  },
  {
    migration: '0001_sync_tables',
    indexes: {
      calls_customer_started_idx: `select id from calls where customer_id = '00000000-0000-4000-8000-000000000001' order by started_at desc limit 50`,
      calls_agent_started_idx: `select id from calls where agent_id = 'ana' order by started_at desc limit 50`,
      complaint_events_complaint_at_idx: `select kind from complaint_events where complaint_id = '00000000-0000-4000-8000-000000000001' order by at`,
      complaints_customer_opened_idx: `select id from complaints where customer_id = '00000000-0000-4000-8000-000000000001' order by opened_at desc`,
      complaints_status_follow_up_idx: `select id from complaints where status = 'open' and follow_up_on <= '2026-01-01'`,
      contact_edits_customer_at_idx: `select field from contact_edits where customer_id = '00000000-0000-4000-8000-000000000001' order by at desc limit 20`,
      mutation_log_client_mutation_uq: `select outcome from mutation_log where client_id = '00000000-0000-4000-8000-000000000001' and mutation_id = 7`,
      notes_customer_created_idx: `select body from notes where customer_id = '00000000-0000-4000-8000-000000000001' order by created_at desc`,
      offers_customer_idx: `select outcome from offers where customer_id = '00000000-0000-4000-8000-000000000001' order by presented_at desc`,
      offers_call_idx: `select outcome from offers where call_id = '00000000-0000-4000-8000-000000000001'`,
    },
  },
  {
    migration: '0003_workstations_audit',
    indexes: {
      audit_log_event_uq: `select seq from audit_log where event_id = '00000000-0000-4000-8000-000000000001'`,
      audit_log_action_idx: `select * from audit_log where action = 'lockout' order by seq desc limit 101`,
      audit_log_username_idx: `select * from audit_log where username = 'ana' order by seq desc limit 101`,
      audit_log_workstation_idx: `select * from audit_log where workstation_id = '00000000-0000-4000-8000-000000000001' order by seq desc limit 101`,
      audit_log_at_idx: `select * from audit_log where at >= 1 and at < 2`,
      user_teams_team_idx: `select user_id from user_teams where team_id = '00000000-0000-4000-8000-000000000001'`,
      workstations_token_hash_uq: `select id from workstations where token_hash = 'abc'`,
    },
    droppedLater: { teams_name_uq: '0005_teams_name_any_case (now on lower(name))' },
  },
  {
    migration: '0005_teams_name_any_case',
    indexes: { teams_name_uq: `select id from teams where lower(name) = lower('Phones')` },
  },
  {
    migration: '0010_workstation_tokens_expire',
    indexes: { workstations_previous_token_hash_idx: `select id from workstations where previous_token_hash = 'abc'` },
  },
  {
    migration: '0011_phone_orders',
    // The store checks a pushed order's campaign code (server/src/sync/mutations).
    indexes: { campaigns_code_uq: `select id, rule, value from campaigns where code = 'SPRING10'` },
  },
  {
    migration: '0014_board_awaiting_approval',
    // The live board's count of orders awaiting approval, read every second (server/src/board/routes.ts), and GET /orders/approvals.
    indexes: { orders_awaiting_approval_idx: `select count(*), min(placed_at) from orders where status = 'awaiting_approval'` },
  },
  {
    migration: '0015_calls_satisfaction',
    // The supervisors' list of low satisfaction scores (server/src/calls/routes.ts, issue 22).
    indexes: {
      calls_low_satisfaction_idx: `select id from calls where status = 'completed' and satisfaction <= 2 and completed_at >= 1 order by completed_at desc, id desc limit 100`,
    },
  },
  {
    migration: '0016_report_indexes',
    // Supervisor metrics (issue 22, server/src/reports): one CSR's (or a team's, CSR by CSR) rows in a period; the lines of an offer; a customer's repeat call on the same issue (first-contact resolution).
    // On these empty tables a narrow period alone ties with 0025's time indexes (the planner may take either): the queries ask a CSR's rows (a customer's calls on an issue) from an instant on.
    indexes: {
      complaints_agent_opened_idx: `select opened_at from complaints where agent_id = 'ana' and opened_at >= 1 order by opened_at limit 50`,
      complaints_agent_resolved_idx: `select resolved_at from complaints where agent_id = 'ana' and resolved_at >= 1 order by resolved_at limit 50`,
      offers_agent_presented_idx: `select presented_at from offers where agent_id = 'ana' and presented_at >= 1 and presented_at < 2 order by presented_at`,
      order_lines_offer_idx: `select 1 from order_lines where offer_id = '00000000-0000-4000-8000-000000000001'`,
      orders_agent_placed_idx: `select agent_id, placed_at from orders where agent_id = 'ana' and placed_at >= 1 order by placed_at limit 50`,
      calls_repeat_idx: `select 1 from calls where status = 'completed' and customer_id = '00000000-0000-4000-8000-000000000001' and disposition_code = 'resolved' and id <> '00000000-0000-4000-8000-000000000002' and started_at > 1`,
    },
  },
  {
    migration: '0017_segments',
    // Audience segments (issue 22, server/src/segments/segment-sql.ts).
    indexes: {
      customer_order_stats_value_idx: `select customer_id from customer_order_stats where value_cents >= 100000`,
      segments_name_uq: `select id from segments where lower(name) = lower('Gold buyers')`,
      order_lines_sku_placed_idx: `select customer_id from order_lines where sku = 'INK-1' and placed_at >= 1 and placed_at < 2`,
      order_lines_customer_placed_cover_idx: `select product_id, order_id from order_lines where customer_id = '00000000-0000-4000-8000-000000000001' and placed_at >= 1 and placed_at < 2`,
      orders_campaign_customer_idx: `select customer_id from orders where campaign_code = 'SPRING10' and campaign_code is not null`,
    },
  },
  {
    migration: '0018_customer_sources',
    // The import (issue 23, server/src/import): a source system's record found by its id, so a second import of the same file changes nothing.
    indexes: { customer_sources_source_uq: `select customer_id, source_hash from customer_sources where source = 'shop' and source_id = 'A-1001'` },
  },
  {
    migration: '0021_customer_email',
    // Customer email (issue 23, server/src/email): one mail per (kind, record) (also the insert's conflict arbiter); the sender's due mails; the admin's newest first; a customer's mails (erasure).
    indexes: {
      mail_outbox_record_uq: `select state from mail_outbox where kind = 'order_confirmation' and record_id = '00000000-0000-4000-8000-000000000002'`,
      mail_outbox_due_idx: `select id from mail_outbox where state = 'pending' and next_attempt_at <= 1`,
      mail_outbox_created_idx: `select id from mail_outbox order by created_at desc limit 100`,
      mail_outbox_customer_idx: `select id from mail_outbox where customer_id = '00000000-0000-4000-8000-000000000001'`,
    },
  },
  {
    migration: '0022_ingest_webhooks',
    // Order ingest and webhooks (issue 23, server/src/ingest, server/src/webhooks).
    indexes: {
      // A delivery sent again under the same idempotency key finds its row.
      ingest_deliveries_key_uq: `select seq from ingest_deliveries where integration_id = '00000000-0000-0000-0000-000000000001' and idempotency_key = 'd-1'`,
      // The ingest worker's claim: pending deliveries in arrival order.
      ingest_deliveries_pending_idx: `select seq from ingest_deliveries where state = 'pending' and next_attempt_at <= 1 order by seq limit 200`,
      integrations_name_uq: `select id from integrations where lower(name) = 'web shop'`,
      // An ingested order found again by the source's id (re-delivery, status changes, reconciliation).
      order_sources_source_uq: `select order_id from order_sources where integration_id = '00000000-0000-0000-0000-000000000001' and source_order_id = '1001'`,
      // Reconciliation: an integration's orders in a period.
      order_sources_placed_idx: `select source_order_id from order_sources where integration_id = '00000000-0000-0000-0000-000000000001' and placed_at >= 1 and placed_at < 2`,
      webhook_deliveries_event_endpoint_uq: `select id from webhook_deliveries where event_id = '00000000-0000-0000-0000-000000000001' and endpoint_id = '00000000-0000-0000-0000-000000000002'`,
      // The delivery worker's claim: pending deliveries that are due.
      webhook_deliveries_due_idx: `select id from webhook_deliveries where state = 'pending' and next_attempt_at <= 1 order by next_attempt_at limit 20`,
      // The admins' delivery log, newest first.
      webhook_deliveries_created_idx: `select id from webhook_deliveries order by created_at desc limit 100`,
      webhook_events_key_uq: `select id from webhook_events where key = 'complaint.logged:x'`,
    },
  },
  {
    migration: '0023_privacy',
    // Erasure requests (issue 23, server/src/privacy/routes.ts): one pending request per customer; the admins' list, pending first.
    indexes: {
      erasure_requests_pending_uq: `select id from erasure_requests where customer_id = '00000000-0000-4000-8000-000000000001' and status = 'pending'`,
      erasure_requests_status_idx: `select id from erasure_requests where status = 'confirmed' and requested_at >= 1`,
    },
  },
  {
    migration: '0025_report_rollup',
    // The dashboard's rollup (issue 22, server/src/reports/rollup.ts): its rows of some metrics in a period; the dirty marks of a day; one day of every CSR's rows, rebuilt or asked of the rows while dirty.
    indexes: {
      report_rollup_metric_day_idx: `select csr, c0 from report_rollup where metric in ('callsHandled', 'csat') and day >= '2026-01-01' and day <= '2026-01-31'`,
      report_dirty_day_idx: `select 1 from report_dirty where day = '2026-01-01'`,
      calls_started_idx: `select agent_id from calls where started_at >= 1 and started_at < 2`,
      complaints_opened_idx: `select agent_id from complaints where opened_at >= 1 and opened_at < 2`,
      complaints_resolved_idx: `select agent_id from complaints where resolved_at >= 1 and resolved_at < 2`,
      offers_presented_idx: `select agent_id from offers where presented_at >= 1 and presented_at < 2`,
      orders_placed_idx: `select agent_id from orders where placed_at >= 1 and placed_at < 2`,
    },
  },
  {
    migration: '0026_segment_bought',
    // Segments (issue 22, server/src/segments/segment-sql.ts): the customers who bought in a category in a period, from the rollup (the primary key serves the per-customer probe).
    indexes: {
      customer_category_days_category_day_idx: `select customer_id from customer_category_days where category in ('ink') and day >= 1 and day < 2`,
    },
  },
  {
    migration: '0027_satisfaction_follow_ups',
    // The follow-ups of low satisfaction scores (issue 22, server/src/calls/routes.ts): the open ones newest first; the recently closed ones.
    indexes: {
      satisfaction_follow_ups_open_idx: `select call_id from satisfaction_follow_ups where closed_at is null order by opened_at desc limit 100`,
      satisfaction_follow_ups_closed_idx: `select call_id from satisfaction_follow_ups where closed_at >= 1 order by closed_at desc limit 100`,
    },
  },
];

function storeSuite(backend: StoreBackend, skipReason: string | undefined) {
  describe(`the store migrations’ indexes on ${backend.name}`, () => {
    let location: StoreLocation | undefined;
    let store: Store;

    beforeAll(async () => {
      if (skipReason) return;
      location = await backend.freshLocation();
      store = await location.open();
    });

    afterAll(async () => {
      await store?.close();
      await location?.dispose();
    });

    /** The plan of `query` with sequential scans priced out, as one string. */
    const explain = async (query: string): Promise<string> => {
      const lines: string[] = [];
      await store.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const result = (await tx.execute(sql.raw(`explain ${query}`))) as unknown as { rows: { 'QUERY PLAN': string }[] };
        lines.push(...result.rows.map((r) => r['QUERY PLAN']));
      });
      return lines.join('\n');
    };

    it('lists each migration that creates an index, with exactly the indexes it creates', () => {
      expectListedPerMigration(MIGRATIONS_FOLDER, STORE_MIGRATIONS);
    });

    it.skipIf(skipReason !== undefined)('lists every index the migrated store holds besides primary keys', async () => {
      const present = await queryRows<{ indexname: string }>(
        store,
        sql`select i.indexname from pg_indexes i
            where i.schemaname = 'public'
              and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.contype = 'p')
            order by i.indexname`,
      );
      expect(present.map((r) => r.indexname)).toEqual(STORE_MIGRATIONS.flatMap((m) => Object.keys(m.indexes)).sort());
    });

    for (const m of STORE_MIGRATIONS) {
      it.skipIf(skipReason !== undefined)(`${m.migration}: each query its indexes are for uses them`, async () => {
        for (const [index, query] of Object.entries(m.indexes)) {
          expect(await explain(query), `${index}: ${query}`).toMatch(new RegExp(`(Index Scan|Index Only Scan|Index Scan Backward|Index Only Scan Backward) using ${index} |Bitmap Index Scan on ${index}\\b`));
        }
      });
    }
  });
}

storeSuite(pgliteBackend, undefined);
storeSuite(postgresBackend, postgresSkip);
