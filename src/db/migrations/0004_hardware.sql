CREATE TABLE `reader_bindings` (
	`reader_key` text PRIMARY KEY NOT NULL,
	`terminal_id` text NOT NULL,
	`created_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `print_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`printer_id` text NOT NULL,
	`kind` text NOT NULL,
	`document` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at_ms` integer NOT NULL,
	`uncertain` integer DEFAULT false NOT NULL,
	`last_error` text DEFAULT '' NOT NULL,
	`reprint_of` integer,
	`created_at_ms` integer NOT NULL,
	`done_at_ms` integer,
	FOREIGN KEY (`printer_id`) REFERENCES `printers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `print_jobs_pending` ON `print_jobs` (`state`,`next_attempt_at_ms`);--> statement-breakpoint
CREATE INDEX `print_jobs_printer` ON `print_jobs` (`printer_id`,`id`);--> statement-breakpoint
CREATE TABLE `printers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`address` text NOT NULL,
	`paper_mm` integer NOT NULL,
	`code_page` text NOT NULL,
	`print_groups` text DEFAULT '[]' NOT NULL,
	`has_cash_drawer` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'unknown' NOT NULL,
	`last_error` text DEFAULT '' NOT NULL,
	`last_contact_at_ms` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
