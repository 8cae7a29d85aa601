CREATE TABLE "customer_category_days" (
	"customer_id" uuid NOT NULL,
	"category" text NOT NULL,
	"day" integer NOT NULL,
	"lines" integer NOT NULL,
	CONSTRAINT "customer_category_days_customer_id_category_day_pk" PRIMARY KEY("customer_id","category","day")
);
--> statement-breakpoint
CREATE INDEX "customer_category_days_category_day_idx" ON "customer_category_days" USING btree ("category","day","customer_id");
--> statement-breakpoint
-- Custom part (issue 22): customer_category_days kept by triggers, rendered by server/src/segments/bought-triggers.ts
-- (boughtTriggersSql(); tests/unit/segment-bought-triggers.test.ts holds this file to it).
CREATE OR REPLACE FUNCTION sb_refresh_customer_category_days(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(array_length(ids, 1), 0) = 0 THEN RETURN; END IF;
  DELETE FROM customer_category_days WHERE customer_id = ANY(ids);
  INSERT INTO customer_category_days (customer_id, category, day, lines)
  SELECT l.customer_id, p.category, floor(l.placed_at / 86400000.0)::int, count(*)::int
  FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
  WHERE l.customer_id = ANY(ids) AND o.status IN ('placed', 'paid', 'shipped', 'delivered')
  GROUP BY 1, 2, 3;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_order_lines_refresh_bought() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM sb_refresh_customer_category_days(ARRAY(SELECT DISTINCT customer_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM sb_refresh_customer_category_days(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
  ELSE
    PERFORM sb_refresh_customer_category_days(ARRAY(SELECT customer_id FROM new_rows UNION SELECT customer_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER order_lines_bought_insert AFTER INSERT ON "order_lines" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_order_lines_refresh_bought();
--> statement-breakpoint
CREATE TRIGGER order_lines_bought_update AFTER UPDATE ON "order_lines" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_order_lines_refresh_bought();
--> statement-breakpoint
CREATE TRIGGER order_lines_bought_delete AFTER DELETE ON "order_lines" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_order_lines_refresh_bought();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_orders_refresh_bought() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM sb_refresh_customer_category_days(ARRAY(SELECT DISTINCT customer_id FROM old_rows));
  ELSE
    PERFORM sb_refresh_customer_category_days(ARRAY(
      SELECT DISTINCT l.customer_id FROM order_lines l
      WHERE l.order_id IN (
        SELECT n.id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
        WHERE o.id IS NULL OR (n.status IN ('placed', 'paid', 'shipped', 'delivered')) IS DISTINCT FROM (o.status IN ('placed', 'paid', 'shipped', 'delivered')))));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_bought_update AFTER UPDATE ON "orders" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_orders_refresh_bought();
--> statement-breakpoint
CREATE TRIGGER orders_bought_delete AFTER DELETE ON "orders" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_orders_refresh_bought();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_products_refresh_bought() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sb_refresh_customer_category_days(ARRAY(
    SELECT DISTINCT l.customer_id FROM order_lines l
    WHERE l.product_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.category IS DISTINCT FROM o.category)));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_bought_update AFTER UPDATE ON "products" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_products_refresh_bought();
--> statement-breakpoint
ALTER TABLE "order_lines" ENABLE ALWAYS TRIGGER order_lines_bought_insert;
--> statement-breakpoint
ALTER TABLE "order_lines" ENABLE ALWAYS TRIGGER order_lines_bought_update;
--> statement-breakpoint
ALTER TABLE "order_lines" ENABLE ALWAYS TRIGGER order_lines_bought_delete;
--> statement-breakpoint
ALTER TABLE "orders" ENABLE ALWAYS TRIGGER orders_bought_update;
--> statement-breakpoint
ALTER TABLE "orders" ENABLE ALWAYS TRIGGER orders_bought_delete;
--> statement-breakpoint
ALTER TABLE "products" ENABLE ALWAYS TRIGGER products_bought_update;
--> statement-breakpoint
INSERT INTO customer_category_days (customer_id, category, day, lines)
SELECT l.customer_id, p.category, floor(l.placed_at / 86400000.0)::int, count(*)::int
  FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
  WHERE true AND o.status IN ('placed', 'paid', 'shipped', 'delivered')
  GROUP BY 1, 2, 3;
