CREATE TABLE `appointments` (
	`id` text PRIMARY KEY,
	`pet_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`duration_minutes` integer NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	`cancelled_at` integer
);
--> statement-breakpoint
CREATE TABLE `consultation_records` (
	`id` text PRIMARY KEY,
	`pet_id` text NOT NULL,
	`appointment_id` text NOT NULL,
	`details` text NOT NULL,
	`recorded_at` integer NOT NULL,
	`ended_by` text
);
--> statement-breakpoint
CREATE TABLE `vaccinations` (
	`id` text PRIMARY KEY,
	`pet_id` text NOT NULL,
	`vaccine` text NOT NULL,
	`vaccine_key` text NOT NULL,
	`administered_at` integer NOT NULL,
	`next_due_at` integer,
	`batch` text,
	`notes` text,
	`superseded_by` text,
	`recorded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `appointments_pet_starts_idx` ON `appointments` (`pet_id`,`starts_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `consultation_records_appointment_uq` ON `consultation_records` (`appointment_id`);--> statement-breakpoint
CREATE INDEX `consultation_records_pet_recorded_idx` ON `consultation_records` (`pet_id`,`recorded_at`,`id`);--> statement-breakpoint
CREATE INDEX `vaccinations_pet_vaccine_idx` ON `vaccinations` (`pet_id`,`vaccine_key`,`administered_at`);