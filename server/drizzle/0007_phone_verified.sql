-- A number the phone library could not read, kept as typed after the CSR confirmed it (issue 18,
-- "Real phone data"): verified = false, e164 holds its digits with no "+". Every existing row is verified.
ALTER TABLE "customer_phones" ADD COLUMN "verified" boolean DEFAULT true NOT NULL;