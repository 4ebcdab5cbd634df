CREATE TABLE [erased_pets] (
	[pet_id] nvarchar(128),
	[saga_id] nvarchar(128) NOT NULL,
	[erased_at] bigint NOT NULL,
	CONSTRAINT [erased_pets_pkey] PRIMARY KEY([pet_id])
);
