ALTER TABLE [pets] ADD [request_id] varchar(128);--> statement-breakpoint
CREATE UNIQUE INDEX [pets_owner_request_uq] ON [pets] ([owner_id],[request_id]) WHERE [request_id] is not null;