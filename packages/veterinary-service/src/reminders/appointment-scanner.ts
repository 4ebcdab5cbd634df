import { createClient, type Transport } from "@connectrpc/connect";
import { ROUTING_KEY_HEADER } from "@vetmesh/balancer";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { DomainError, type Logger, parseEmailAddress } from "@vetmesh/kit";
import type { DueAppointmentReminder, VeterinaryRepository } from "../db/repository.ts";
import type { PetLookup } from "../rpc/owner-lookup.ts";
import type { ReminderEmail } from "./render.ts";
import { createScanLoop } from "./scan-loop.ts";

/** An appointment's reminder goes out this long before it starts (or at once when booked later). */
export const APPOINTMENT_REMINDER_LEAD_MS = 24 * 3_600_000;

/** The notification service's idempotency key of an appointment's reminder: one email per appointment. */
export const appointmentReminderKey = (id: string) => `appointment:${id}:24h`;

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** The reminder email of an appointment: pet, local day and time in the clinic's zone, type, clinic. Pure. */
export function renderAppointmentReminder(input: {
  appointment: Pick<DueAppointmentReminder, "startsAt" | "type">;
  petName: string;
  clinicName: string;
  timeZone: string;
}): ReminderEmail {
  const { appointment, petName, clinicName, timeZone } = input;
  const when = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    dateStyle: "full",
    timeStyle: "short",
  }).format(appointment.startsAt);
  const what = appointment.type ? `${appointment.type} appointment` : "appointment";
  const line = `${petName}'s ${what} is on ${when}`;
  const ask = "If you cannot come, please cancel or let us know.";
  return {
    subject: `${clinicName}: ${line}`,
    text: `Hello,\n\n${line}.\n${ask}\n\n${clinicName}\n`,
    html: `<p>Hello,</p><p>${escapeHtml(line)}.<br>${ask}</p><p>${escapeHtml(clinicName)}</p>`,
  };
}

/** What one scan of appointment reminders did. */
export interface AppointmentScanResult {
  claimed: number;
  sent: number;
  retried: number;
  /** Not sent and never will be: the pet or the owner's address is gone or unusable. */
  dropped: number;
}

/**
 * Sends each scheduled appointment's reminder to the owner 24 h before it
 * starts, once: claimed under a lease (one replica sends it), enqueued in the
 * notification outbox under the key `appointment:<id>:24h` (a second enqueue
 * after a crash is a no-op there), then marked sent. A cancelled or erased
 * appointment is never claimed, so its reminder never goes out.
 */
export function createAppointmentReminderScanner(options: {
  repository: VeterinaryRepository;
  pets: PetLookup;
  notificationTransport: Transport;
  clock: () => Date;
  instanceId: string;
  leaseMs: number;
  retryMs: number;
  batchSize: number;
  clinicName: string;
  clinicTimeZone: string;
  notificationTimeoutMs: number;
  logger: Logger;
}) {
  const notifications = createClient(NotificationService, options.notificationTransport);
  const { repository, logger, instanceId } = options;
  const now = () => options.clock().getTime();

  async function deliver(appointment: DueAppointmentReminder): Promise<"sent" | "retried" | "dropped"> {
    const drop = async (why: string) => {
      // Marked as handled, so it is not claimed again; the log says why nothing was sent.
      await repository.markAppointmentReminderSent(appointment.id, instanceId, now());
      logger.warn("appointment reminder dropped", { appointment: appointment.id, reason: why });
      return "dropped" as const;
    };
    try {
      const { pet, owner } = await options.pets.getPet(appointment.petId);
      const address = parseEmailAddress(owner?.email ?? "");
      if (!address.ok) return await drop(`owner's address: ${address.reason}`);
      const key = appointmentReminderKey(appointment.id);
      const email = renderAppointmentReminder({
        appointment,
        petName: pet.name,
        clinicName: options.clinicName,
        timeZone: options.clinicTimeZone,
      });
      await notifications.enqueueEmail(
        { idempotencyKey: key, recipient: address.address, ...email },
        { timeoutMs: options.notificationTimeoutMs, headers: { [ROUTING_KEY_HEADER]: key } },
      );
      await repository.markAppointmentReminderSent(appointment.id, instanceId, now());
      logger.info("appointment reminder enqueued", { appointment: appointment.id, idempotencyKey: key });
      return "sent";
    } catch (error) {
      if (error instanceof DomainError && error.kind === "not_found") return drop("pet not found");
      await repository.releaseAppointmentReminder(appointment.id, instanceId, now() + options.retryMs);
      logger.warn("appointment reminder deferred", { appointment: appointment.id, error });
      return "retried";
    }
  }

  async function scanOnce(): Promise<AppointmentScanResult> {
    const claimed = await repository.claimAppointmentReminders({
      now: now(),
      leadMs: APPOINTMENT_REMINDER_LEAD_MS,
      owner: instanceId,
      leaseMs: options.leaseMs,
      limit: options.batchSize,
    });
    const result: AppointmentScanResult = { claimed: claimed.length, sent: 0, retried: 0, dropped: 0 };
    for (const appointment of claimed) result[await deliver(appointment)]++;
    return result;
  }

  return {
    scanOnce,
    ...createScanLoop(scanOnce, (error) => logger.error("appointment reminder scan failed", { error })),
  };
}

/** A started or startable appointment reminder scanner. */
export type AppointmentReminderScanner = ReturnType<typeof createAppointmentReminderScanner>;
