CREATE TABLE `erased_pets` (
	`pet_id` text PRIMARY KEY,
	`saga_id` text NOT NULL,
	`erased_at` integer NOT NULL
);
