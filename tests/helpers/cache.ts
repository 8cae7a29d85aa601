import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openCache, type CacheDb, type WritableDb } from '../../src-main/core/db/open';

export interface TempCache {
  dir: string;
  file: string;
  db: WritableDb;
  cleanup(): void;
}

/** A migrated cache on a real file in its own temp folder. */
export function tempCache(prefix = 'switchboard-test-'): TempCache {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'cache.db');
  const db = openCache(file);
  return {
    dir,
    file,
    db,
    cleanup() {
      if (db.$client.open) db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PlantedCustomer {
  firstName: string;
  lastName: string;
  phones?: string[];
  emails?: string[];
  city?: string;
  country?: string;
  tier?: 'none' | 'bronze' | 'silver' | 'gold' | 'platinum';
  /** Agreed to marketing (default false, as the column). */
  marketingConsent?: boolean;
}

/** Inserts one known customer (beside whatever the seed generator made) and returns its id. */
export function plantCustomer(db: CacheDb, c: PlantedCustomer): string {
  const id = randomUUID();
  const now = Date.UTC(2026, 0, 1);
  const sql = db.$client;
  sql
    .prepare(`INSERT INTO customers (id, first_name, last_name, loyalty_tier, marketing_consent, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(id, c.firstName, c.lastName, c.tier ?? 'none', c.marketingConsent ? 1 : 0, now, now);
  (c.phones ?? []).forEach((e164, i) =>
    sql
      .prepare(`INSERT INTO customer_phones (id, customer_id, e164, raw, kind, is_primary) VALUES (?, ?, ?, ?, 'mobile', ?)`)
      .run(randomUUID(), id, e164, e164, i === 0 ? 1 : 0),
  );
  (c.emails ?? []).forEach((email, i) =>
    sql
      .prepare(`INSERT INTO customer_emails (id, customer_id, email, is_primary) VALUES (?, ?, ?, ?)`)
      .run(randomUUID(), id, email.toLowerCase(), i === 0 ? 1 : 0),
  );
  if (c.city) {
    sql
      .prepare(`INSERT INTO customer_addresses (id, customer_id, line1, city, country, is_primary) VALUES (?, ?, '1 Main St', ?, ?, 1)`)
      .run(randomUUID(), id, c.city, c.country ?? 'US');
  }
  return id;
}

/** Everything in the cache that a write could change, for "nothing changed" assertions. */
export function snapshotCounts(db: CacheDb): Record<string, number> {
  const tables = ['customers', 'customer_phones', 'customer_emails', 'customer_addresses', 'orders', 'order_lines', 'products', 'outbox'];
  return Object.fromEntries(tables.map((t) => [t, db.$client.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]));
}

export function plantProduct(db: CacheDb, p: { sku: string; name: string; partNumber?: string; category?: string }): string {
  const id = randomUUID();
  db.$client
    .prepare(`INSERT INTO products (id, sku, name, brand, part_number, category, price_cents) VALUES (?, ?, ?, 'Acme', ?, ?, 4999)`)
    .run(id, p.sku, p.name, p.partNumber ?? null, p.category ?? 'misc');
  return id;
}

export function plantOrder(
  db: CacheDb,
  o: { customerId: string; number: string; placedAt: number; productIds: string[]; channel?: 'web' | 'phone' | 'store' },
): string {
  const id = randomUUID();
  const sql = db.$client;
  sql
    .prepare(
      `INSERT INTO orders (id, number, customer_id, channel, status, currency, subtotal_cents, total_cents, placed_at)
       VALUES (?, ?, ?, ?, 'delivered', 'USD', ?, ?, ?)`,
    )
    .run(id, o.number, o.customerId, o.channel ?? 'web', 4999 * o.productIds.length, 4999 * o.productIds.length, o.placedAt);
  o.productIds.forEach((productId, i) => {
    const p = sql.prepare(`SELECT sku, name FROM products WHERE id = ?`).get(productId) as { sku: string; name: string };
    sql
      .prepare(
        `INSERT INTO order_lines (id, order_id, line_no, product_id, customer_id, placed_at, sku, name, quantity, unit_price_cents, total_cents)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 4999, 4999)`,
      )
      .run(randomUUID(), id, i + 1, productId, o.customerId, o.placedAt, p.sku, p.name);
  });
  return id;
}
