CREATE TABLE `memberships` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL,
	`label` text NOT NULL,
	`valid_from_ms` integer NOT NULL,
	`valid_until_ms` integer NOT NULL,
	`sale_number` integer,
	`created_at_ms` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `memberships_member` ON `memberships` (`member_id`,`valid_until_ms`);--> statement-breakpoint
ALTER TABLE `items` ADD `membership_days` integer;--> statement-breakpoint
ALTER TABLE `items` ADD `member_only` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `pos_settings` ADD `print_receipts_automatically` integer DEFAULT false NOT NULL;