CREATE TABLE [appointments] (
	[id] nvarchar(64),
	[pet_id] nvarchar(128) NOT NULL,
	[starts_at] bigint NOT NULL,
	[ends_at] bigint NOT NULL,
	[duration_minutes] int NOT NULL,
	[reason] nvarchar(1000) NOT NULL CONSTRAINT [appointments_reason_default] DEFAULT (''),
	[status] nvarchar(16) NOT NULL,
	[created_at] bigint NOT NULL,
	[ended_at] bigint,
	[cancelled_at] bigint,
	CONSTRAINT [appointments_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE TABLE [consultation_records] (
	[id] nvarchar(64),
	[pet_id] nvarchar(128) NOT NULL,
	[appointment_id] nvarchar(64) NOT NULL,
	[details] nvarchar(max) NOT NULL,
	[recorded_at] bigint NOT NULL,
	[ended_by] nvarchar(256),
	CONSTRAINT [consultation_records_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE TABLE [vaccinations] (
	[id] nvarchar(64),
	[pet_id] nvarchar(128) NOT NULL,
	[vaccine] nvarchar(200) NOT NULL,
	[vaccine_key] nvarchar(200) NOT NULL,
	[administered_at] bigint NOT NULL,
	[next_due_at] bigint,
	[batch] nvarchar(200),
	[notes] nvarchar(2000),
	[superseded_by] nvarchar(64),
	[recorded_at] bigint NOT NULL,
	CONSTRAINT [vaccinations_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE INDEX [appointments_pet_starts_idx] ON [appointments] ([pet_id],[starts_at]);--> statement-breakpoint
CREATE UNIQUE INDEX [consultation_records_appointment_uq] ON [consultation_records] ([appointment_id]);--> statement-breakpoint
CREATE INDEX [consultation_records_pet_recorded_idx] ON [consultation_records] ([pet_id],[recorded_at],[id]);--> statement-breakpoint
CREATE INDEX [vaccinations_pet_vaccine_idx] ON [vaccinations] ([pet_id],[vaccine_key],[administered_at]);