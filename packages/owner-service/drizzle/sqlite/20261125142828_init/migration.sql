CREATE TABLE `owners` (
	`id` text PRIMARY KEY,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	`removal_saga_id` text
);
--> statement-breakpoint
CREATE TABLE `pets` (
	`id` text PRIMARY KEY,
	`owner_id` text NOT NULL,
	`type` text NOT NULL,
	`race` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT `fk_pets_owner_id_owners_id_fk` FOREIGN KEY (`owner_id`) REFERENCES `owners`(`id`)
);
--> statement-breakpoint
CREATE TABLE `removal_sagas` (
	`id` text PRIMARY KEY,
	`owner_id` text NOT NULL,
	`owner_email` text NOT NULL,
	`step` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`lease_owner` text,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `owners_email_uq` ON `owners` (`email`);--> statement-breakpoint
CREATE INDEX `pets_owner_created_idx` ON `pets` (`owner_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `removal_sagas_owner_uq` ON `removal_sagas` (`owner_id`);--> statement-breakpoint
CREATE INDEX `removal_sagas_step_idx` ON `removal_sagas` (`step`);