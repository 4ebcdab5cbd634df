import { useState } from "preact/hooks";
import { ApiError } from "../api/client.ts";
import type { Appointment } from "../api/types.ts";
import { useServices } from "../context.ts";
import { formatDateTime, localInputToIso, nextHourInput } from "../dates.ts";
import { useAction, useAsync } from "../ui/async.ts";
import { Empty, ErrorMessage, SuccessMessage } from "../ui/feedback.tsx";
import { Card, Field, Loaded } from "../ui/section.tsx";
import { StatusBadge } from "./appointment-card.tsx";

/** A pet's appointments: book one (a conflict is said in words), cancel, or end with notes. */
export function PetAppointments(props: { petId: string; onEnded: () => void }) {
  const { api } = useServices();
  const list = useAsync(() => api.petAppointments(props.petId), [props.petId]);
  const [when, setWhen] = useState(() => nextHourInput(new Date()));
  const [minutes, setMinutes] = useState("30");
  const [reason, setReason] = useState("");
  const book = useAction();

  return (
    <Card title="Appointments" id="appointments">
      <form
        class="form"
        onSubmit={async (event) => {
          event.preventDefault();
          const ok = await book.run(async () => {
            const dateTime = localInputToIso(when);
            if (!dateTime) throw new Error("invalid date");
            await api.makeAppointment({
              petId: props.petId,
              dateTime,
              durationMinutes: Number(minutes),
              reason: reason.trim() || undefined,
            });
            return `Booked for ${formatDateTime(dateTime)}.`;
          });
          if (ok) {
            setReason("");
            list.reload();
          }
        }}
      >
        <div class="form-grid">
          <Field label="Date and time" id="book-when">
            <input
              id="book-when"
              type="datetime-local"
              required
              value={when}
              onInput={(e) => setWhen(e.currentTarget.value)}
            />
          </Field>
          <Field label="Length" id="book-length">
            <select id="book-length" value={minutes} onChange={(e) => setMinutes(e.currentTarget.value)}>
              {["15", "30", "45", "60", "90"].map((m) => (
                <option key={m} value={m}>
                  {m} minutes
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field label="Reason" id="book-reason">
          <input id="book-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="button button-primary" disabled={book.busy}>
          {book.busy ? "Booking…" : "Book appointment"}
        </button>
      </form>
      {book.error !== undefined && (
        <ErrorMessage
          error={book.error}
          title={
            book.error instanceof ApiError && book.error.status === 409
              ? "Not booked: this time clashes with another appointment of this pet."
              : "Not booked."
          }
        />
      )}
      {book.done && <SuccessMessage>{book.done}</SuccessMessage>}
      <Loaded state={list} what="appointments">
        {(items) =>
          items.length === 0 ? (
            <Empty>No appointments yet.</Empty>
          ) : (
            <ul class="list appointments">
              {[...items]
                .sort((a, b) => b.dateTime.localeCompare(a.dateTime))
                .map((a) => (
                  <AppointmentRow
                    key={a.appointmentId}
                    appointment={a}
                    onChanged={() => {
                      list.reload();
                      props.onEnded();
                    }}
                  />
                ))}
            </ul>
          )
        }
      </Loaded>
    </Card>
  );
}

function AppointmentRow(props: { appointment: Appointment; onChanged: () => void }) {
  const { api } = useServices();
  const a = props.appointment;
  const [ending, setEnding] = useState(false);
  const [notes, setNotes] = useState("");
  const action = useAction();
  const notesId = `notes-${a.appointmentId}`;
  return (
    <li class="appointment">
      <div class="row">
        <div>
          <strong>{formatDateTime(a.dateTime)}</strong>
          <span class="muted">
            {" "}
            · {a.durationMinutes} min{a.reason ? ` · ${a.reason}` : ""}
          </span>
        </div>
        <StatusBadge status={a.status} />
      </div>
      {a.status === "scheduled" && !ending && (
        <div class="actions">
          <button type="button" class="button button-small button-primary" onClick={() => setEnding(true)}>
            End with notes…
          </button>
          <button
            type="button"
            class="button button-small"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await api.cancelAppointment(a.appointmentId);
                props.onChanged();
                return undefined;
              })
            }
          >
            Cancel appointment
          </button>
        </div>
      )}
      {ending && (
        <form
          class="form"
          onSubmit={async (event) => {
            event.preventDefault();
            const ok = await action.run(async () => {
              await api.endAppointment(a.appointmentId, notes.trim());
              return undefined;
            });
            if (ok) {
              setEnding(false);
              props.onChanged();
            }
          }}
        >
          <Field label="Consultation notes" id={notesId}>
            <textarea
              id={notesId}
              required
              rows={3}
              value={notes}
              onInput={(e) => setNotes(e.currentTarget.value)}
            />
          </Field>
          <div class="actions">
            <button type="submit" class="button button-small button-primary" disabled={action.busy}>
              {action.busy ? "Saving…" : "End appointment"}
            </button>
            <button type="button" class="button button-small" onClick={() => setEnding(false)}>
              Back
            </button>
          </div>
        </form>
      )}
      {action.error !== undefined && <ErrorMessage error={action.error} />}
    </li>
  );
}
