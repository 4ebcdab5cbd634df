import type { ReminderRow, ReminderStageName, VaccinationRow } from "../db/repository.ts";
import { DAY_MS } from "./instants.ts";

/** One configured stage: when it is sent relative to the due date. */
export interface StageOffset {
  stage: ReminderStageName;
  offsetMs: number;
}

const STAGES: readonly ReminderStageName[] = ["upcoming", "due", "overdue"];

/** The defaults: 14 days before, on the day, 7 days after. */
export const DEFAULT_REMINDER_OFFSETS = "upcoming=-14,due=0,overdue=7";

/**
 * Parses REMINDER_OFFSETS_DAYS (`upcoming=-14,due=0,overdue=7`; a stage left
 * out is not sent). Returns a message instead of throwing so config can name
 * the variable.
 */
export function parseReminderOffsets(text: string): StageOffset[] | string {
  const offsets: StageOffset[] = [];
  for (const entry of text.split(",")) {
    if (entry.trim() === "") continue;
    const [name, days, ...rest] = entry.split("=").map((part) => part.trim());
    const value = Number(days);
    if (
      !STAGES.includes(name as ReminderStageName) ||
      rest.length > 0 ||
      days === "" ||
      !Number.isInteger(value) ||
      Math.abs(value) > 3650
    ) {
      return `bad entry "${entry.trim()}": expected upcoming|due|overdue=<whole days, may be negative>`;
    }
    if (offsets.some((o) => o.stage === name)) return `stage ${name} given twice`;
    offsets.push({ stage: name as ReminderStageName, offsetMs: value * DAY_MS });
  }
  return offsets.sort((a, b) => a.offsetMs - b.offsetMs);
}

/** The id of a vaccination's stage; also the tail of the email's idempotency key. */
export function reminderId(vaccinationId: string, stage: ReminderStageName): string {
  return `${vaccinationId}:${stage}`;
}

/** The idempotency key the notification service dedupes on: `vaccination:<id>:<stage>`. */
export function reminderIdempotencyKey(reminder: Pick<ReminderRow, "vaccinationId" | "stage">): string {
  return `vaccination:${reminder.vaccinationId}:${reminder.stage}`;
}

/** The reminder rows a vaccination gets: one per configured stage, none without a due date. */
export function planReminders(
  vaccination: VaccinationRow,
  offsets: readonly StageOffset[],
  now: number,
): ReminderRow[] {
  const due = vaccination.nextDueAt;
  if (due === null) return [];
  return offsets.map(({ stage, offsetMs }) => ({
    id: reminderId(vaccination.id, stage),
    vaccinationId: vaccination.id,
    petId: vaccination.petId,
    vaccine: vaccination.vaccine,
    stage,
    dueAt: due,
    sendAt: due + offsetMs,
    status: "pending",
    claimedBy: null,
    leaseUntil: null,
    attempts: 0,
    lastError: null,
    sentAt: null,
    createdAt: now,
  }));
}

/** A due pending reminder with what the claim decision needs about its vaccination. */
export type ClaimCandidate = ReminderRow & { superseded: boolean };

/** What a claim transaction does with the due reminders it found. */
export interface ClaimPlan {
  claim: ClaimCandidate[];
  skip: ClaimCandidate[];
  cancel: ClaimCandidate[];
}

/**
 * Decides, per vaccination, which due reminders to claim: reminders of a
 * superseded (or vanished) vaccination are cancelled; of the rest only the
 * latest stage already due is sent and earlier due stages are skipped, so a
 * late scan (or a vaccination recorded after its due date) sends one email.
 * A reminder whose lease is still held by someone is left alone.
 */
export function planClaims(candidates: readonly ClaimCandidate[], now: number, limit: number): ClaimPlan {
  const plan: ClaimPlan = { claim: [], skip: [], cancel: [] };
  const byVaccination = new Map<string, ClaimCandidate[]>();
  for (const row of candidates) {
    const group = byVaccination.get(row.vaccinationId) ?? [];
    group.push(row);
    byVaccination.set(row.vaccinationId, group);
  }
  for (const group of byVaccination.values()) {
    if (group[0]!.superseded) {
      plan.cancel.push(...group);
      continue;
    }
    group.sort((a, b) => b.sendAt - a.sendAt);
    const [latest, ...earlier] = group;
    plan.skip.push(...earlier);
    const free = latest!.leaseUntil === null || latest!.leaseUntil <= now;
    if (free && plan.claim.length < limit) plan.claim.push(latest!);
  }
  return plan;
}
