CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`family` text NOT NULL,
	`name` text NOT NULL,
	`channel` text NOT NULL,
	`rule` text NOT NULL,
	`value` integer NOT NULL,
	`currency` text,
	`min_order_cents` integer DEFAULT 0 NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	`active` integer DEFAULT true NOT NULL,
	CONSTRAINT "campaigns_channel_ck" CHECK("campaigns"."channel" in ('online','offline','both')),
	CONSTRAINT "campaigns_rule_ck" CHECK("campaigns"."rule" in ('percent','amount','free_shipping'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaigns_code_uq` ON `campaigns` (`code`);--> statement-breakpoint
CREATE TABLE `discount_limits` (
	`id` text PRIMARY KEY NOT NULL,
	`role` text,
	`user_id` text,
	`max_percent` integer NOT NULL,
	`max_amount_cents` integer NOT NULL,
	`currency` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `order_sources` (
	`code` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`sort` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `product_prices` (
	`product_id` text NOT NULL,
	`currency` text NOT NULL,
	`price_cents` integer NOT NULL,
	PRIMARY KEY(`product_id`, `currency`),
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `order_lines` ADD `offer_id` text;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `line_source` text;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `discount_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `tax_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `tax_class` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `call_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `agent_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `heard_from` text REFERENCES order_sources(code);--> statement-breakpoint
ALTER TABLE `orders` ADD `delivery_address_id` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `delivery_address` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `delivery_method` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `payment_method` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `manual_discount_cents` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `discount_reason` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `approved_by` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `approver_name` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `approval_reason` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `approved_at` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `quoted_total_cents` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `attention_reason` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `note` text;--> statement-breakpoint
ALTER TABLE `products` ADD `tax_class` text DEFAULT 'standard' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `status` text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `stock` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `reserved` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
INSERT INTO `order_sources` (`code`, `label`, `sort`) VALUES
  ('returning', 'Already a customer', 10),
  ('catalogue', 'Printed catalogue', 20),
  ('radio', 'Radio or TV advert', 30),
  ('search', 'Web search', 40),
  ('social', 'Social media', 50),
  ('friend', 'Friend or family', 60),
  ('email', 'Email newsletter', 70),
  ('store', 'Visited a store', 80),
  ('other', 'Other', 90);
