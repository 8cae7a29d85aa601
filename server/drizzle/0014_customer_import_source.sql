ALTER TABLE "customers" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "source_id" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "source_hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_source_uq" ON "customers" USING btree ("source","source_id");--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_source_ck" CHECK (("customers"."source" is null) = ("customers"."source_id" is null));