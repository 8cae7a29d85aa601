-- Custom migration (drizzle-kit generate --custom): the store's own order numbers for phone orders
-- it confirms (issue 21). Numbers are "SB" + 8 digits, shared with the seeded, web and store
-- orders (src-shared/seed/generator.ts OrderNumbers: ascending from SB10000000 with gaps). The
-- sequence starts after the highest number already stored; sb_next_order_number() skips a number
-- that is taken (orders loaded after the sequence was set, e.g. a seed into an emptied store) by
-- moving the sequence past the highest stored number, so a number the store gives never collides.
CREATE SEQUENCE IF NOT EXISTS "order_number_seq" AS bigint MINVALUE 1 MAXVALUE 999999999 NO CYCLE;
--> statement-breakpoint
SELECT setval('order_number_seq', greatest(9999999, coalesce((SELECT max(substring("number" from 3)::bigint) FROM "orders" WHERE "number" ~ '^SB[0-9]{8}$'), 0)), true);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sb_next_order_number() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  LOOP
    n := nextval('order_number_seq');
    IF n > 99999999 THEN
      RAISE EXCEPTION 'order numbers have run out of 8 digits (SB99999999 was given)';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM "orders" WHERE "number" = 'SB' || n::text) THEN
      RETURN 'SB' || n::text;
    END IF;
    PERFORM setval('order_number_seq', greatest(n, (SELECT max(substring("number" from 3)::bigint) FROM "orders" WHERE "number" ~ '^SB[0-9]{8}$')), true);
  END LOOP;
END $$;
