/**
 * The one storage interface the veterinary service's RPCs talk to. Both
 * dialects implement it (sqlite-repository.ts, mssql-repository.ts) and the
 * same contract suite (repository.contract.ts) runs against each. Every
 * method that writes more than one row does so in one local transaction.
 */

import { type DomainError, notFound } from "@vetmesh/kit";
import type { HoursSpan } from "../domain/working-hours.ts";

/** Lifecycle of an appointment as stored. */
export type AppointmentStatus = "scheduled" | "ended" | "cancelled";

/** An appointment row; instants are epoch milliseconds. */
export interface AppointmentRow {
  id: string;
  petId: string;
  startsAt: number;
  endsAt: number;
  durationMinutes: number;
  reason: string;
  status: AppointmentStatus;
  createdAt: number;
  endedAt: number | null;
  cancelledAt: number | null;
  /** The vet booked; null when the clinic has no vets configured. */
  vetId: string | null;
  /** The appointment type (a key of APPOINTMENT_TYPES); null when none was given. */
  type: string | null;
}

/** A consultation record row, written when its appointment ends. */
export interface RecordRow {
  id: string;
  petId: string;
  appointmentId: string;
  details: string;
  recordedAt: number;
  endedBy: string | null;
}

/**
 * A vaccination row; `supersededBy` is the id of the newer one of the same
 * vaccine; `requestId` the client's idempotency key (null without one).
 */
export interface VaccinationRow {
  id: string;
  petId: string;
  vaccine: string;
  vaccineKey: string;
  administeredAt: number;
  nextDueAt: number | null;
  batch: string | null;
  notes: string | null;
  supersededBy: string | null;
  recordedAt: number;
  requestId: string | null;
}

/** The reminder stages, in the order they fall due. */
export type ReminderStageName = "upcoming" | "due" | "overdue";

/** A reminder row: one stage of one vaccination. */
export interface ReminderRow {
  id: string;
  vaccinationId: string;
  petId: string;
  vaccine: string;
  stage: ReminderStageName;
  dueAt: number;
  sendAt: number;
  /** `dead`: given up on (rejected by the notification service, or REMINDER_MAX_ATTEMPTS failed attempts). */
  status: "pending" | "sent" | "cancelled" | "skipped" | "dead";
  claimedBy: string | null;
  leaseUntil: number | null;
  attempts: number;
  lastError: string | null;
  sentAt: number | null;
  createdAt: number;
}

/** What a scanner asks for when it claims due reminders. */
export interface ClaimRequest {
  now: number;
  owner: string;
  leaseMs: number;
  limit: number;
}

/**
 * Outcome of inserting an appointment: overlaps are reported, not thrown.
 * `vetId` is the vet picked from the candidates; `vet_busy` means every
 * candidate already has an appointment overlapping the new one.
 */
export type InsertAppointmentOutcome =
  | { kind: "created"; vetId?: string }
  | { kind: "overlap"; existing: AppointmentRow }
  | { kind: "vet_busy"; existing?: AppointmentRow }
  /** The pet already has an appointment made under this request id: it, unchanged. */
  | { kind: "repeat"; appointment: AppointmentRow };

/** A vet of the clinic. */
export interface VetRow {
  id: string;
  name: string;
  createdAt: number;
}

/** A vet with their weekly working hours (sorted by weekday, start). */
export interface VetWithHours extends VetRow {
  hours: HoursSpan[];
}

/** Leave of a vet, or with vetId null a clinic holiday: [startsAt, endsAt) cannot be booked. */
export interface ExceptionRow {
  id: string;
  vetId: string | null;
  startsAt: number;
  endsAt: number;
  reason: string;
  createdAt: number;
}

/** The scheduling half of the storage: vets, hours, exceptions. */
export interface ScheduleRepository {
  /** Inserts a vet and their hours in one transaction. */
  createVet(vet: VetRow, hours: readonly HoursSpan[]): Promise<void>;
  /** Every vet with hours, in creation order. */
  listVets(): Promise<VetWithHours[]>;
  /** Replaces a vet's hours atomically; undefined for an unknown vet. */
  replaceVetHours(vetId: string, hours: readonly HoursSpan[]): Promise<VetWithHours | undefined>;
  addException(row: ExceptionRow): Promise<void>;
  /** False when no such exception exists. */
  removeException(id: string): Promise<boolean>;
  /** Exceptions (every vet's and the clinic's) overlapping [from, to), by start. */
  listExceptions(range: { from: number; to: number }): Promise<ExceptionRow[]>;
  /**
   * The booked time of vets (optionally one vet) overlapping [from, to): every
   * non-cancelled appointment with a vet, as three columns only — the hot path
   * of the free-slot search. `longestMs` bounds how long before `from` an
   * overlapping appointment can start, so the scan stays on the start index.
   */
  listBusySpans(range: BusyRange): Promise<BusySpan[]>;
}

/** What {@link ScheduleRepository.listBusySpans} is asked for. */
export interface BusyRange {
  from: number;
  to: number;
  longestMs: number;
  vetId?: string;
}

/** A vet's booked span [startsAt, endsAt). */
export interface BusySpan {
  vetId: string;
  startsAt: number;
  endsAt: number;
}

/** Outcome of a state change on an appointment (end or cancel). */
export type TransitionOutcome<T> =
  | ({ kind: "done"; appointment: AppointmentRow } & T)
  | { kind: "not_found" }
  | { kind: "not_scheduled"; appointment: AppointmentRow };

/** What ending an appointment writes, both rows in one transaction. */
export interface EndAppointmentInput {
  appointmentId: string;
  endedAt: number;
  recordId: string;
  details: string;
  endedBy: string | null;
}

/** Counts of what ErasePets removed. */
export interface EraseCounts {
  appointments: number;
  records: number;
  vaccinations: number;
  reminders: number;
}

/** Who erased a pet, and when: the tombstone ErasePets leaves behind. */
export interface ErasedPet {
  sagaId: string;
  erasedAt: number;
}

/**
 * The error both inserts throw for a tombstoned pet (inside their
 * transaction, so nothing is written); the same NotFound the owner lookup gives.
 */
export function petErased(petId: string): DomainError {
  return notFound(`pet ${petId} not found`);
}

/** Test seams: a fault injected between the two writes of end-appointment must roll back both. */
export interface RepositoryFaults {
  afterAppointmentEnded?: () => void;
}

/** A claimed appointment reminder: what the email needs. */
export type DueAppointmentReminder = Pick<
  AppointmentRow,
  "id" | "petId" | "startsAt" | "endsAt" | "vetId" | "type"
>;

/** What the appointment-reminder scanner asks for when it claims due reminders. */
export interface AppointmentReminderClaim {
  now: number;
  /** How long before its start an appointment's reminder falls due (24 h). */
  leadMs: number;
  owner: string;
  leaseMs: number;
  limit: number;
}

/**
 * The owner reminder of each appointment (24 h before it), kept on the
 * appointment row itself: sent once (reminder_sent_at), claimed under a lease
 * so one replica sends it, never for an appointment that is not scheduled.
 */
export interface AppointmentReminderRepository {
  /**
   * Claims, atomically, scheduled appointments starting in (now, now + leadMs]
   * whose reminder is unsent and not held by a live lease, earliest first.
   */
  claimAppointmentReminders(claim: AppointmentReminderClaim): Promise<DueAppointmentReminder[]>;
  /** Marks the reminder sent; false when `owner`'s claim was lost (lease taken over) or it was sent already. */
  markAppointmentReminderSent(id: string, owner: string, at: number): Promise<boolean>;
  /** Gives a claimed reminder back for another attempt at `retryAt`. */
  releaseAppointmentReminder(id: string, owner: string, retryAt: number): Promise<void>;
}

/** Storage of the veterinary service. */
export interface VeterinaryRepository extends ScheduleRepository, AppointmentReminderRepository {
  /**
   * Checks for an overlapping non-cancelled appointment of the pet and inserts, atomically.
   * Throws petErased (NotFound) when the pet is tombstoned, checked in the same transaction.
   * With `vetCandidates` (non-empty), also picks, in the same transaction and in
   * the given order, the first candidate vet without an overlapping
   * non-cancelled appointment and stores the row with that vetId; none free is
   * `vet_busy`. Two concurrent inserts can never both take one vet's time.
   * With a `requestId` (the client's idempotency key), a pet that already has
   * an appointment under it gets that one back (`repeat`) and nothing is
   * written; UNIQUE (pet_id, request_id) stops two racing repeats both writing.
   */
  insertAppointment(
    row: AppointmentRow,
    vetCandidates?: readonly string[],
    requestId?: string | null,
  ): Promise<InsertAppointmentOutcome>;
  getAppointment(id: string): Promise<AppointmentRow | undefined>;
  /** Ends a scheduled appointment and writes its consultation record in the same transaction. */
  endAppointment(input: EndAppointmentInput): Promise<TransitionOutcome<{ record: RecordRow }>>;
  cancelAppointment(id: string, at: number): Promise<TransitionOutcome<object>>;
  /** A pet's appointments with from <= startsAt < to, ordered by start. */
  listAppointments(petId: string, range: { from?: number; to?: number }): Promise<AppointmentRow[]>;
  /** The whole clinic's appointments (optionally one vet's) with from <= startsAt < to, ordered by start. */
  listClinicAppointments(range: { from: number; to: number; vetId?: string }): Promise<AppointmentRow[]>;
  /** A pet's records, newest first, strictly after `after` in that order. */
  listRecords(petId: string, limit: number, after?: { recordedAt: number; id: string }): Promise<RecordRow[]>;
  /**
   * Inserts a vaccination and settles supersession among the pet's
   * vaccinations of the same vaccine: the one with the latest administeredAt
   * (latest recorded on a tie) stays current, every other is superseded by it.
   * Returns the stored row (superseded at once when an even newer one exists).
   * In the same transaction: inserts `reminders` for the new row unless it is
   * superseded at once, and cancels pending reminders of the rows it supersedes.
   * Throws petErased (NotFound), writing nothing, when the pet is tombstoned.
   * Idempotent per (petId, requestId): when the pet already has a vaccination
   * with the row's non-null requestId, returns that one and writes nothing
   * (no second row, no reminders, no supersession), also under concurrency.
   */
  recordVaccination(row: VaccinationRow, reminders?: readonly ReminderRow[]): Promise<VaccinationRow>;
  /** A pet's vaccinations, newest administered first. */
  listVaccinations(petId: string): Promise<VaccinationRow[]>;
  /**
   * Deletes everything held about the pets and tombstones them (first erase
   * wins: a repeated call keeps the original saga and time), in one
   * transaction. Idempotent.
   */
  erasePets(petIds: readonly string[], tombstone: ErasedPet): Promise<EraseCounts>;
  /** The pet's tombstone, if ErasePets has erased it. */
  getErasedPet(petId: string): Promise<ErasedPet | undefined>;
  /**
   * Claims due reminders for `owner` until now + leaseMs, atomically, so two
   * replicas never hold the same one. Only the latest due stage of a
   * vaccination is claimed; earlier due stages of it are marked skipped (one
   * email, not a burst, when a scan comes late). Reminders of superseded
   * vaccinations are cancelled instead of claimed. Rows whose lease is held
   * are passed over, and rows tried fewest times come first, so neither
   * another replica's claims nor old failing rows starve newer reminders.
   */
  claimDueReminders(request: ClaimRequest): Promise<ReminderRow[]>;
  /** Marks a claimed reminder sent; false when the claim was lost (lease expired and taken, or erased). */
  markReminderSent(id: string, owner: string, at: number): Promise<boolean>;
  /** Gives a claimed reminder back for another attempt at `retryAt`. */
  releaseReminder(id: string, owner: string, retryAt: number, error: string): Promise<void>;
  /** Cancels a reminder for good (e.g. the pet is gone at the owner service). */
  cancelReminder(id: string, reason: string): Promise<void>;
  /** Gives up on a claimed reminder: `dead`, never claimed again (the scanner's dead letter). */
  deadLetterReminder(id: string, owner: string, error: string): Promise<void>;
  /** Pending reminders already due at `now`: how many, and the send time of the oldest (scanner lag). */
  dueReminderBacklog(now: number): Promise<{ count: number; oldestSendAt: number | null }>;
  /** A pet's reminders still to be sent (pending, vaccination current), by send time. */
  listPendingReminders(petId: string): Promise<ReminderRow[]>;
  /** A pet's reminders already sent, newest sent first: what the front desk shows beside the pending ones. */
  listSentReminders(petId: string): Promise<ReminderRow[]>;
  /** Null when the database answers; otherwise why not. */
  health(): Promise<string | null>;
  close(): Promise<void>;
}
