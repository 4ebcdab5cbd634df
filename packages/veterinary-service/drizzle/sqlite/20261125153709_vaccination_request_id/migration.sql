ALTER TABLE `vaccinations` ADD `request_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `vaccinations_pet_request_uq` ON `vaccinations` (`pet_id`,`request_id`);