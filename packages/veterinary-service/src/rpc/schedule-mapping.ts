import { create } from "@bufbuild/protobuf";
import {
  type ScheduleException,
  ScheduleExceptionSchema,
  type Vet,
  VetSchema,
  WorkingHoursSchema,
} from "@vetmesh/contracts/veterinary/v1/veterinary";
import type { ExceptionRow, VetWithHours } from "../db/repository.ts";
import { formatInstant } from "../domain/instants.ts";
import { formatClock } from "../domain/working-hours.ts";

/** Row → wire message; hours as local "HH:MM". */
export function toVet(row: VetWithHours): Vet {
  return create(VetSchema, {
    id: row.id,
    name: row.name,
    workingHours: row.hours.map((span) =>
      create(WorkingHoursSchema, {
        weekday: span.weekday,
        start: formatClock(span.startMinute),
        end: formatClock(span.endMinute),
      }),
    ),
  });
}

/** Row → wire message; a clinic-wide exception has an empty vet_id. */
export function toException(row: ExceptionRow): ScheduleException {
  return create(ScheduleExceptionSchema, {
    id: row.id,
    vetId: row.vetId ?? "",
    startsAt: formatInstant(row.startsAt),
    endsAt: formatInstant(row.endsAt),
    reason: row.reason,
  });
}
