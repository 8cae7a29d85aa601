CREATE TABLE `sign_in_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` text DEFAULT '[]' NOT NULL,
	`locked_until` integer DEFAULT 0 NOT NULL
);
