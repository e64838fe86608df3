CREATE TABLE `training_terminals` (
	`terminal_id` text PRIMARY KEY NOT NULL,
	`since_ms` integer NOT NULL,
	`started_by` text NOT NULL
);
