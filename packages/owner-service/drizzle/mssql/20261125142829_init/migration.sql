CREATE TABLE [owners] (
	[id] varchar(36),
	[email] nvarchar(254) NOT NULL,
	[created_at] bigint NOT NULL,
	[removal_saga_id] varchar(36),
	CONSTRAINT [owners_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE TABLE [pets] (
	[id] varchar(36),
	[owner_id] varchar(36) NOT NULL,
	[type] nvarchar(100) NOT NULL,
	[race] nvarchar(100) NOT NULL,
	[name] nvarchar(100) NOT NULL,
	[created_at] bigint NOT NULL,
	CONSTRAINT [pets_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE TABLE [removal_sagas] (
	[id] varchar(36),
	[owner_id] varchar(36) NOT NULL,
	[owner_email] nvarchar(254) NOT NULL,
	[step] varchar(32) NOT NULL,
	[attempts] int NOT NULL CONSTRAINT [removal_sagas_attempts_default] DEFAULT ((0)),
	[last_error] nvarchar(1000),
	[lease_owner] varchar(128),
	[lease_until] bigint,
	[created_at] bigint NOT NULL,
	[updated_at] bigint NOT NULL,
	[completed_at] bigint,
	CONSTRAINT [removal_sagas_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
ALTER TABLE [pets] ADD CONSTRAINT [pets_owner_id_owners_id_fk] FOREIGN KEY ([owner_id]) REFERENCES [owners]([id]);--> statement-breakpoint
CREATE UNIQUE INDEX [owners_email_uq] ON [owners] ([email]);--> statement-breakpoint
CREATE INDEX [pets_owner_created_idx] ON [pets] ([owner_id],[created_at]);--> statement-breakpoint
CREATE UNIQUE INDEX [removal_sagas_owner_uq] ON [removal_sagas] ([owner_id]);--> statement-breakpoint
CREATE INDEX [removal_sagas_step_idx] ON [removal_sagas] ([step]);