ALTER TABLE [appointments] ADD [vet_id] nvarchar(64);--> statement-breakpoint
ALTER TABLE [appointments] ADD [type] nvarchar(64);--> statement-breakpoint
CREATE INDEX [appointments_starts_idx] ON [appointments] ([starts_at]);--> statement-breakpoint
CREATE INDEX [appointments_vet_starts_idx] ON [appointments] ([vet_id],[starts_at]);