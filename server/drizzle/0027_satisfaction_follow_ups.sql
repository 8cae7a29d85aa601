CREATE TABLE "satisfaction_follow_ups" (
	"call_id" uuid PRIMARY KEY NOT NULL,
	"opened_at" bigint DEFAULT (extract(epoch from clock_timestamp()) * 1000)::bigint NOT NULL,
	"claimed_by" uuid,
	"claimed_at" bigint,
	"note" text,
	"closed_by" uuid,
	"closed_at" bigint
);
--> statement-breakpoint
ALTER TABLE "satisfaction_follow_ups" ADD CONSTRAINT "satisfaction_follow_ups_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_follow_ups" ADD CONSTRAINT "satisfaction_follow_ups_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_follow_ups" ADD CONSTRAINT "satisfaction_follow_ups_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "satisfaction_follow_ups_open_idx" ON "satisfaction_follow_ups" USING btree ("opened_at") WHERE "satisfaction_follow_ups"."closed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "satisfaction_follow_ups_closed_idx" ON "satisfaction_follow_ups" USING btree ("closed_at");--> statement-breakpoint
-- A score of 1 or 2 (LOW_SATISFACTION_MAX) reaching calls.satisfaction opens the call's follow-up, once: at wrap-up (call.wrap_up) or from a survey tool (POST /ingest/satisfaction), or any other writer of the column.
CREATE OR REPLACE FUNCTION sb_open_satisfaction_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO satisfaction_follow_ups (call_id)
    SELECT x.id FROM new_rows x WHERE x.satisfaction <= 2
    ON CONFLICT (call_id) DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER calls_satisfaction_follow_up_insert AFTER INSERT ON "calls" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_open_satisfaction_follow_ups();
--> statement-breakpoint
CREATE TRIGGER calls_satisfaction_follow_up_update AFTER UPDATE ON "calls" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sb_open_satisfaction_follow_ups();
--> statement-breakpoint
-- The low scores of the last 14 days already in the store (what the Approvals screen listed before) become open follow-ups, opened when their call completed; older ones are not reopened.
INSERT INTO satisfaction_follow_ups (call_id, opened_at)
  SELECT id, completed_at FROM calls
  WHERE satisfaction <= 2 AND completed_at IS NOT NULL AND completed_at >= (extract(epoch from clock_timestamp()) * 1000)::bigint - 14 * 86400000
  ON CONFLICT (call_id) DO NOTHING;
