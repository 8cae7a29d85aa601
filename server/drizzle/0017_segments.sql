CREATE TABLE "customer_order_stats" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"spending_orders" integer NOT NULL,
	"value_cents" bigint NOT NULL,
	"first_channel" text,
	"first_placed_at" bigint
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"definition" text NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" bigint DEFAULT (extract(epoch from clock_timestamp()) * 1000)::bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_order_stats" ADD CONSTRAINT "customer_order_stats_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_order_stats_value_idx" ON "customer_order_stats" USING btree ("value_cents");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_name_uq" ON "segments" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "order_lines_sku_placed_idx" ON "order_lines" USING btree ("sku","placed_at");--> statement-breakpoint
CREATE INDEX "order_lines_customer_placed_cover_idx" ON "order_lines" USING btree ("customer_id","placed_at","product_id","order_id");--> statement-breakpoint
CREATE INDEX "orders_campaign_customer_idx" ON "orders" USING btree ("campaign_code","customer_id") WHERE "orders"."campaign_code" is not null;
--> statement-breakpoint
-- Custom part (issue 22): customer_order_stats kept by triggers. The spending statuses are
-- SPENDING_ORDER_STATUSES of src-shared/domain/order-value.ts (the segment parity test generates
-- orders of every status and holds this to the TypeScript rule). Statement-level triggers with
-- transition tables refresh each customer a statement touched once, so a bulk load of a million
-- orders refreshes per batch, not per row; ENABLE ALWAYS makes them fire in bulk loads run with
-- session_replication_role = replica too (server/src/seed/bulk-load.ts).
CREATE OR REPLACE FUNCTION sb_refresh_customer_order_stats(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_order_stats AS s (customer_id, spending_orders, value_cents, first_channel, first_placed_at)
  SELECT c.id, count(*)::int,
         coalesce(sum(o.total_cents) FILTER (WHERE o.currency = c.currency), 0)::bigint,
         (array_agg(o.channel ORDER BY o.placed_at, o.id))[1],
         min(o.placed_at)
  FROM unnest(ids) AS t(id) JOIN customers c ON c.id = t.id JOIN orders o ON o.customer_id = c.id
  WHERE o.status IN ('placed', 'paid', 'shipped', 'delivered')
  GROUP BY c.id
  ON CONFLICT (customer_id) DO UPDATE SET
    spending_orders = excluded.spending_orders,
    value_cents = excluded.value_cents,
    first_channel = excluded.first_channel,
    first_placed_at = excluded.first_placed_at;
  DELETE FROM customer_order_stats s
  WHERE s.customer_id IN (SELECT unnest(ids))
    AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = s.customer_id AND o.status IN ('placed', 'paid', 'shipped', 'delivered'));
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_orders_refresh_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM sb_refresh_customer_order_stats(ARRAY(SELECT DISTINCT customer_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM sb_refresh_customer_order_stats(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
  ELSE
    PERFORM sb_refresh_customer_order_stats(ARRAY(SELECT customer_id FROM new_rows UNION SELECT customer_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_stats_insert AFTER INSERT ON "orders" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_orders_refresh_stats();
--> statement-breakpoint
CREATE TRIGGER orders_stats_update AFTER UPDATE ON "orders" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_orders_refresh_stats();
--> statement-breakpoint
CREATE TRIGGER orders_stats_delete AFTER DELETE ON "orders" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_orders_refresh_stats();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_customer_currency_refresh_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sb_refresh_customer_order_stats(ARRAY[NEW.id]);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customers_currency_stats AFTER UPDATE OF currency ON "customers" FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency) EXECUTE FUNCTION sb_customer_currency_refresh_stats();
--> statement-breakpoint
ALTER TABLE "orders" ENABLE ALWAYS TRIGGER orders_stats_insert;
--> statement-breakpoint
ALTER TABLE "orders" ENABLE ALWAYS TRIGGER orders_stats_update;
--> statement-breakpoint
ALTER TABLE "orders" ENABLE ALWAYS TRIGGER orders_stats_delete;
--> statement-breakpoint
ALTER TABLE "customers" ENABLE ALWAYS TRIGGER customers_currency_stats;
--> statement-breakpoint
INSERT INTO customer_order_stats (customer_id, spending_orders, value_cents, first_channel, first_placed_at)
SELECT c.id, count(*)::int,
       coalesce(sum(o.total_cents) FILTER (WHERE o.currency = c.currency), 0)::bigint,
       (array_agg(o.channel ORDER BY o.placed_at, o.id))[1],
       min(o.placed_at)
FROM customers c JOIN orders o ON o.customer_id = c.id
WHERE o.status IN ('placed', 'paid', 'shipped', 'delivered')
GROUP BY c.id;
