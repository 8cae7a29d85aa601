/**
 * Read-side SQL for caller lookup and the customer card. Every statement is prepared once per
 * connection: lookups are on the CSR's critical path (the card must be on screen before the second
 * ring), so the per-call cost is binding parameters and walking one index.
 *
 * Two groups of indexes may be missing while a first copy runs (see deferred-indexes):
 * - the directory's (phones by number and by customer, emails by address and by customer,
 *   addresses by customer, the name search): while `directoryArriving` is true the service asks
 *   none of the statements that read them. They are prepared on first use, so a lookup asked only
 *   while the directory arrives never even plans one;
 * - order history's: a SKU's recent buyers (order_lines_product_placed_idx) and a row's last order
 *   date (orders_customer_placed_idx). While `orderHistoryArriving` is true the service skips the
 *   first and asks for rows without the second; without the index either would scan every order.
 */
import { and, desc, eq, gte, lt, or, sql } from 'drizzle-orm';
import type { ReadableDb } from '../db/open';
import { arriving } from '../db/deferred-indexes';
import { onFirstUse } from '../db/statements';
import { customerEmails, customerPhones, customers, orderLines, orders, products } from '../db/schema';

export interface CustomerSummaryRow {
  id: string;
  firstName: string;
  lastName: string;
  loyaltyTier: 'none' | 'bronze' | 'silver' | 'gold' | 'platinum';
  phone: string | null;
  email: string | null;
  city: string | null;
  lastOrderAt: number | null;
}

export function createCustomerReadRepository(db: ReadableDb) {
  const byOrderNumber = db
    .select({ customerId: orders.customerId, number: orders.number })
    .from(orders)
    .where(eq(orders.number, sql.placeholder('number')))
    .prepare();

  const productByCode = db
    .select({ id: products.id, sku: products.sku, name: products.name, partNumber: products.partNumber })
    .from(products)
    .where(or(eq(products.sku, sql.placeholder('code')), eq(products.partNumber, sql.placeholder('code'))))
    .limit(5)
    .prepare();

  // Newest purchases first, straight off order_lines_product_placed_idx.
  const recentBuyers = db
    .select({ customerId: orderLines.customerId, placedAt: orderLines.placedAt })
    .from(orderLines)
    .where(eq(orderLines.productId, sql.placeholder('productId')))
    .orderBy(desc(orderLines.placedAt))
    .limit(sql.placeholder('limit'))
    .prepare();

  // The directory's statements: each needs an index a first copy may still be missing.
  const byEmailRange = onFirstUse(() =>
    db
      .select({ customerId: customerEmails.customerId, email: customerEmails.email })
      .from(customerEmails)
      .where(and(gte(customerEmails.email, sql.placeholder('from')), lt(customerEmails.email, sql.placeholder('to'))))
      .orderBy(customerEmails.email)
      .limit(sql.placeholder('limit'))
      .prepare(),
  );

  // FTS5 returns matches in rowid order and stops at LIMIT: a one-letter prefix over a million
  // names reads only the first page of its doclist instead of ranking every match.
  const byName = onFirstUse(() =>
    db.$client.prepare(
      `SELECT c.id AS customerId, c.first_name AS firstName, c.last_name AS lastName
         FROM customer_name_fts f JOIN customers c ON c.row_id = f.rowid
        WHERE customer_name_fts MATCH ? LIMIT ?`,
    ),
  );

  // The columns a result row shows. Subqueries name their tables explicitly: inside them an
  // unqualified "id" would be the inner row's.
  const summaryColumns = {
    id: customers.id,
    firstName: customers.firstName,
    lastName: customers.lastName,
    loyaltyTier: customers.loyaltyTier,
    // A number kept unverified is shown as typed (its e164 column holds only its digits).
    phone: sql<string | null>`(SELECT CASE WHEN p.verified THEN p.e164 ELSE p.raw END FROM customer_phones p WHERE p.customer_id = customers.id ORDER BY p.is_primary DESC LIMIT 1)`,
    email: sql<string | null>`(SELECT e.email FROM customer_emails e WHERE e.customer_id = customers.id ORDER BY e.is_primary DESC LIMIT 1)`,
    city: sql<string | null>`(SELECT a.city FROM customer_addresses a WHERE a.customer_id = customers.id ORDER BY a.is_primary DESC LIMIT 1)`,
    lastOrderAt: sql<number | null>`(SELECT max(o.placed_at) FROM orders o WHERE o.customer_id = customers.id)`,
  };

  // The same row without the last order date, while order history is arriving.
  const summaryColumnsWithoutOrders = { ...summaryColumns, lastOrderAt: sql<number | null>`NULL` };
  const summaryStatement = (columns: typeof summaryColumns) =>
    onFirstUse(() => db.select(columns).from(customers).where(eq(customers.id, sql.placeholder('id'))).prepare());
  // A screen-pop is one statement: the phone index straight into the row the list shows.
  const byPhoneStatement = (columns: typeof summaryColumns) =>
    onFirstUse(() =>
      db
        .select(columns)
        .from(customerPhones)
        .innerJoin(customers, eq(customers.id, customerPhones.customerId))
        .where(eq(customerPhones.e164, sql.placeholder('e164')))
        .limit(sql.placeholder('limit'))
        .prepare(),
    );
  const summary = { withOrders: summaryStatement(summaryColumns), withoutOrders: summaryStatement(summaryColumnsWithoutOrders) };
  const summariesByPhone = { withOrders: byPhoneStatement(summaryColumns), withoutOrders: byPhoneStatement(summaryColumnsWithoutOrders) };

  return {
    /**
     * What a first copy has not built yet (db/deferred-indexes.ts), in one cache_meta read: while
     * `directory` is true none of the methods below that read contacts or names may be called;
     * while `orderHistory` is true, none that read orders.
     */
    arriving: () => arriving(db.$client),
    /** `lastOrder` false: lastOrderAt is null, the orders are not read. Not while the directory is arriving. */
    summariesByPhone(e164: string, limit: number, lastOrder: boolean): CustomerSummaryRow[] {
      return (lastOrder ? summariesByPhone.withOrders : summariesByPhone.withoutOrders)().all({ e164, limit });
    },
    /** Emails in [prefix, prefix + U+FFFF): exact match when `prefix` is a whole address. Not while the directory is arriving. */
    emailsWithPrefix(prefix: string, limit: number): { customerId: string; email: string }[] {
      return byEmailRange().all({ from: prefix, to: `${prefix}\uffff`, limit });
    },
    orderByNumber(number: string): { customerId: string; number: string } | undefined {
      return byOrderNumber.get({ number });
    },
    productsByCode(code: string): { id: string; sku: string; name: string; partNumber: string | null }[] {
      return productByCode.all({ code });
    },
    recentBuyers(productId: string, limit: number): { customerId: string; placedAt: number }[] {
      return recentBuyers.all({ productId, limit });
    },
    /** Not while the directory is arriving: the name search is empty or stale until it is rebuilt. */
    namesMatching(ftsQuery: string, limit: number): { customerId: string; firstName: string; lastName: string }[] {
      return byName().all(ftsQuery, limit) as { customerId: string; firstName: string; lastName: string }[];
    },
    /** `lastOrder` false: lastOrderAt is null, the orders are not read. Not while the directory is arriving. */
    summary(id: string, lastOrder: boolean): CustomerSummaryRow | undefined {
      return (lastOrder ? summary.withOrders : summary.withoutOrders)().get({ id });
    },
  };
}

export type CustomerReadRepository = ReturnType<typeof createCustomerReadRepository>;
