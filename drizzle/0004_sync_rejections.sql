CREATE TABLE `sync_rejections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mutation_id` integer NOT NULL,
	`name` text NOT NULL,
	`args` text NOT NULL,
	`schema_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`at` integer NOT NULL,
	`dismissed_at` integer
);
