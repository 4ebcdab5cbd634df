/**
 * The invariant checker of the removal saga: scans the owner, veterinary and
 * notification SQLite databases (attached to one read connection) for rows
 * that point at an owner or pet that no longer exists (every table that names
 * one: pets, appointments, records, vaccinations, reminders, outbox messages in
 * any state, finished saga rows) and the mailbox folder for files addressed to
 * one, and for saga-log states that contradict the data. Its other half,
 * personal-data.ts, scans every column of every table for the owner's data. Returns one sentence per violation, so a
 * test can `expect(findOrphans(files)).toEqual([])` and see what leaked.
 */
import { Database } from "bun:sqlite";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Paths of the services' SQLite files (a missing file counts as an empty database) and the mailbox folder. */
export interface DatabaseFiles {
  owner: string;
  veterinary?: string;
  notification?: string;
  /** The notification service's MAILBOX_DIR: every .eml file must be addressed to an existing owner. */
  mailbox?: string;
}

/** Mailbox files whose To: address is not an existing owner's. */
function mailboxOrphans(db: Database, mailbox: string): string[] {
  if (!existsSync(mailbox)) return [];
  const found: string[] = [];
  for (const file of readdirSync(mailbox).filter((name) => name.endsWith(".eml"))) {
    const header = readFileSync(join(mailbox, file), "utf8").match(
      /^To: (?:.*<)?([^<>\s]+@[^<>\s]+?)>?\s*$/im,
    );
    const to = header?.[1]?.toLowerCase() ?? "";
    if (!db.query("SELECT 1 FROM main.owners WHERE email = ?").get(to)) {
      found.push(`mailbox: file addressed to an owner that does not exist (${file})`);
    }
  }
  return found;
}

type Check = { db: "owner" | "veterinary" | "notification"; what: string; sql: string };

const CHECKS: Check[] = [
  {
    db: "owner",
    what: "pet whose owner does not exist",
    sql: "SELECT p.id AS id FROM main.pets p LEFT JOIN main.owners o ON o.id = p.owner_id WHERE o.id IS NULL",
  },
  {
    db: "owner",
    what: "owner hidden by a saga that is not in the log",
    sql:
      "SELECT o.id AS id FROM main.owners o LEFT JOIN main.removal_sagas s ON s.id = o.removal_saga_id " +
      "WHERE o.removal_saga_id IS NOT NULL AND s.id IS NULL",
  },
  {
    db: "owner",
    what: "saga marked done while its owner still exists",
    sql: "SELECT s.id AS id FROM main.removal_sagas s JOIN main.owners o ON o.id = s.owner_id WHERE s.step = 'done'",
  },
  {
    db: "owner",
    what: "finished saga that still holds the owner's address or an error",
    sql: "SELECT s.id AS id FROM main.removal_sagas s WHERE s.step = 'done' AND (s.owner_email <> '' OR s.last_error IS NOT NULL)",
  },
  ...["appointments", "consultation_records", "vaccinations", "reminders"].map(
    (table): Check => ({
      db: "veterinary",
      what: `${table} row of a pet that does not exist`,
      sql: `SELECT v.id AS id FROM vet.${table} v LEFT JOIN main.pets p ON p.id = v.pet_id WHERE p.id IS NULL`,
    }),
  ),
  {
    db: "notification",
    what: "email (pending, sent, dead or cancelled) still addressed to an owner that does not exist",
    sql:
      "SELECT m.id AS id FROM notif.outbox_messages m LEFT JOIN main.owners o ON o.email = lower(trim(m.recipient)) " +
      "WHERE m.recipient <> '' AND o.id IS NULL",
  },
  {
    db: "notification",
    what: "email whose address was erased but whose subject or bodies were not",
    sql:
      "SELECT m.id AS id FROM notif.outbox_messages m " +
      "WHERE m.recipient = '' AND (m.subject <> '' OR m.text_body <> '' OR m.html_body <> '' OR m.last_error IS NOT NULL)",
  },
];

function hasTable(db: Database, schema: string, table: string): boolean {
  return (
    db.query(`SELECT 1 FROM ${schema}.sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== null
  );
}

/** Every orphan or contradiction found, as sentences; [] when the databases are consistent. */
export function findOrphans(files: DatabaseFiles): string[] {
  if (!existsSync(files.owner)) throw new Error(`owner database ${files.owner} does not exist`);
  const db = new Database(files.owner, { readwrite: true, create: false });
  try {
    db.run("PRAGMA busy_timeout = 5000");
    const attached = new Set<string>(["owner"]);
    if (files.veterinary && existsSync(files.veterinary)) {
      db.run("ATTACH DATABASE ? AS vet", [files.veterinary]);
      attached.add("veterinary");
    }
    if (files.notification && existsSync(files.notification)) {
      db.run("ATTACH DATABASE ? AS notif", [files.notification]);
      attached.add("notification");
    }
    const schemaOf = { owner: "main", veterinary: "vet", notification: "notif" } as const;
    const violations: string[] = [];
    for (const check of CHECKS) {
      if (!attached.has(check.db)) continue;
      const table = check.sql.match(/FROM (\w+)\.(\w+)/);
      if (table && !hasTable(db, schemaOf[check.db], table[2] ?? "")) continue;
      const rows = db.query(check.sql).all() as Array<{ id: string }>;
      for (const row of rows) violations.push(`${check.db}: ${check.what} (id ${row.id})`);
    }
    if (files.mailbox) violations.push(...mailboxOrphans(db, files.mailbox));
    return violations;
  } finally {
    db.close();
  }
}

/** Counts of the rows that mention any of these owners/pets/emails anywhere: all zero after a removal. */
export function rowsAbout(
  files: DatabaseFiles,
  about: { ownerIds: string[]; petIds: string[]; emails: string[] },
): Record<string, number> {
  const counts: Record<string, number> = {};
  const count = (path: string | undefined, label: string, sql: string, values: string[]) => {
    if (!path || !existsSync(path) || values.length === 0) return;
    const db = new Database(path, { readwrite: true, create: false });
    try {
      db.run("PRAGMA busy_timeout = 5000");
      const marks = values.map(() => "?").join(",");
      const row = db.query(sql.replace("$IN", `(${marks})`)).get(...values) as { n: number };
      counts[label] = row.n;
    } finally {
      db.close();
    }
  };
  count(files.owner, "owners", "SELECT count(*) AS n FROM owners WHERE id IN $IN", about.ownerIds);
  count(files.owner, "pets", "SELECT count(*) AS n FROM pets WHERE id IN $IN", about.petIds);
  count(files.owner, "petsOfOwner", "SELECT count(*) AS n FROM pets WHERE owner_id IN $IN", about.ownerIds);
  for (const table of ["appointments", "consultation_records", "vaccinations"]) {
    count(files.veterinary, table, `SELECT count(*) AS n FROM ${table} WHERE pet_id IN $IN`, about.petIds);
  }
  count(
    files.notification,
    "pendingEmails",
    "SELECT count(*) AS n FROM outbox_messages WHERE state = 'pending' AND lower(recipient) IN $IN",
    about.emails,
  );
  return counts;
}
