ALTER TABLE `contact_edits` ADD `source` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `consent_email` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `consent_phone` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `consent_sms` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `erased_at` integer;--> statement-breakpoint
-- Issue 23: every channel starts as the single flag said (the store's migration does the same).
UPDATE `customers` SET `consent_email` = `marketing_consent`, `consent_phone` = `marketing_consent`, `consent_sms` = `marketing_consent` WHERE `marketing_consent` = 1;
--> statement-breakpoint
-- As on the store (trigger customers_consent): a row written with only the old single flag (a
-- writer older than consent per channel) gets every channel; the rows sync brings are already so.
CREATE TRIGGER `customers_consent_ai` AFTER INSERT ON `customers`
WHEN new.marketing_consent = 1 AND new.consent_email = 0 AND new.consent_phone = 0 AND new.consent_sms = 0 BEGIN
  UPDATE `customers` SET consent_email = 1, consent_phone = 1, consent_sms = 1 WHERE row_id = new.row_id;
END;
--> statement-breakpoint
CREATE TRIGGER `customers_consent_au` AFTER UPDATE OF marketing_consent ON `customers`
WHEN new.marketing_consent <> old.marketing_consent AND new.consent_email = old.consent_email AND new.consent_phone = old.consent_phone AND new.consent_sms = old.consent_sms BEGIN
  UPDATE `customers` SET consent_email = new.marketing_consent, consent_phone = new.marketing_consent, consent_sms = new.marketing_consent WHERE row_id = new.row_id;
END;
