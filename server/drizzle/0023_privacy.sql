CREATE TABLE "erasure_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" bigint NOT NULL,
	"decided_by" text,
	"decided_at" bigint,
	CONSTRAINT "erasure_requests_status_ck" CHECK ("erasure_requests"."status" in ('pending','confirmed','declined'))
);
--> statement-breakpoint
ALTER TABLE "contact_edits" ADD COLUMN "source" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "consent_email" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "consent_phone" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "consent_sms" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "erased_at" bigint;--> statement-breakpoint
ALTER TABLE "erasure_requests" ADD CONSTRAINT "erasure_requests_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "erasure_requests_pending_uq" ON "erasure_requests" USING btree ("customer_id") WHERE "erasure_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "erasure_requests_status_idx" ON "erasure_requests" USING btree ("status","requested_at");--> statement-breakpoint
-- Issue 23: every channel starts as the single flag said. The cache's migration does the same to
-- its copy, so the change log is not asked to send every customer again.
ALTER TABLE "customers" DISABLE TRIGGER "customers_log_update";--> statement-breakpoint
UPDATE "customers" SET "consent_email" = "marketing_consent", "consent_phone" = "marketing_consent", "consent_sms" = "marketing_consent" WHERE "marketing_consent";--> statement-breakpoint
ALTER TABLE "customers" ENABLE TRIGGER "customers_log_update";--> statement-breakpoint
-- marketing_consent is derived: consent on any channel. A write that changes only the old flag
-- (an older workstation, the import, the seed) sets every channel to it; an insert with only the
-- flag set gives every channel.
CREATE OR REPLACE FUNCTION sb_customer_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.marketing_consent AND NOT (NEW.consent_email OR NEW.consent_phone OR NEW.consent_sms) THEN
      NEW.consent_email := true;
      NEW.consent_phone := true;
      NEW.consent_sms := true;
    ELSE
      NEW.marketing_consent := NEW.consent_email OR NEW.consent_phone OR NEW.consent_sms;
    END IF;
  ELSIF (NEW.consent_email, NEW.consent_phone, NEW.consent_sms) IS DISTINCT FROM (OLD.consent_email, OLD.consent_phone, OLD.consent_sms) THEN
    NEW.marketing_consent := NEW.consent_email OR NEW.consent_phone OR NEW.consent_sms;
  ELSIF NEW.marketing_consent IS DISTINCT FROM OLD.marketing_consent THEN
    NEW.consent_email := NEW.marketing_consent;
    NEW.consent_phone := NEW.marketing_consent;
    NEW.consent_sms := NEW.marketing_consent;
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "customers_consent" BEFORE INSERT OR UPDATE ON "customers" FOR EACH ROW EXECUTE FUNCTION sb_customer_consent();
--> statement-breakpoint
-- Erasure (issue 23, server/src/privacy/erase.ts): a row written later for an erased customer —
-- a call, complaint, note or order pushed from a workstation that was offline at the time — is
-- kept anonymous: its personal free text and the caller's number are not stored. Counts, times
-- and amounts stay, so every metric counts it.
CREATE OR REPLACE FUNCTION sb_customer_erased(customer uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM customers WHERE id = customer AND erased_at IS NOT NULL)
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_keep_erased_anonymous() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'complaint_events' THEN
    IF NEW.detail IS NOT NULL AND sb_customer_erased((SELECT customer_id FROM complaints WHERE id = NEW.complaint_id)) THEN
      NEW.detail := '[erased]';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.customer_id IS NULL OR NOT sb_customer_erased(NEW.customer_id) THEN
    RETURN NEW;
  END IF;
  IF TG_TABLE_NAME = 'calls' THEN
    NEW.from_e164 := NULL;
    NEW.from_raw := NULL;
    IF NEW.wrap_up_notes IS NOT NULL THEN NEW.wrap_up_notes := '[erased]'; END IF;
  ELSIF TG_TABLE_NAME = 'complaints' THEN
    NEW.description := '[erased]';
    IF NEW.desired_resolution IS NOT NULL THEN NEW.desired_resolution := '[erased]'; END IF;
    IF NEW.resolution IS NOT NULL THEN NEW.resolution := '[erased]'; END IF;
  ELSIF TG_TABLE_NAME = 'notes' THEN
    NEW.body := '[erased]';
  ELSIF TG_TABLE_NAME = 'orders' THEN
    NEW.delivery_address_id := NULL;
    NEW.delivery_address := NULL;
    NEW.note := NULL;
  ELSIF TG_TABLE_NAME = 'contact_edits' THEN
    NEW.old_value := NULL;
    NEW.new_value := NULL;
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "calls_keep_erased_anonymous" BEFORE INSERT OR UPDATE ON "calls" FOR EACH ROW EXECUTE FUNCTION sb_keep_erased_anonymous();--> statement-breakpoint
CREATE TRIGGER "complaints_keep_erased_anonymous" BEFORE INSERT OR UPDATE ON "complaints" FOR EACH ROW EXECUTE FUNCTION sb_keep_erased_anonymous();--> statement-breakpoint
CREATE TRIGGER "complaint_events_keep_erased_anonymous" BEFORE INSERT OR UPDATE ON "complaint_events" FOR EACH ROW EXECUTE FUNCTION sb_keep_erased_anonymous();--> statement-breakpoint
CREATE TRIGGER "notes_keep_erased_anonymous" BEFORE INSERT OR UPDATE ON "notes" FOR EACH ROW EXECUTE FUNCTION sb_keep_erased_anonymous();--> statement-breakpoint
CREATE TRIGGER "orders_keep_erased_anonymous" BEFORE INSERT OR UPDATE ON "orders" FOR EACH ROW EXECUTE FUNCTION sb_keep_erased_anonymous();--> statement-breakpoint
CREATE TRIGGER "contact_edits_keep_erased_anonymous" BEFORE INSERT OR UPDATE ON "contact_edits" FOR EACH ROW EXECUTE FUNCTION sb_keep_erased_anonymous();
