ALTER TABLE `appointments` ADD `request_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_pet_request_uq` ON `appointments` (`pet_id`,`request_id`);