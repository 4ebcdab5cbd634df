CREATE TABLE [schedule_exceptions] (
	[id] nvarchar(64),
	[vet_id] nvarchar(64),
	[starts_at] bigint NOT NULL,
	[ends_at] bigint NOT NULL,
	[reason] nvarchar(500) NOT NULL CONSTRAINT [schedule_exceptions_reason_default] DEFAULT (''),
	[created_at] bigint NOT NULL,
	CONSTRAINT [schedule_exceptions_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE TABLE [vet_hours] (
	[vet_id] nvarchar(64) NOT NULL,
	[weekday] int NOT NULL,
	[start_minute] int NOT NULL,
	[end_minute] int NOT NULL
);
--> statement-breakpoint
CREATE TABLE [vets] (
	[id] nvarchar(64),
	[name] nvarchar(200) NOT NULL,
	[created_at] bigint NOT NULL,
	CONSTRAINT [vets_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE INDEX [schedule_exceptions_starts_idx] ON [schedule_exceptions] ([starts_at]);--> statement-breakpoint
CREATE UNIQUE INDEX [vet_hours_uq] ON [vet_hours] ([vet_id],[weekday],[start_minute]);