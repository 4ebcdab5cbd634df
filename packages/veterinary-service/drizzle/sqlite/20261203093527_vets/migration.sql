CREATE TABLE `schedule_exceptions` (
	`id` text PRIMARY KEY,
	`vet_id` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vet_hours` (
	`vet_id` text NOT NULL,
	`weekday` integer NOT NULL,
	`start_minute` integer NOT NULL,
	`end_minute` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vets` (
	`id` text PRIMARY KEY,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `schedule_exceptions_starts_idx` ON `schedule_exceptions` (`starts_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `vet_hours_uq` ON `vet_hours` (`vet_id`,`weekday`,`start_minute`);