-- The caller id as received, kept even when it cannot be read as a number (issue 19, item 3).
ALTER TABLE "calls" ADD COLUMN "from_raw" text;