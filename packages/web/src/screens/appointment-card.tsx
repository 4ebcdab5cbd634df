import type { Appointment } from "../api/types.ts";
import { formatTime } from "../dates.ts";
import { href } from "../router.ts";

const STATUS_WORDS: Record<string, string> = {
  scheduled: "Scheduled",
  ended: "Ended",
  cancelled: "Cancelled",
};

/** The status as a coloured word (not colour alone: the word is always there). */
export function StatusBadge(props: { status: string }) {
  return <span class={`badge badge-${props.status}`}>{STATUS_WORDS[props.status] ?? props.status}</span>;
}

/** One appointment in a calendar column: time, length, reason, status, link to the pet. */
export function AppointmentCard(props: { appointment: Appointment }) {
  const a = props.appointment;
  const end = new Date(new Date(a.dateTime).getTime() + a.durationMinutes * 60_000).toISOString();
  return (
    <li class={`slot slot-${a.status}`}>
      <div class="slot-time">
        {formatTime(a.dateTime)}–{formatTime(end)}
      </div>
      <div class="slot-body">
        <a href={href({ name: "pet", petId: a.petId })}>{a.reason || a.type || "Appointment"}</a>
        <span class="muted">
          {a.durationMinutes} min{a.vetId ? ` · ${a.vetId}` : ""}
        </span>
      </div>
      <StatusBadge status={a.status} />
    </li>
  );
}
