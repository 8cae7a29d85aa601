/**
 * The triggers that keep `customer_category_days` (issue 22; schema.ts): per customer, the product
 * categories bought on each UTC day on spending orders. The segments' "bought a category in a
 * period" filter reads it with one index probe per candidate customer instead of their order lines,
 * orders and products (segment-sql.ts).
 *
 * The rule is the one segment-sql.ts applied to the rows before: a line counts for `l.customer_id`
 * on the day of `l.placed_at` (UTC) in the category of its product, when its order's status is one
 * of SPENDING_ORDER_STATUSES. Rather than adjust counts, every write rebuilds the rows of the
 * customers it touched from their lines (a customer has a handful), so the rollup cannot drift:
 * - order_lines: inserted, updated or deleted lines → their customers (old and new);
 * - orders: a status change that moves an order in or out of spending → its lines' customers;
 *   a deleted order → its customer (its lines' own delete trigger covers theirs);
 * - products: a category change → the customers of its lines.
 * Statement-level with transition tables, so a bulk load refreshes per statement, not per row;
 * ENABLE ALWAYS so they also fire in bulk loads run with session_replication_role = replica.
 *
 * The migration (server/drizzle/0026_segment_bought.sql) holds exactly `boughtTriggersSql()`; the
 * unit test tests/unit/segment-bought-triggers.test.ts checks it, so the status list written into
 * the SQL is the shared one.
 */
import { SPENDING_ORDER_STATUSES } from '../../../src-shared/domain/order-value';

export const DAY_MS = 86_400_000;

const BREAK = '\n--> statement-breakpoint\n';
const quoted = (values: readonly string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');

/** The SQL list of spending statuses, as written into the trigger functions. */
export const SPENDING_SQL_LIST = quoted(SPENDING_ORDER_STATUSES);

/** The rows of `customer_category_days` for the lines matching `where` (on l, o, p). */
const rowsFrom = (where: string) =>
  `SELECT l.customer_id, p.category, floor(l.placed_at / ${DAY_MS}.0)::int, count(*)::int
  FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
  WHERE ${where} AND o.status IN (${SPENDING_SQL_LIST})
  GROUP BY 1, 2, 3`;

export function boughtTriggersSql(): string {
  const statements = [
    `CREATE OR REPLACE FUNCTION sb_refresh_customer_category_days(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(array_length(ids, 1), 0) = 0 THEN RETURN; END IF;
  DELETE FROM customer_category_days WHERE customer_id = ANY(ids);
  INSERT INTO customer_category_days (customer_id, category, day, lines)
  ${rowsFrom('l.customer_id = ANY(ids)')};
END $$;`,
    `CREATE OR REPLACE FUNCTION sb_order_lines_refresh_bought() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM sb_refresh_customer_category_days(ARRAY(SELECT DISTINCT customer_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM sb_refresh_customer_category_days(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
  ELSE
    PERFORM sb_refresh_customer_category_days(ARRAY(SELECT customer_id FROM new_rows UNION SELECT customer_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;`,
    `CREATE TRIGGER order_lines_bought_insert AFTER INSERT ON "order_lines" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_order_lines_refresh_bought();`,
    `CREATE TRIGGER order_lines_bought_update AFTER UPDATE ON "order_lines" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_order_lines_refresh_bought();`,
    `CREATE TRIGGER order_lines_bought_delete AFTER DELETE ON "order_lines" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_order_lines_refresh_bought();`,
    `CREATE OR REPLACE FUNCTION sb_orders_refresh_bought() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM sb_refresh_customer_category_days(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
  ELSE
    PERFORM sb_refresh_customer_category_days(ARRAY(
      SELECT DISTINCT l.customer_id FROM order_lines l
      WHERE l.order_id IN (
        SELECT n.id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
        WHERE o.id IS NULL OR (n.status IN (${SPENDING_SQL_LIST})) IS DISTINCT FROM (o.status IN (${SPENDING_SQL_LIST})))));
  END IF;
  RETURN NULL;
END $$;`,
    `CREATE TRIGGER orders_bought_update AFTER UPDATE ON "orders" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_orders_refresh_bought();`,
    `CREATE TRIGGER orders_bought_delete AFTER DELETE ON "orders" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_orders_refresh_bought();`,
    `CREATE OR REPLACE FUNCTION sb_products_refresh_bought() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sb_refresh_customer_category_days(ARRAY(
    SELECT DISTINCT l.customer_id FROM order_lines l
    WHERE l.product_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.category IS DISTINCT FROM o.category)));
  RETURN NULL;
END $$;`,
    `CREATE TRIGGER products_bought_update AFTER UPDATE ON "products" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_products_refresh_bought();`,
    ...['order_lines_bought_insert', 'order_lines_bought_update', 'order_lines_bought_delete'].map((t) => `ALTER TABLE "order_lines" ENABLE ALWAYS TRIGGER ${t};`),
    ...['orders_bought_update', 'orders_bought_delete'].map((t) => `ALTER TABLE "orders" ENABLE ALWAYS TRIGGER ${t};`),
    `ALTER TABLE "products" ENABLE ALWAYS TRIGGER products_bought_update;`,
    // The rows already there.
    `INSERT INTO customer_category_days (customer_id, category, day, lines)
${rowsFrom('true')};`,
  ];
  return statements.join(BREAK);
}
