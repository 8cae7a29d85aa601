CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text,
	`from_e164` text,
	`source` text NOT NULL,
	`agent_id` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`hold_started_at` integer,
	`talk_ended_at` integer,
	`completed_at` integer,
	`talk_ms` integer DEFAULT 0 NOT NULL,
	`hold_ms` integer DEFAULT 0 NOT NULL,
	`wrap_up_ms` integer DEFAULT 0 NOT NULL,
	`disposition_code` text,
	`wrap_up_notes` text,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`disposition_code`) REFERENCES `dispositions`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `calls_customer_started_idx` ON `calls` (`customer_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `calls_agent_started_idx` ON `calls` (`agent_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `co_purchases` (
	`product_id` text NOT NULL,
	`related_product_id` text NOT NULL,
	`support` integer NOT NULL,
	`confidence` real NOT NULL,
	`lift` real NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`product_id`, `related_product_id`),
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`related_product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `co_purchases_product_lift_idx` ON `co_purchases` (`product_id`,`lift`);--> statement-breakpoint
CREATE TABLE `complaint_categories` (
	`code` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`sort` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `complaint_events` (
	`id` text PRIMARY KEY NOT NULL,
	`complaint_id` text NOT NULL,
	`call_id` text,
	`agent_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`detail` text,
	FOREIGN KEY (`complaint_id`) REFERENCES `complaints`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `complaint_events_complaint_at_idx` ON `complaint_events` (`complaint_id`,`at`);--> statement-breakpoint
CREATE TABLE `complaints` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`call_id` text,
	`order_id` text,
	`order_line_id` text,
	`category_code` text NOT NULL,
	`severity` text NOT NULL,
	`description` text NOT NULL,
	`desired_resolution` text,
	`status` text NOT NULL,
	`follow_up_on` text,
	`resolution` text,
	`resolved_at` integer,
	`opened_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`agent_id` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_line_id`) REFERENCES `order_lines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_code`) REFERENCES `complaint_categories`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `complaints_customer_opened_idx` ON `complaints` (`customer_id`,`opened_at`);--> statement-breakpoint
CREATE INDEX `complaints_status_follow_up_idx` ON `complaints` (`status`,`follow_up_on`);--> statement-breakpoint
CREATE TABLE `contact_edits` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`call_id` text,
	`agent_id` text NOT NULL,
	`field` text NOT NULL,
	`old_value` text,
	`new_value` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_edits_customer_at_idx` ON `contact_edits` (`customer_id`,`at`);--> statement-breakpoint
CREATE TABLE `dispositions` (
	`code` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`sort` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notes` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`call_id` text,
	`agent_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notes_customer_created_idx` ON `notes` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `offers` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`call_id` text,
	`agent_id` text NOT NULL,
	`product_id` text NOT NULL,
	`kind` text NOT NULL,
	`reason` text NOT NULL,
	`outcome` text NOT NULL,
	`presented_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `offers_customer_idx` ON `offers` (`customer_id`,`presented_at`);--> statement-breakpoint
CREATE INDEX `offers_call_idx` ON `offers` (`call_id`);--> statement-breakpoint
-- Starting lists; supervisors can change them (the table is the configuration).
INSERT INTO `dispositions` (`code`, `label`, `sort`) VALUES
  ('resolved', 'Resolved on this call', 10),
  ('order_placed', 'Order placed', 20),
  ('info_given', 'Information given', 30),
  ('complaint_logged', 'Complaint logged', 40),
  ('callback', 'Callback scheduled', 50),
  ('escalated', 'Escalated to supervisor', 60),
  ('wrong_number', 'Wrong number', 70);
--> statement-breakpoint
INSERT INTO `complaint_categories` (`code`, `label`, `sort`) VALUES
  ('damaged', 'Damaged or defective item', 10),
  ('late', 'Late or missing delivery', 20),
  ('wrong_item', 'Wrong item sent', 30),
  ('billing', 'Billing or refund', 40),
  ('service', 'Service or staff', 50),
  ('quality', 'Product quality', 60),
  ('other', 'Other', 90);
