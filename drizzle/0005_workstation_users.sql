CREATE TABLE `local_users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`teams` text DEFAULT '[]' NOT NULL,
	`verifier` text NOT NULL,
	`last_online_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `local_users_username_unique` ON `local_users` (`username`);--> statement-breakpoint
CREATE TABLE `pending_audit` (
	`id` text PRIMARY KEY NOT NULL,
	`action` text NOT NULL,
	`username` text NOT NULL,
	`at` integer NOT NULL,
	`detail` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `user_id` text;