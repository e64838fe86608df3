CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_keys_created` ON `idempotency_keys` (`created_at_ms`);--> statement-breakpoint
CREATE TABLE `ledger_balances` (
	`account` text NOT NULL,
	`asset` text NOT NULL,
	`balance` integer NOT NULL,
	PRIMARY KEY(`account`, `asset`)
);
--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`seq` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`at_ms` integer NOT NULL,
	`hlc_counter` integer NOT NULL,
	`scope` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`reverses_seq` integer,
	`memo` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	`signature` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_idempotency` ON `ledger_entries` (`scope`,`idempotency_key`) WHERE "ledger_entries"."idempotency_key" != '';--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_reverses` ON `ledger_entries` (`reverses_seq`) WHERE "ledger_entries"."reverses_seq" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `ledger_transfers` (
	`entry_seq` integer NOT NULL,
	`idx` integer NOT NULL,
	`debit_account` text NOT NULL,
	`credit_account` text NOT NULL,
	`asset` text NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`entry_seq`, `idx`),
	FOREIGN KEY (`entry_seq`) REFERENCES `ledger_entries`(`seq`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ledger_transfers_debit` ON `ledger_transfers` (`debit_account`);--> statement-breakpoint
CREATE INDEX `ledger_transfers_credit` ON `ledger_transfers` (`credit_account`);--> statement-breakpoint
CREATE TABLE `assets` (
	`code` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`scale` integer NOT NULL,
	`backed` integer NOT NULL,
	`refundable` integer NOT NULL,
	`spend_priority` integer NOT NULL,
	`accepted_points_of_sale` text DEFAULT '[]' NOT NULL,
	`transferable` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cards` (
	`id` text PRIMARY KEY NOT NULL,
	`uid` text,
	`printed_number` text NOT NULL,
	`qr_id` text NOT NULL,
	`state` text NOT NULL,
	`wallet_id` text NOT NULL,
	`replaced_by` text,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL,
	FOREIGN KEY (`wallet_id`) REFERENCES `wallets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cards_uid` ON `cards` (`uid`);--> statement-breakpoint
CREATE UNIQUE INDEX `cards_printed_number` ON `cards` (`printed_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `cards_qr_id` ON `cards` (`qr_id`);--> statement-breakpoint
CREATE TABLE `wallet_loads` (
	`wallet_id` text NOT NULL,
	`asset` text NOT NULL,
	`method` text NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`wallet_id`, `asset`, `method`)
);
--> statement-breakpoint
CREATE TABLE `wallet_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`card_balance_cap` integer,
	`topup_cap` integer,
	`register_on_first_topup` integer DEFAULT true NOT NULL,
	CONSTRAINT "wallet_settings_single_row" CHECK("wallet_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `wallets` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at_ms` integer NOT NULL,
	`merged_into` text
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`wallet_id` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
