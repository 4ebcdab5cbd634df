CREATE TABLE [reminders] (
	[id] nvarchar(100),
	[vaccination_id] nvarchar(64) NOT NULL,
	[pet_id] nvarchar(128) NOT NULL,
	[vaccine] nvarchar(200) NOT NULL,
	[stage] nvarchar(16) NOT NULL,
	[due_at] bigint NOT NULL,
	[send_at] bigint NOT NULL,
	[status] nvarchar(16) NOT NULL,
	[claimed_by] nvarchar(128),
	[lease_until] bigint,
	[attempts] int NOT NULL CONSTRAINT [reminders_attempts_default] DEFAULT ((0)),
	[last_error] nvarchar(1000),
	[sent_at] bigint,
	[created_at] bigint NOT NULL,
	CONSTRAINT [reminders_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE UNIQUE INDEX [reminders_vaccination_stage_uq] ON [reminders] ([vaccination_id],[stage]);--> statement-breakpoint
CREATE INDEX [reminders_status_send_idx] ON [reminders] ([status],[send_at]);--> statement-breakpoint
CREATE INDEX [reminders_pet_idx] ON [reminders] ([pet_id]);