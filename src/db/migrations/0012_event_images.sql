CREATE TABLE `event_images` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` blob NOT NULL,
	`byte_count` integer NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`sha256` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "event_images_size" CHECK("event_images"."width" BETWEEN 1 AND 8000 AND "event_images"."height" BETWEEN 1 AND 8000 AND "event_images"."byte_count" = length("event_images"."bytes"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_images_event` ON `event_images` (`event_id`);