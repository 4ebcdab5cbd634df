import { useState } from "preact/hooks";
import { useServices } from "../context.ts";
import { isoDay } from "../dates.ts";
import { href, navigate } from "../router.ts";
import { useAction } from "../ui/async.ts";
import { ErrorMessage } from "../ui/feedback.tsx";
import { Card, Field } from "../ui/section.tsx";
import { TodayList } from "./today-list.tsx";

/** The front desk's start: find an owner by email, register a new one, and today's list. */
export function Home() {
  const { api } = useServices();
  const [find, setFind] = useState("");
  const [email, setEmail] = useState("");
  const register = useAction();
  const today = isoDay(new Date());

  return (
    <div class="grid grid-2">
      <Card title="Find an owner" id="find-owner">
        <form
          class="form-row"
          onSubmit={(event) => {
            event.preventDefault();
            const value = find.trim();
            if (value) navigate({ name: "owner", email: value });
          }}
        >
          <Field label="Owner's email" id="find-email">
            <input
              id="find-email"
              type="email"
              autoComplete="off"
              required
              value={find}
              onInput={(e) => setFind(e.currentTarget.value)}
            />
          </Field>
          <button type="submit" class="button button-primary">
            Find
          </button>
        </form>
      </Card>
      <Card title="Register a new owner" id="register-owner">
        <form
          class="form-row"
          onSubmit={async (event) => {
            event.preventDefault();
            const value = email.trim();
            const ok = await register.run(async () => {
              await api.registerOwner(value);
              return undefined;
            });
            if (ok) navigate({ name: "owner", email: value });
          }}
        >
          <Field label="Email" id="register-email">
            <input
              id="register-email"
              type="email"
              autoComplete="off"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </Field>
          <button type="submit" class="button button-primary" disabled={register.busy}>
            {register.busy ? "Registering…" : "Register owner"}
          </button>
        </form>
        {register.error !== undefined && <ErrorMessage error={register.error} />}
      </Card>
      <Card
        title="Today at the clinic"
        id="today"
        actions={
          <a class="button button-small" href={href({ name: "calendar", view: "week", date: today })}>
            Week view
          </a>
        }
      >
        <TodayList day={today} />
      </Card>
    </div>
  );
}
