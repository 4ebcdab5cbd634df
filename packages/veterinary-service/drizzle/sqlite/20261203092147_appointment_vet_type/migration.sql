ALTER TABLE `appointments` ADD `vet_id` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `type` text;--> statement-breakpoint
CREATE INDEX `appointments_starts_idx` ON `appointments` (`starts_at`);--> statement-breakpoint
CREATE INDEX `appointments_vet_starts_idx` ON `appointments` (`vet_id`,`starts_at`);