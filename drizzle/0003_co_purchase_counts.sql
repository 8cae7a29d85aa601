CREATE TABLE `co_purchase_items` (
	`product_id` text PRIMARY KEY NOT NULL,
	`orders` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `co_purchase_pairs` (
	`product_id` text NOT NULL,
	`related_product_id` text NOT NULL,
	`orders` integer NOT NULL,
	PRIMARY KEY(`product_id`, `related_product_id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `offers_call_product_uq` ON `offers` (`call_id`,`product_id`);