import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findOrphans, rowsAbout } from "./invariants.ts";

/** The checker must see every kind of leak it claims to, or the saga tests could not fail. */
const dir = mkdtempSync(join(tmpdir(), "invariants-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function create(path: string, statements: string[]) {
  const db = new Database(path, { create: true });
  for (const statement of statements) db.run(statement);
  db.close();
}

describe("invariant checker", () => {
  const files = { owner: join(dir, "o.db"), veterinary: join(dir, "v.db"), notification: join(dir, "n.db") };
  create(files.owner, [
    "CREATE TABLE owners (id TEXT PRIMARY KEY, email TEXT, removal_saga_id TEXT)",
    "CREATE TABLE pets (id TEXT PRIMARY KEY, owner_id TEXT)",
    "CREATE TABLE removal_sagas (id TEXT PRIMARY KEY, owner_id TEXT, step TEXT, owner_email TEXT, last_error TEXT)",
    "INSERT INTO owners VALUES ('o1', 'kept@example.org', NULL), ('o2', 'hidden@example.org', 's-missing'), ('o3', 'x@example.org', 's3')",
    // s3: done but its owner is still there and it keeps the address; s4: done and scrubbed; s5: done, error kept.
    "INSERT INTO removal_sagas VALUES ('s3', 'o3', 'done', 'x@example.org', NULL), ('s4', 'o-gone-4', 'done', '', NULL), ('s5', 'o-gone-5', 'done', '', 'boom')",
    "INSERT INTO pets VALUES ('p1', 'o1'), ('p-orphan', 'o-gone')",
  ]);
  create(files.veterinary, [
    "CREATE TABLE appointments (id TEXT PRIMARY KEY, pet_id TEXT)",
    "CREATE TABLE consultation_records (id TEXT PRIMARY KEY, pet_id TEXT)",
    "CREATE TABLE vaccinations (id TEXT PRIMARY KEY, pet_id TEXT)",
    "CREATE TABLE reminders (id TEXT PRIMARY KEY, pet_id TEXT)",
    "INSERT INTO reminders VALUES ('rm1', 'p-gone')",
    "INSERT INTO appointments VALUES ('a1', 'p1'), ('a2', 'p-gone')",
    "INSERT INTO consultation_records VALUES ('r1', 'p-gone')",
    "INSERT INTO vaccinations VALUES ('v1', 'p1')",
  ]);
  create(files.notification, [
    "CREATE TABLE outbox_messages (id TEXT PRIMARY KEY, recipient TEXT, state TEXT, subject TEXT, text_body TEXT, html_body TEXT, last_error TEXT)",
    // m4 was scrubbed by a removal; m5 lost its address but kept its subject.
    "INSERT INTO outbox_messages VALUES ('m1', 'Kept@example.org', 'pending', 's', 't', 'h', NULL), ('m2', 'gone@example.org', 'pending', 's', 't', 'h', NULL), ('m3', 'gone@example.org', 'cancelled', 's', 't', 'h', NULL), ('m4', '', 'cancelled', '', '', '', NULL), ('m5', '', 'sent', 'Rex is due', '', '', NULL)",
  ]);

  test("reports each orphan and contradiction, and nothing else", () => {
    expect(findOrphans(files).sort()).toEqual(
      [
        "owner: pet whose owner does not exist (id p-orphan)",
        "owner: owner hidden by a saga that is not in the log (id o2)",
        "owner: saga marked done while its owner still exists (id s3)",
        "owner: finished saga that still holds the owner's address or an error (id s3)",
        "owner: finished saga that still holds the owner's address or an error (id s5)",
        "veterinary: appointments row of a pet that does not exist (id a2)",
        "veterinary: consultation_records row of a pet that does not exist (id r1)",
        "veterinary: reminders row of a pet that does not exist (id rm1)",
        "notification: email (pending, sent, dead or cancelled) still addressed to an owner that does not exist (id m2)",
        "notification: email (pending, sent, dead or cancelled) still addressed to an owner that does not exist (id m3)",
        "notification: email whose address was erased but whose subject or bodies were not (id m5)",
      ].sort(),
    );
  });

  test("counts the rows about given owners, pets and emails", () => {
    expect(rowsAbout(files, { ownerIds: ["o1"], petIds: ["p1"], emails: ["kept@example.org"] })).toEqual({
      owners: 1,
      pets: 1,
      petsOfOwner: 1,
      appointments: 1,
      consultation_records: 0,
      vaccinations: 1,
      pendingEmails: 1,
    });
  });
});
