-- The hash of each queued delivery's body (issue 23): deliveries already queued get the SHA-256 of
-- their stored body's UTF-8 bytes (the bytes that were signed), then the column is required.
ALTER TABLE "ingest_deliveries" ADD COLUMN "body_hash" text;--> statement-breakpoint
UPDATE "ingest_deliveries" SET "body_hash" = encode(sha256(convert_to("body", 'UTF8')), 'hex');--> statement-breakpoint
ALTER TABLE "ingest_deliveries" ALTER COLUMN "body_hash" SET NOT NULL;
