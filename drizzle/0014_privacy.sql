ALTER TABLE `contact_edits` ADD `source` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `consent_email` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `consent_phone` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `consent_sms` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `customers` ADD `erased_at` integer;--> statement-breakpoint
-- Issue 23: every channel starts as the single flag said (the store's migration does the same).
UPDATE `customers` SET `consent_email` = `marketing_consent`, `consent_phone` = `marketing_consent`, `consent_sms` = `marketing_consent` WHERE `marketing_consent` = 1;
