/**
 * Reads the notification service's mailbox folder (its `.eml` files when no
 * SMTP_URL is set), so cross-process tests can see which emails went out.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The .eml files in `mailDir` addressed to `email` ([] while the folder does not exist yet). */
export function mailTo(mailDir: string, email: string): string[] {
  let names: string[];
  try {
    names = readdirSync(mailDir).filter((name) => name.endsWith(".eml"));
  } catch {
    return [];
  }
  return names
    .map((name) => readFileSync(join(mailDir, name), "utf8"))
    .filter((text) => text.includes(`To: ${email}`));
}
