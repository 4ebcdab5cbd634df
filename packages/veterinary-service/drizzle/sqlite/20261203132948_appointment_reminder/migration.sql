ALTER TABLE `appointments` ADD `reminder_sent_at` integer;--> statement-breakpoint
ALTER TABLE `appointments` ADD `reminder_claimed_by` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `reminder_lease_until` integer;