CREATE TABLE `event_keys` (
	`event_id` text PRIMARY KEY NOT NULL,
	`private_key_pem` text NOT NULL,
	`public_key_hex` text NOT NULL,
	`valid_from_ms` integer NOT NULL,
	`valid_until_ms` integer NOT NULL,
	`certificate` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`image_url` text,
	`starts_at_ms` integer NOT NULL,
	`ends_at_ms` integer NOT NULL,
	`doors_at_ms` integer NOT NULL,
	`capacity` integer,
	`tags` text DEFAULT '[]' NOT NULL,
	`visibility` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL,
	CONSTRAINT "events_window" CHECK("events"."ends_at_ms" > "events"."starts_at_ms" AND "events"."doors_at_ms" <= "events"."starts_at_ms"),
	CONSTRAINT "events_capacity" CHECK("events"."capacity" IS NULL OR "events"."capacity" >= 1)
);
--> statement-breakpoint
CREATE INDEX `events_starts` ON `events` (`starts_at_ms`);