ALTER TABLE [appointments] ADD [reminder_sent_at] bigint;--> statement-breakpoint
ALTER TABLE [appointments] ADD [reminder_claimed_by] nvarchar(128);--> statement-breakpoint
ALTER TABLE [appointments] ADD [reminder_lease_until] bigint;