import { migrationLayout } from "@vetmesh/kit/db";

/** This service's schemas and migrations in the kit's one layout (drizzle/<dialect>, src/db/schema-<dialect>.ts). */
export const LAYOUT = migrationLayout(new URL("../..", import.meta.url));

/** Where the committed drizzle-kit migrations of each dialect live (applied at start by the kit's runners). */
export const MIGRATIONS = LAYOUT.migrations;
