import { useState } from "preact/hooks";
import type { Reminder } from "../api/types.ts";
import { useServices } from "../context.ts";
import { dayInputToIso, formatDate, formatDateTime, isoDay, reminderWhen } from "../dates.ts";
import { useAction, useAsync } from "../ui/async.ts";
import { Empty, ErrorMessage, SuccessMessage } from "../ui/feedback.tsx";
import { Card, Field, Loaded } from "../ui/section.tsx";

const DUE_WORDS: Record<string, string> = {
  not_due: "Not due",
  due_soon: "Due soon",
  due: "Due",
  overdue: "Overdue",
  superseded: "Renewed",
  none: "No booster",
};

const STAGE_WORDS: Record<string, string> = {
  upcoming: "Coming up",
  due: "Due today",
  overdue: "Overdue",
};

/** The due state as a word with a colour. */
export function DueBadge(props: { state: string }) {
  return <span class={`badge badge-due-${props.state}`}>{DUE_WORDS[props.state] ?? props.state}</span>;
}

/** A pet's vaccinations with next due dates, a form to record one, and its reminder emails. */
export function PetVaccinations(props: { petId: string }) {
  const { api, newKey } = useServices();
  const vaccinations = useAsync(() => api.vaccinations(props.petId), [props.petId]);
  const reminders = useAsync(() => api.reminders(props.petId), [props.petId]);
  const [form, setForm] = useState(() => ({ vaccine: "", given: isoDay(new Date()), due: "" }));
  const [key, setKey] = useState(newKey);
  const action = useAction();

  return (
    <>
      <Card title="Vaccinations" id="vaccinations">
        <form
          class="form"
          onSubmit={async (event) => {
            event.preventDefault();
            const ok = await action.run(async () => {
              await api.recordVaccination(
                {
                  petId: props.petId,
                  vaccine: form.vaccine.trim(),
                  administeredAt: dayInputToIso(form.given) ?? form.given,
                  nextDueAt: form.due ? (dayInputToIso(form.due) ?? form.due) : undefined,
                },
                key,
              );
              return `${form.vaccine.trim()} recorded.`;
            });
            if (ok) {
              setForm({ vaccine: "", given: isoDay(new Date()), due: "" });
              setKey(newKey());
              vaccinations.reload();
              reminders.reload();
            }
          }}
        >
          <Field label="Vaccine" id="vaccine-name" hint="e.g. Rabies, DHPP">
            <input
              id="vaccine-name"
              required
              aria-describedby="vaccine-name-hint"
              value={form.vaccine}
              onInput={(e) => setForm({ ...form, vaccine: e.currentTarget.value })}
            />
          </Field>
          <div class="form-grid">
            <Field label="Given on" id="vaccine-given">
              <input
                id="vaccine-given"
                type="date"
                required
                value={form.given}
                onInput={(e) => setForm({ ...form, given: e.currentTarget.value })}
              />
            </Field>
            <Field label="Next due (optional)" id="vaccine-due" hint="Empty: the clinic's usual interval">
              <input
                id="vaccine-due"
                type="date"
                aria-describedby="vaccine-due-hint"
                value={form.due}
                onInput={(e) => setForm({ ...form, due: e.currentTarget.value })}
              />
            </Field>
          </div>
          <button type="submit" class="button button-primary" disabled={action.busy}>
            {action.busy ? "Recording…" : "Record vaccination"}
          </button>
        </form>
        {action.error !== undefined && <ErrorMessage error={action.error} title="Not recorded." />}
        {action.done && <SuccessMessage>{action.done}</SuccessMessage>}
        <Loaded state={vaccinations} what="vaccinations">
          {(list) =>
            list.length === 0 ? (
              <Empty>No vaccinations recorded.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">Vaccinations</caption>
                  <thead>
                    <tr>
                      <th scope="col">Vaccine</th>
                      <th scope="col">Given</th>
                      <th scope="col">Next due</th>
                      <th scope="col">State</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((v) => (
                      <tr key={v.vaccinationId}>
                        <td>{v.vaccine}</td>
                        <td>{formatDate(v.administeredAt)}</td>
                        <td>{v.nextDueAt ? formatDate(v.nextDueAt) : "—"}</td>
                        <td>
                          <DueBadge state={v.dueState} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
      </Card>
      <Card title="Reminder emails" id="reminders">
        <Loaded state={reminders} what="reminders">
          {(list) => <ReminderList reminders={list} />}
        </Loaded>
      </Card>
    </>
  );
}

function ReminderList(props: { reminders: Reminder[] }) {
  const pending = props.reminders.filter((r) => !r.sentAt);
  const sent = props.reminders.filter((r) => r.sentAt);
  return (
    <>
      <h3>Still to be sent</h3>
      {pending.length === 0 ? (
        <Empty>No reminders waiting.</Empty>
      ) : (
        <ul class="list">
          {pending.map((r) => (
            <li key={`${r.vaccinationId}-${r.stage}`}>
              <span>
                {r.vaccine}: {STAGE_WORDS[r.stage] ?? r.stage}
              </span>
              <span class="muted">{reminderWhen(r.sendAt, new Date())}</span>
            </li>
          ))}
        </ul>
      )}
      {sent.length > 0 && (
        <>
          <h3>Sent</h3>
          <ul class="list">
            {sent.map((r) => (
              <li key={`${r.vaccinationId}-${r.stage}`}>
                <span>
                  {r.vaccine}: {STAGE_WORDS[r.stage] ?? r.stage}
                </span>
                <span class="muted">sent {formatDateTime(r.sentAt ?? r.sendAt)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
