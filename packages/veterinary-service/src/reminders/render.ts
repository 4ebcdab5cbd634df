import type { ReminderRow } from "../db/repository.ts";

/** The email a reminder becomes. */
export interface ReminderEmail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** A due date as the owner reads it: the calendar day in UTC. */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function headline(stage: ReminderRow["stage"], pet: string, vaccine: string, day: string): string {
  switch (stage) {
    case "upcoming":
      return `${pet}'s ${vaccine} vaccination is due on ${day}`;
    case "due":
      return `${pet}'s ${vaccine} vaccination is due today (${day})`;
    case "overdue":
      return `${pet}'s ${vaccine} vaccination is overdue (it was due on ${day})`;
  }
}

/**
 * Renders a reminder as text and HTML (pet name, vaccine, due date, clinic).
 * Pure: what the owner receives is decided here and tested exactly; user
 * supplied names are HTML-escaped.
 */
export function renderReminder(input: {
  reminder: Pick<ReminderRow, "stage" | "vaccine" | "dueAt">;
  petName: string;
  clinicName: string;
}): ReminderEmail {
  const { reminder, petName, clinicName } = input;
  const day = formatDay(reminder.dueAt);
  const line = headline(reminder.stage, petName, reminder.vaccine, day);
  const ask = "Please contact us to book an appointment.";
  return {
    subject: `${clinicName}: ${line}`,
    text: `Hello,\n\n${line}.\n${ask}\n\n${clinicName}\n`,
    html: `<p>Hello,</p><p>${escapeHtml(line)}.<br>${ask}</p>` + `<p>${escapeHtml(clinicName)}</p>`,
  };
}
