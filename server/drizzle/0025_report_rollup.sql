-- The dashboard's rollup (issue 22, server/src/reports/rollup.ts): its tables and the time indexes its days are rebuilt with (schema.ts); then the triggers that mark the days a write may change, rendered by rollupTriggersSql (server/src/reports/rollup-triggers.ts; tests/unit/report-rollup-triggers.test.ts keeps them equal).
CREATE TABLE "report_dirty" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"day" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_rollup" (
	"metric" text NOT NULL,
	"day" text NOT NULL,
	"csr" text,
	"channel" text,
	"campaign" text,
	"currency" text,
	"c0" bigint NOT NULL,
	"c1" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_rollup_days" (
	"day" text PRIMARY KEY NOT NULL,
	"built_at" bigint NOT NULL,
	"version" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "report_dirty_day_idx" ON "report_dirty" USING btree ("day");--> statement-breakpoint
CREATE INDEX "report_rollup_metric_day_idx" ON "report_rollup" USING btree ("metric","day","csr","channel","campaign","currency","c0","c1");--> statement-breakpoint
CREATE INDEX "calls_started_idx" ON "calls" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "complaints_opened_idx" ON "complaints" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "complaints_resolved_idx" ON "complaints" USING btree ("resolved_at");--> statement-breakpoint
CREATE INDEX "offers_presented_idx" ON "offers" USING btree ("presented_at");--> statement-breakpoint
CREATE INDEX "orders_placed_idx" ON "orders" USING btree ("placed_at");--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_report_day(ms bigint) RETURNS text LANGUAGE sql STABLE AS $$ SELECT to_char(to_timestamp(ms / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_report_dirty_calls() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT x.started_at AS d FROM new_rows x
      UNION SELECT c.started_at FROM (SELECT customer_id, min(started_at) AS lo, max(started_at) AS hi FROM new_rows x GROUP BY customer_id) y JOIN calls c ON c.customer_id = y.customer_id AND c.started_at >= y.lo - 604800000 AND c.started_at <= y.hi
    ) t WHERE t.d IS NOT NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT x.started_at AS d FROM old_rows x
      UNION SELECT c.started_at FROM (SELECT customer_id, min(started_at) AS lo, max(started_at) AS hi FROM old_rows x GROUP BY customer_id) y JOIN calls c ON c.customer_id = y.customer_id AND c.started_at >= y.lo - 604800000 AND c.started_at <= y.hi
    ) t WHERE t.d IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER calls_report_insert AFTER INSERT ON "calls" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_calls();
--> statement-breakpoint
CREATE TRIGGER calls_report_update AFTER UPDATE ON "calls" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_calls();
--> statement-breakpoint
CREATE TRIGGER calls_report_delete AFTER DELETE ON "calls" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_calls();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_report_dirty_complaints() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT x.opened_at AS d FROM new_rows x
      UNION SELECT x.resolved_at FROM new_rows x
      UNION SELECT o.placed_at FROM (SELECT DISTINCT customer_id FROM new_rows x) y JOIN orders o ON o.customer_id = y.customer_id
    ) t WHERE t.d IS NOT NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT x.opened_at AS d FROM old_rows x
      UNION SELECT x.resolved_at FROM old_rows x
      UNION SELECT o.placed_at FROM (SELECT DISTINCT customer_id FROM old_rows x) y JOIN orders o ON o.customer_id = y.customer_id
    ) t WHERE t.d IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER complaints_report_insert AFTER INSERT ON "complaints" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_complaints();
--> statement-breakpoint
CREATE TRIGGER complaints_report_update AFTER UPDATE ON "complaints" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_complaints();
--> statement-breakpoint
CREATE TRIGGER complaints_report_delete AFTER DELETE ON "complaints" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_complaints();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_report_dirty_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT x.placed_at AS d FROM new_rows x
      UNION SELECT o.placed_at FROM (SELECT DISTINCT customer_id FROM new_rows x) y JOIN orders o ON o.customer_id = y.customer_id
      UNION SELECT c.resolved_at FROM (SELECT DISTINCT customer_id FROM new_rows x) y JOIN complaints c ON c.customer_id = y.customer_id
      UNION SELECT f.presented_at FROM new_rows x JOIN order_lines l ON l.order_id = x.id JOIN offers f ON f.id = l.offer_id
    ) t WHERE t.d IS NOT NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT x.placed_at AS d FROM old_rows x
      UNION SELECT o.placed_at FROM (SELECT DISTINCT customer_id FROM old_rows x) y JOIN orders o ON o.customer_id = y.customer_id
      UNION SELECT c.resolved_at FROM (SELECT DISTINCT customer_id FROM old_rows x) y JOIN complaints c ON c.customer_id = y.customer_id
      UNION SELECT f.presented_at FROM old_rows x JOIN order_lines l ON l.order_id = x.id JOIN offers f ON f.id = l.offer_id
    ) t WHERE t.d IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orders_report_insert AFTER INSERT ON "orders" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_orders();
--> statement-breakpoint
CREATE TRIGGER orders_report_update AFTER UPDATE ON "orders" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_orders();
--> statement-breakpoint
CREATE TRIGGER orders_report_delete AFTER DELETE ON "orders" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_orders();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_report_dirty_order_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT o.placed_at AS d FROM new_rows x JOIN orders o ON o.id = x.order_id
      UNION SELECT f.presented_at FROM new_rows x JOIN offers f ON f.id = x.offer_id
    ) t WHERE t.d IS NOT NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT o.placed_at AS d FROM old_rows x JOIN orders o ON o.id = x.order_id
      UNION SELECT f.presented_at FROM old_rows x JOIN offers f ON f.id = x.offer_id
    ) t WHERE t.d IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER order_lines_report_insert AFTER INSERT ON "order_lines" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_order_lines();
--> statement-breakpoint
CREATE TRIGGER order_lines_report_update AFTER UPDATE ON "order_lines" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_order_lines();
--> statement-breakpoint
CREATE TRIGGER order_lines_report_delete AFTER DELETE ON "order_lines" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_order_lines();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_report_dirty_offers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT x.presented_at AS d FROM new_rows x
      UNION SELECT o.placed_at FROM new_rows x JOIN order_lines l ON l.offer_id = x.id JOIN orders o ON o.id = l.order_id
    ) t WHERE t.d IS NOT NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT x.presented_at AS d FROM old_rows x
      UNION SELECT o.placed_at FROM old_rows x JOIN order_lines l ON l.offer_id = x.id JOIN orders o ON o.id = l.order_id
    ) t WHERE t.d IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER offers_report_insert AFTER INSERT ON "offers" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_offers();
--> statement-breakpoint
CREATE TRIGGER offers_report_update AFTER UPDATE ON "offers" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_offers();
--> statement-breakpoint
CREATE TRIGGER offers_report_delete AFTER DELETE ON "offers" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_offers();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_report_dirty_campaigns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT o.placed_at AS d FROM new_rows x JOIN orders o ON o.campaign_code = x.code
    ) t WHERE t.d IS NOT NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO report_dirty (day) SELECT DISTINCT sb_report_day(t.d) FROM (
      SELECT o.placed_at AS d FROM old_rows x JOIN orders o ON o.campaign_code = x.code
    ) t WHERE t.d IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER campaigns_report_insert AFTER INSERT ON "campaigns" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_campaigns();
--> statement-breakpoint
CREATE TRIGGER campaigns_report_update AFTER UPDATE ON "campaigns" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_campaigns();
--> statement-breakpoint
CREATE TRIGGER campaigns_report_delete AFTER DELETE ON "campaigns" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_report_dirty_campaigns();
