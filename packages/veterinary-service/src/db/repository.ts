/**
 * The one storage interface the veterinary service's RPCs talk to. Both
 * dialects implement it (sqlite-repository.ts, mssql-repository.ts) and the
 * same contract suite (repository-contract.ts) runs against each. Every
 * method that writes more than one row does so in one local transaction.
 */

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

/** A vaccination row; `supersededBy` is the id of the newer one of the same vaccine. */
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
}

/** Outcome of inserting an appointment: overlaps are reported, not thrown. */
export type InsertAppointmentOutcome = { kind: "created" } | { kind: "overlap"; existing: AppointmentRow };

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

/** Test seams: a fault injected between the two writes of end-appointment must roll back both. */
export interface RepositoryFaults {
  afterAppointmentEnded?: () => void;
}

/** Storage of the veterinary service. */
export interface VeterinaryRepository {
  /** Checks for an overlapping non-cancelled appointment of the pet and inserts, atomically. */
  insertAppointment(row: AppointmentRow): Promise<InsertAppointmentOutcome>;
  getAppointment(id: string): Promise<AppointmentRow | undefined>;
  /** Ends a scheduled appointment and writes its consultation record in the same transaction. */
  endAppointment(input: EndAppointmentInput): Promise<TransitionOutcome<{ record: RecordRow }>>;
  cancelAppointment(id: string, at: number): Promise<TransitionOutcome<object>>;
  /** A pet's appointments with from <= startsAt < to, ordered by start. */
  listAppointments(petId: string, range: { from?: number; to?: number }): Promise<AppointmentRow[]>;
  /** A pet's records, newest first, strictly after `after` in that order. */
  listRecords(petId: string, limit: number, after?: { recordedAt: number; id: string }): Promise<RecordRow[]>;
  /**
   * Inserts a vaccination and settles supersession among the pet's
   * vaccinations of the same vaccine: the one with the latest administeredAt
   * (latest recorded on a tie) stays current, every other is superseded by it.
   * Returns the stored row (superseded at once when an even newer one exists).
   */
  recordVaccination(row: VaccinationRow): Promise<VaccinationRow>;
  /** A pet's vaccinations, newest administered first. */
  listVaccinations(petId: string): Promise<VaccinationRow[]>;
  /** Deletes everything held about the pets, in one transaction. Idempotent. */
  erasePets(petIds: readonly string[]): Promise<EraseCounts>;
  /** Null when the database answers; otherwise why not. */
  health(): Promise<string | null>;
  close(): Promise<void>;
}
