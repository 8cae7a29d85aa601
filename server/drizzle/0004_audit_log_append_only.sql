-- Custom migration (drizzle-kit generate --custom): the audit log is append-only. Rows are only
-- ever inserted; any UPDATE, DELETE or TRUNCATE of audit_log is refused by the database itself,
-- whoever asks (the server, a script, a psql session).
CREATE OR REPLACE FUNCTION sb_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION sb_audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION sb_audit_log_append_only();
