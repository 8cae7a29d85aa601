CREATE TABLE `team_roster` (
	`user_id` text NOT NULL,
	`team_id` text NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`active` integer NOT NULL,
	`team` text NOT NULL,
	PRIMARY KEY(`user_id`, `team_id`)
);
