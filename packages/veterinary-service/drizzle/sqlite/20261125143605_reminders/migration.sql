CREATE TABLE `reminders` (
	`id` text PRIMARY KEY,
	`vaccination_id` text NOT NULL,
	`pet_id` text NOT NULL,
	`vaccine` text NOT NULL,
	`stage` text NOT NULL,
	`due_at` integer NOT NULL,
	`send_at` integer NOT NULL,
	`status` text NOT NULL,
	`claimed_by` text,
	`lease_until` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`sent_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminders_vaccination_stage_uq` ON `reminders` (`vaccination_id`,`stage`);--> statement-breakpoint
CREATE INDEX `reminders_status_send_idx` ON `reminders` (`status`,`send_at`);--> statement-breakpoint
CREATE INDEX `reminders_pet_idx` ON `reminders` (`pet_id`);