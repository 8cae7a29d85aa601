/**
 * A seeded caller whose purchases lead to upsell suggestions (a bought product with curated
 * complements or accessories, and marketing consent: without it there is no upsell), read from the test's own cache file before the page opens. Their
 * number belongs to them alone, so a screen-pop opens their 360 directly.
 */
import { openCache } from '../../src-main/core/db/open';

export interface CallerWithHistory {
  customerId: string;
  displayName: string;
  e164: string;
  /** Their latest order, its calendar year (UTC, as the tests run) and its first line. */
  order: { id: string; number: string; year: number; lineId: string; lineLabel: string };
}

export function findCallerWithHistory(dbFile: string): CallerWithHistory {
  const db = openCache(dbFile, { readonly: true });
  try {
    const row = db.$client
      .prepare(
        `SELECT c.id AS customerId, c.first_name || ' ' || c.last_name AS displayName, p.e164 AS e164
           FROM customers c
           JOIN customer_phones p ON p.customer_id = c.id AND p.is_primary = 1
          WHERE (SELECT COUNT(*) FROM customer_phones p2 WHERE p2.e164 = p.e164) = 1
            AND c.marketing_consent = 1
            AND EXISTS (SELECT 1 FROM order_lines ol JOIN product_relations r ON r.product_id = ol.product_id
                         WHERE ol.customer_id = c.id)
          ORDER BY c.row_id
          LIMIT 1`,
      )
      .get() as { customerId: string; displayName: string; e164: string } | undefined;
    if (!row) throw new Error('The seeded cache has no customer with a purchase that has related products.');
    const order = db.$client
      .prepare(
        `SELECT o.id AS id, o.number AS number, o.placed_at AS placedAt, l.id AS lineId, l.sku AS sku, l.name AS name
           FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.line_no = 1
          WHERE o.customer_id = ?
          ORDER BY o.placed_at DESC LIMIT 1`,
      )
      .get(row.customerId) as { id: string; number: string; placedAt: number; lineId: string; sku: string; name: string };
    return {
      ...row,
      order: {
        id: order.id,
        number: order.number,
        year: new Date(order.placedAt).getUTCFullYear(),
        lineId: order.lineId,
        lineLabel: `${order.sku} ${order.name}`,
      },
    };
  } finally {
    db.$client.close();
  }
}

/** The seeded customer with the most orders, one of their order numbers (to find them by), and how many timeline entries they have in all. */
export function findBusiestCustomer(dbFile: string): { customerId: string; displayName: string; orderNumber: string; timelineEntries: number } {
  const db = openCache(dbFile, { readonly: true });
  try {
    const row = db.$client
      .prepare(
        `SELECT c.id AS customerId, c.first_name || ' ' || c.last_name AS displayName,
                (SELECT o.number FROM orders o WHERE o.customer_id = c.id ORDER BY o.placed_at DESC LIMIT 1) AS orderNumber,
                (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id)
              + (SELECT COUNT(*) FROM calls x WHERE x.customer_id = c.id)
              + (SELECT COUNT(*) FROM complaints x WHERE x.customer_id = c.id)
              + (SELECT COUNT(*) FROM notes x WHERE x.customer_id = c.id) AS timelineEntries
           FROM customers c
          ORDER BY (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) DESC, c.row_id
          LIMIT 1`,
      )
      .get() as { customerId: string; displayName: string; orderNumber: string; timelineEntries: number } | undefined;
    if (!row) throw new Error('The seeded cache has no customers.');
    return row;
  } finally {
    db.$client.close();
  }
}
