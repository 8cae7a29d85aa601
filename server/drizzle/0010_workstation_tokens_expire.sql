-- Hand-written backfill: tokens issued before this migration never expired; they get one day
-- (WORKSTATION_TOKEN_TTL_MS) from now, in which the workstation renews it.
ALTER TABLE "workstations" ADD COLUMN "token_expires_at" bigint NOT NULL DEFAULT ((extract(epoch from clock_timestamp()) * 1000)::bigint + 86400000);--> statement-breakpoint
ALTER TABLE "workstations" ALTER COLUMN "token_expires_at" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "workstations" ADD COLUMN "previous_token_hash" text;--> statement-breakpoint
ALTER TABLE "workstations" ADD COLUMN "previous_token_expires_at" bigint;--> statement-breakpoint
ALTER TABLE "workstations" ADD COLUMN "revoked_at" bigint;--> statement-breakpoint
ALTER TABLE "workstations" ADD COLUMN "revoked_by" uuid;--> statement-breakpoint
ALTER TABLE "workstations" ADD CONSTRAINT "workstations_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workstations_previous_token_hash_idx" ON "workstations" USING btree ("previous_token_hash");