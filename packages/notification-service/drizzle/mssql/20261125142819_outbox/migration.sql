CREATE TABLE [outbox_messages] (
	[id] nvarchar(36),
	[idempotency_key] nvarchar(200) NOT NULL,
	[recipient] nvarchar(320) NOT NULL,
	[subject] nvarchar(998) NOT NULL,
	[text_body] nvarchar(max) NOT NULL,
	[html_body] nvarchar(max) NOT NULL,
	[message_id] nvarchar(255) NOT NULL,
	[state] nvarchar(16) NOT NULL,
	[attempts] int NOT NULL,
	[next_attempt_at] bigint NOT NULL,
	[lease_token] nvarchar(36),
	[lease_owner] nvarchar(128),
	[lease_until] bigint,
	[last_error] nvarchar(2000),
	[cancelled_by] nvarchar(200),
	[created_at] bigint NOT NULL,
	[updated_at] bigint NOT NULL,
	[sent_at] bigint,
	CONSTRAINT [outbox_messages_pkey] PRIMARY KEY([id])
);
--> statement-breakpoint
CREATE UNIQUE INDEX [outbox_messages_idempotency_key_uq] ON [outbox_messages] ([idempotency_key]);--> statement-breakpoint
CREATE INDEX [outbox_messages_due_ix] ON [outbox_messages] ([state],[next_attempt_at]);--> statement-breakpoint
CREATE INDEX [outbox_messages_recipient_ix] ON [outbox_messages] ([recipient],[state]);