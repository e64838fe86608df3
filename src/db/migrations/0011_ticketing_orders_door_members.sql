CREATE TABLE `member_field_values` (
	`member_id` text NOT NULL,
	`field_id` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`member_id`, `field_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`field_id`) REFERENCES `member_fields`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `member_fields` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`options` text DEFAULT '[]' NOT NULL,
	`required` integer DEFAULT false NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `membership_products` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`duration` text NOT NULL,
	`custom_days` integer,
	`amount_minor` integer NOT NULL,
	`free_price` integer DEFAULT false NOT NULL,
	`vat_rate_bp` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `checkin_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`name` text NOT NULL,
	`product_ids` text DEFAULT '[]' NOT NULL,
	`allow_reentry` integer DEFAULT false NOT NULL,
	`valid_from_ms` integer,
	`valid_until_ms` integer,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `checkin_lists_event` ON `checkin_lists` (`event_id`);--> statement-breakpoint
CREATE TABLE `email_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text,
	`kind` text NOT NULL,
	`ref_id` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_ms` integer NOT NULL,
	`last_error` text,
	`created_at_ms` integer NOT NULL,
	`sent_at_ms` integer
);
--> statement-breakpoint
CREATE INDEX `email_outbox_due` ON `email_outbox` (`state`,`next_attempt_ms`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`order_id` text NOT NULL,
	`idx` integer NOT NULL,
	`kind` text NOT NULL,
	`product_id` text,
	`price_id` text,
	`label` text NOT NULL,
	`unit_minor` integer NOT NULL,
	`quantity` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	PRIMARY KEY(`order_id`, `idx`),
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_lines_product` ON `order_lines` (`product_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`reference` text NOT NULL,
	`channel` text NOT NULL,
	`state` text NOT NULL,
	`buyer_name` text DEFAULT '' NOT NULL,
	`buyer_email` text DEFAULT '' NOT NULL,
	`buyer_phone` text DEFAULT '' NOT NULL,
	`member_id` text,
	`person_key` text,
	`total_minor` integer NOT NULL,
	`payment_method` text,
	`provider` text,
	`provider_ref` text,
	`hold_until_ms` integer,
	`sale_id` text,
	`operator_name` text DEFAULT '' NOT NULL,
	`terminal_id` text,
	`lang` text DEFAULT 'fr' NOT NULL,
	`idempotency_key` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`paid_at_ms` integer,
	`closed_at_ms` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_reference` ON `orders` (`reference`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_idempotency` ON `orders` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_provider_ref` ON `orders` (`provider`,`provider_ref`) WHERE provider_ref IS NOT NULL;--> statement-breakpoint
CREATE INDEX `orders_person` ON `orders` (`person_key`);--> statement-breakpoint
CREATE INDEX `orders_state_hold` ON `orders` (`state`,`hold_until_ms`);--> statement-breakpoint
CREATE TABLE `payment_events` (
	`provider` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`order_id` text,
	`received_at_ms` integer NOT NULL,
	`outcome` text NOT NULL,
	PRIMARY KEY(`provider`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `ticket_prices` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `ticket_products`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ticket_prices_amount" CHECK("ticket_prices"."amount_minor" >= 0)
);
--> statement-breakpoint
CREATE INDEX `ticket_prices_product` ON `ticket_prices` (`product_id`);--> statement-breakpoint
CREATE TABLE `ticketing_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`online_sales_enabled` integer DEFAULT false NOT NULL,
	`pay_on_site_enabled` integer DEFAULT true NOT NULL,
	`hold_minutes` integer DEFAULT 15 NOT NULL,
	`stripe_secret_key` text DEFAULT '' NOT NULL,
	`stripe_webhook_secret` text DEFAULT '' NOT NULL,
	`public_base_url` text DEFAULT '' NOT NULL,
	`smtp_url` text DEFAULT '' NOT NULL,
	`mail_from` text DEFAULT '' NOT NULL,
	`donations_enabled` integer DEFAULT false NOT NULL,
	`donation_min_minor` integer DEFAULT 100 NOT NULL,
	CONSTRAINT "ticketing_settings_single_row" CHECK("ticketing_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `waiting_list` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`product_id` text,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`lang` text DEFAULT 'fr' NOT NULL,
	`state` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`notified_at_ms` integer,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `waiting_list_event` ON `waiting_list` (`event_id`,`state`,`created_at_ms`);--> statement-breakpoint
DROP INDEX `checkins_admitted_once`;--> statement-breakpoint
ALTER TABLE `checkins` ADD `direction` text DEFAULT 'entry' NOT NULL;--> statement-breakpoint
ALTER TABLE `checkins` ADD `entry_no` integer;--> statement-breakpoint
ALTER TABLE `checkins` ADD `forced` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `checkins` ADD `scanned_at_ms` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `checkins_entry_once` ON `checkins` (`list`,`ticket_id`,`entry_no`) WHERE result = 'admitted' AND direction = 'entry';--> statement-breakpoint
ALTER TABLE `members` ADD `erased_at_ms` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `notes` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `memberships` ADD `product_id` text;--> statement-breakpoint
ALTER TABLE `memberships` ADD `order_id` text;--> statement-breakpoint
ALTER TABLE `ticket_products` ADD `per_order_max` integer;--> statement-breakpoint
ALTER TABLE `ticket_products` ADD `per_person_max` integer;--> statement-breakpoint
ALTER TABLE `ticket_products` ADD `sale_from_ms` integer;--> statement-breakpoint
ALTER TABLE `ticket_products` ADD `sale_until_ms` integer;--> statement-breakpoint
ALTER TABLE `ticket_products` ADD `vat_rate_bp` integer DEFAULT 550 NOT NULL;--> statement-breakpoint
ALTER TABLE `ticket_products` ADD `position` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `order_id` text REFERENCES orders(id);--> statement-breakpoint
ALTER TABLE `tickets` ADD `price_id` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `amount_minor` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `member_id` text;--> statement-breakpoint
CREATE INDEX `tickets_order` ON `tickets` (`order_id`);--> statement-breakpoint
INSERT INTO `checkin_lists` (`id`, `event_id`, `name`, `created_at_ms`) SELECT `id`, `id`, 'Entrée', `created_at_ms` FROM `events`;--> statement-breakpoint
UPDATE `checkins` SET `list` = (SELECT `event_id` FROM `tickets` WHERE `tickets`.`id` = `checkins`.`ticket_id`) WHERE `list` IS NULL AND `ticket_id` IS NOT NULL;--> statement-breakpoint
UPDATE `checkins` SET `entry_no` = 1 WHERE `result` = 'admitted';--> statement-breakpoint
INSERT INTO `ticket_prices` (`id`, `product_id`, `label`, `kind`, `amount_minor`) SELECT `id`, `id`, 'Plein tarif', 'full', `price_minor` FROM `ticket_products`;--> statement-breakpoint
INSERT INTO `ticketing_settings` (`id`) VALUES (1);
