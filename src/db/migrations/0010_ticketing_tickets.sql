CREATE TABLE `checkins` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_id` text,
	`nonce` text NOT NULL,
	`device` text NOT NULL,
	`result` text NOT NULL,
	`code` text,
	`at_ms` integer NOT NULL,
	`list` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkins_nonce` ON `checkins` (`nonce`);--> statement-breakpoint
CREATE UNIQUE INDEX `checkins_admitted_once` ON `checkins` (`ticket_id`) WHERE result = 'admitted';--> statement-breakpoint
CREATE INDEX `checkins_ticket` ON `checkins` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `ticket_products` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`name` text NOT NULL,
	`price_minor` integer NOT NULL,
	`quota` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ticket_products_price" CHECK("ticket_products"."price_minor" >= 0),
	CONSTRAINT "ticket_products_quota" CHECK("ticket_products"."quota" IS NULL OR "ticket_products"."quota" >= 0)
);
--> statement-breakpoint
CREATE INDEX `ticket_products_event` ON `ticket_products` (`event_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`product_id` text NOT NULL,
	`holder_name` text NOT NULL,
	`state` text NOT NULL,
	`qr` text NOT NULL,
	`valid_from_ms` integer NOT NULL,
	`valid_until_ms` integer NOT NULL,
	`issued_at_ms` integer NOT NULL,
	`revoked_at_ms` integer,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`product_id`) REFERENCES `ticket_products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tickets_product` ON `tickets` (`product_id`);--> statement-breakpoint
CREATE INDEX `tickets_event` ON `tickets` (`event_id`);