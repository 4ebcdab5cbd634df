/**
 * `make migrate` (part of `make init`): applies every service's committed
 * drizzle-kit migrations to its local SQLite database in the data folder, the
 * same code each service runs at start. Idempotent.
 */
import { mkdirSync } from "node:fs";
import { openOutboxRepository } from "../packages/notification-service/src/db/open-repository.ts";
import { openRepository as openOwner } from "../packages/owner-service/src/db/open-repository.ts";
import { openRepository as openVeterinary } from "../packages/veterinary-service/src/db/open-repository.ts";
import { layoutFromEnv } from "./processes.ts";

const layout = layoutFromEnv();
mkdirSync(layout.dataDir, { recursive: true });
const databases = [
  { name: "owner", open: openOwner },
  { name: "veterinary", open: (url: string) => openVeterinary(url) },
  { name: "notification", open: openOutboxRepository },
];
for (const { name, open } of databases) {
  const url = `sqlite:${layout.dataDir}/${name}.db`;
  const repository = await open(url);
  await repository.close();
  console.log(`migrated ${url}`);
}
