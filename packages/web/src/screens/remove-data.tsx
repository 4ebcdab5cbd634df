import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api/client.ts";
import { useServices } from "../context.ts";
import { ErrorMessage } from "../ui/feedback.tsx";
import { Card, Field } from "../ui/section.tsx";

type Phase =
  | { name: "idle" }
  | { name: "confirm" }
  | { name: "removing"; checks: number }
  | { name: "in-progress"; checks: number }
  | { name: "done" }
  | { name: "failed"; error: unknown };

const POLL_MS = 2000;

/**
 * Remove-data with a confirmation (the email typed again) and the saga's
 * progress until it is done: a 202 means the owner is hidden and the rest
 * completes by itself, so the screen keeps asking until the removal reports
 * completed (or the owner is gone: 404 after our own removal started).
 */
export function RemoveData(props: { email: string; onRemoved: () => void }) {
  const { api } = useServices();
  const [phase, setPhase] = useState<Phase>({ name: "idle" });
  const [typed, setTyped] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const check = async (checks: number) => {
    try {
      const answer = await api.removeData(props.email);
      if (answer === "completed") return finish();
      setPhase({ name: "in-progress", checks: checks + 1 });
      timer.current = setTimeout(() => void check(checks + 1), POLL_MS);
    } catch (error) {
      // Our removal started, so a 404 now means it completed and the owner is gone.
      if (checks > 0 && error instanceof ApiError && error.status === 404) return finish();
      if (checks > 0 && error instanceof ApiError && (error.status === 0 || error.status >= 500)) {
        setPhase({ name: "in-progress", checks: checks + 1 });
        timer.current = setTimeout(() => void check(checks + 1), POLL_MS);
        return;
      }
      setPhase({ name: "failed", error });
    }
  };
  const finish = () => {
    setPhase({ name: "done" });
    props.onRemoved();
  };

  return (
    <Card title="Remove all data" id="remove-data">
      {phase.name === "idle" && (
        <>
          <p>
            Deletes this owner, their pets and every appointment, consultation record, vaccination and pending
            reminder. This cannot be undone.
          </p>
          <button type="button" class="button button-danger" onClick={() => setPhase({ name: "confirm" })}>
            Remove all data…
          </button>
        </>
      )}
      {phase.name === "confirm" && (
        <form
          class="form"
          onSubmit={(event) => {
            event.preventDefault();
            setPhase({ name: "removing", checks: 0 });
            void check(0);
          }}
        >
          <p class="warning">
            To confirm, type the owner's email: <strong>{props.email}</strong>
          </p>
          <Field label="Owner's email, again" id="confirm-email">
            <input
              id="confirm-email"
              autoComplete="off"
              value={typed}
              onInput={(e) => setTyped(e.currentTarget.value)}
            />
          </Field>
          <div class="actions">
            <button
              type="submit"
              class="button button-danger"
              disabled={typed.trim().toLowerCase() !== props.email.trim().toLowerCase()}
            >
              Remove everything
            </button>
            <button type="button" class="button" onClick={() => setPhase({ name: "idle" })}>
              Keep the data
            </button>
          </div>
        </form>
      )}
      {(phase.name === "removing" || phase.name === "in-progress") && (
        <div role="status" aria-live="polite" class="progress">
          <ol class="steps">
            <li class={phase.name === "in-progress" ? "step-done" : "step-active"}>
              Owner hidden from every screen
            </li>
            <li class="step-active">
              Erasing pets, appointments, records, vaccinations and pending reminders
            </li>
            <li>Done</li>
          </ol>
          <p>
            <span class="spinner" aria-hidden="true" />{" "}
            {phase.name === "removing"
              ? "Removing…"
              : "The removal is in progress and completes by itself; a service is slow or down. Checking again…"}
          </p>
        </div>
      )}
      {phase.name === "done" && (
        <p class="alert alert-success" role="status">
          All data about {props.email} has been removed.
        </p>
      )}
      {phase.name === "failed" && (
        <>
          <ErrorMessage error={phase.error} title="The removal did not start." />
          <button type="button" class="button" onClick={() => setPhase({ name: "confirm" })}>
            Back
          </button>
        </>
      )}
    </Card>
  );
}
