-- Custom migration (drizzle-kit generate --custom): the change log of the synced tables issue 21
-- adds (src-shared/sync/tables.ts): product prices (keyed by product and currency), campaigns and
-- discount limits, written exactly as 0002_change_log_triggers.sql writes the others.
CREATE OR REPLACE FUNCTION sb_row_key(tbl text, r record) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF tbl = 'product_relations' THEN
    RETURN r.product_id::text || '|' || r.related_product_id::text || '|' || r.kind;
  END IF;
  IF tbl = 'product_prices' THEN
    RETURN r.product_id::text || '|' || r.currency;
  END IF;
  RETURN r.id::text;
END $$;
--> statement-breakpoint
CREATE TRIGGER product_prices_log_insert_delete AFTER INSERT OR DELETE ON "product_prices" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER product_prices_log_update AFTER UPDATE ON "product_prices" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER campaigns_log_insert_delete AFTER INSERT OR DELETE ON "campaigns" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER campaigns_log_update AFTER UPDATE ON "campaigns" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER discount_limits_log_insert_delete AFTER INSERT OR DELETE ON "discount_limits" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER discount_limits_log_update AFTER UPDATE ON "discount_limits" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
