ALTER TABLE `pets` ADD `request_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `pets_owner_request_uq` ON `pets` (`owner_id`,`request_id`);