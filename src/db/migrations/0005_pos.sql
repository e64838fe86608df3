CREATE TABLE `cash_movements` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`at_ms` integer NOT NULL,
	`amount` integer NOT NULL,
	`reason` text NOT NULL,
	`operator_id` text,
	`operator_name` text NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `cash_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cash_movements_session` ON `cash_movements` (`session_id`);--> statement-breakpoint
CREATE TABLE `cash_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`point_of_sale` text NOT NULL,
	`terminal_id` text NOT NULL,
	`opened_by_id` text,
	`opened_by_name` text NOT NULL,
	`opened_at_ms` integer NOT NULL,
	`float_amount` integer NOT NULL,
	`ledger_seq_at_open` integer NOT NULL,
	`ledger_seq_at_close` integer,
	`closed_at_ms` integer,
	`closed_by_id` text,
	`closed_by_name` text,
	`expected` integer,
	`counted` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cash_sessions_open` ON `cash_sessions` (`terminal_id`) WHERE "cash_sessions"."closed_at_ms" IS NULL;--> statement-breakpoint
CREATE TABLE `closures` (
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`point_of_sale` text NOT NULL,
	`fiscal_seq` integer NOT NULL,
	`at_ms` integer NOT NULL,
	PRIMARY KEY(`kind`, `period`, `point_of_sale`)
);
--> statement-breakpoint
CREATE TABLE `fiscal_records` (
	`seq` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`at_ms` integer NOT NULL,
	`payload` text NOT NULL,
	`grand_total_after` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	`signature` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `item_points_of_sale` (
	`item_id` text NOT NULL,
	`point_of_sale` text NOT NULL,
	PRIMARY KEY(`item_id`, `point_of_sale`),
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`point_of_sale`) REFERENCES `points_of_sale`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `item_points_of_sale_pos` ON `item_points_of_sale` (`point_of_sale`);--> statement-breakpoint
CREATE TABLE `item_prices` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`member_amount` integer,
	`position` integer NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `item_prices_item` ON `item_prices` (`item_id`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`category_id` text,
	`vat_rate_bp` integer NOT NULL,
	`print_group` text DEFAULT '' NOT NULL,
	`accepted_assets` text DEFAULT '[]' NOT NULL,
	`payment_methods` text DEFAULT '[]' NOT NULL,
	`stock` integer,
	`low_stock_threshold` integer,
	`position` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `items_category` ON `items` (`category_id`);--> statement-breakpoint
CREATE TABLE `payment_methods` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `points_of_sale` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pos_categories` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`colour` text NOT NULL,
	`position` integer NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pos_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`business_day_end_minute` integer DEFAULT 360 NOT NULL,
	CONSTRAINT "pos_settings_single_row" CHECK("pos_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `sale_lines` (
	`sale_id` text NOT NULL,
	`idx` integer NOT NULL,
	`item_id` text NOT NULL,
	`name` text NOT NULL,
	`price_id` text NOT NULL,
	`price_label` text NOT NULL,
	`unit_amount` integer NOT NULL,
	`quantity` integer NOT NULL,
	`amount` integer NOT NULL,
	`vat_rate_bp` integer NOT NULL,
	`print_group` text NOT NULL,
	`member_price` integer NOT NULL,
	PRIMARY KEY(`sale_id`, `idx`),
	FOREIGN KEY (`sale_id`) REFERENCES `sales`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sale_payments` (
	`sale_id` text NOT NULL,
	`idx` integer NOT NULL,
	`method` text NOT NULL,
	`amount` integer NOT NULL,
	`tendered` integer NOT NULL,
	`card_id` text,
	`entry_seq` integer,
	PRIMARY KEY(`sale_id`, `idx`),
	FOREIGN KEY (`sale_id`) REFERENCES `sales`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sale_voids` (
	`sale_id` text PRIMARY KEY NOT NULL,
	`at_ms` integer NOT NULL,
	`business_day` text NOT NULL,
	`operator_id` text,
	`operator_name` text NOT NULL,
	`reason` text NOT NULL,
	`fiscal_seq` integer NOT NULL,
	`cash_session_id` text,
	FOREIGN KEY (`sale_id`) REFERENCES `sales`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sales` (
	`id` text PRIMARY KEY NOT NULL,
	`number` integer NOT NULL,
	`training` integer NOT NULL,
	`point_of_sale` text NOT NULL,
	`terminal_id` text,
	`operator_id` text,
	`operator_name` text NOT NULL,
	`at_ms` integer NOT NULL,
	`business_day` text NOT NULL,
	`total` integer NOT NULL,
	`change` integer NOT NULL,
	`member_id` text,
	`cash_session_id` text,
	`fiscal_seq` integer,
	`scope` text NOT NULL,
	`idempotency_key` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sales_number` ON `sales` (`training`,`number`);--> statement-breakpoint
CREATE INDEX `sales_business_day` ON `sales` (`business_day`,`point_of_sale`);--> statement-breakpoint
CREATE INDEX `sales_cash_session` ON `sales` (`cash_session_id`);--> statement-breakpoint
CREATE TABLE `vat_rates` (
	`rate_bp` integer PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
