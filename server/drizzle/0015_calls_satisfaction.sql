-- The caller's satisfaction answer at wrap-up, 1–5 (issue 22); null: no answer. As in the cache (validated by the call.wrap_up mutation's schema).
-- The partial index serves the supervisors' list of low scores (server/src/calls/routes.ts).
ALTER TABLE "calls" ADD COLUMN "satisfaction" integer;--> statement-breakpoint
CREATE INDEX "calls_low_satisfaction_idx" ON "calls" USING btree ("completed_at") WHERE "calls"."satisfaction" <= 2;