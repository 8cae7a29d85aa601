-- Custom migration (drizzle-kit generate --custom): the serialized change log that pull reads.
-- Every insert, update and delete of a synced row (src-shared/sync/tables.ts) appends
-- (table_name, row_key, op) to change_log in the same transaction, after taking the advisory lock
-- CHANGE_LOG_LOCK_KEY (server/src/db/schema.ts). The lock is held until commit, so versions commit
-- in the order they were assigned: a reader that sees version v has seen every version below it
-- that will ever commit. Cascaded deletes and writes by other tools are logged too, because it is
-- a trigger. pg_notify is collapsed to one notification per transaction (identical payloads).
CREATE OR REPLACE FUNCTION sb_row_key(tbl text, r record) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF tbl = 'product_relations' THEN
    RETURN r.product_id::text || '|' || r.related_product_id::text || '|' || r.kind;
  END IF;
  RETURN r.id::text;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  new_key text;
  old_key text;
BEGIN
  PERFORM pg_advisory_xact_lock(5179001);
  IF TG_OP = 'DELETE' THEN
    INSERT INTO change_log (table_name, row_id, op) VALUES (TG_TABLE_NAME, sb_row_key(TG_TABLE_NAME, OLD), 'delete');
  ELSE
    new_key := sb_row_key(TG_TABLE_NAME, NEW);
    IF TG_OP = 'UPDATE' THEN
      old_key := sb_row_key(TG_TABLE_NAME, OLD);
      IF old_key <> new_key THEN
        INSERT INTO change_log (table_name, row_id, op) VALUES (TG_TABLE_NAME, old_key, 'delete');
      END IF;
    END IF;
    INSERT INTO change_log (table_name, row_id, op) VALUES (TG_TABLE_NAME, new_key, 'upsert');
  END IF;
  PERFORM pg_notify('sb_changes', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER products_log_insert_delete AFTER INSERT OR DELETE ON "products" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER products_log_update AFTER UPDATE ON "products" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER product_relations_log_insert_delete AFTER INSERT OR DELETE ON "product_relations" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER product_relations_log_update AFTER UPDATE ON "product_relations" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER customers_log_insert_delete AFTER INSERT OR DELETE ON "customers" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER customers_log_update AFTER UPDATE ON "customers" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER customer_phones_log_insert_delete AFTER INSERT OR DELETE ON "customer_phones" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER customer_phones_log_update AFTER UPDATE ON "customer_phones" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER customer_emails_log_insert_delete AFTER INSERT OR DELETE ON "customer_emails" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER customer_emails_log_update AFTER UPDATE ON "customer_emails" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER customer_addresses_log_insert_delete AFTER INSERT OR DELETE ON "customer_addresses" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER customer_addresses_log_update AFTER UPDATE ON "customer_addresses" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER orders_log_insert_delete AFTER INSERT OR DELETE ON "orders" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER orders_log_update AFTER UPDATE ON "orders" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER order_lines_log_insert_delete AFTER INSERT OR DELETE ON "order_lines" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER order_lines_log_update AFTER UPDATE ON "order_lines" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER calls_log_insert_delete AFTER INSERT OR DELETE ON "calls" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER calls_log_update AFTER UPDATE ON "calls" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER complaints_log_insert_delete AFTER INSERT OR DELETE ON "complaints" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER complaints_log_update AFTER UPDATE ON "complaints" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER complaint_events_log_insert_delete AFTER INSERT OR DELETE ON "complaint_events" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER complaint_events_log_update AFTER UPDATE ON "complaint_events" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER notes_log_insert_delete AFTER INSERT OR DELETE ON "notes" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER notes_log_update AFTER UPDATE ON "notes" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER contact_edits_log_insert_delete AFTER INSERT OR DELETE ON "contact_edits" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER contact_edits_log_update AFTER UPDATE ON "contact_edits" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER offers_log_insert_delete AFTER INSERT OR DELETE ON "offers" FOR EACH ROW EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
CREATE TRIGGER offers_log_update AFTER UPDATE ON "offers" FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION sb_log_change();
--> statement-breakpoint
INSERT INTO store_meta (key, value) VALUES ('store_id', gen_random_uuid()::text) ON CONFLICT (key) DO NOTHING;
