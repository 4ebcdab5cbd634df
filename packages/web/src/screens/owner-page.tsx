import { useState } from "preact/hooks";
import { ApiError } from "../api/client.ts";
import { useServices } from "../context.ts";
import { href } from "../router.ts";
import { useAction, useAsync } from "../ui/async.ts";
import { Empty, ErrorMessage, SuccessMessage } from "../ui/feedback.tsx";
import { Card, Field, Loaded } from "../ui/section.tsx";
import { RemoveData } from "./remove-data.tsx";

/** An owner at the front desk: their pets, a new pet, and removing all their data. */
export function OwnerPage(props: { email: string }) {
  const { api } = useServices();
  const pets = useAsync(() => api.listPets(props.email), [props.email]);
  const [removed, setRemoved] = useState(false);
  const unknown = pets.status === "error" && pets.error instanceof ApiError && pets.error.status === 404;

  return (
    <>
      <div class="page-title">
        <p class="eyebrow">Owner</p>
        <h1>{props.email}</h1>
        <a class="button button-small" href={href({ name: "owner-view", email: props.email })}>
          Owner's view
        </a>
      </div>
      {unknown && !removed ? (
        <Card title="Owner not found" id="owner-missing">
          <p>
            No owner is registered with <strong>{props.email}</strong>. Check the spelling, or{" "}
            <a href={href({ name: "home" })}>register them</a>.
          </p>
        </Card>
      ) : (
        <div class="grid grid-2">
          <Card title="Pets" id="pets">
            <Loaded state={pets} what="pets">
              {(list) =>
                list.length === 0 ? (
                  <Empty>No pets registered yet.</Empty>
                ) : (
                  <ul class="list">
                    {list.map((pet) => (
                      <li key={pet.Id}>
                        <a href={href({ name: "pet", email: props.email, petId: pet.Id })}>{pet.Name}</a>
                        <span class="muted">
                          {pet.Type}
                          {pet.Race ? ` · ${pet.Race}` : ""}
                        </span>
                      </li>
                    ))}
                  </ul>
                )
              }
            </Loaded>
          </Card>
          {!removed && <RegisterPet email={props.email} onDone={pets.reload} />}
          <RemoveData email={props.email} onRemoved={() => setRemoved(true)} />
        </div>
      )}
    </>
  );
}

function RegisterPet(props: { email: string; onDone: () => void }) {
  const { api, newKey } = useServices();
  const [pet, setPet] = useState({ name: "", type: "", race: "" });
  // One key per pet being registered: a retry after a lost answer does not register it twice.
  const [key, setKey] = useState(newKey);
  const action = useAction();
  const set = (field: keyof typeof pet) => (e: { currentTarget: HTMLInputElement }) =>
    setPet({ ...pet, [field]: e.currentTarget.value });
  return (
    <Card title="Register a pet" id="register-pet">
      <form
        class="form"
        onSubmit={async (event) => {
          event.preventDefault();
          const ok = await action.run(async () => {
            await api.registerPet({ email: props.email, ...pet }, key);
            return `${pet.name} is registered.`;
          });
          if (ok) {
            setPet({ name: "", type: "", race: "" });
            setKey(newKey());
            props.onDone();
          }
        }}
      >
        <Field label="Name" id="pet-name">
          <input id="pet-name" required value={pet.name} onInput={set("name")} />
        </Field>
        <Field label="Species" id="pet-type" hint="Dog, Cat, Rabbit…">
          <input
            id="pet-type"
            required
            value={pet.type}
            onInput={set("type")}
            aria-describedby="pet-type-hint"
          />
        </Field>
        <Field label="Breed" id="pet-race">
          <input id="pet-race" value={pet.race} onInput={set("race")} />
        </Field>
        <button type="submit" class="button button-primary" disabled={action.busy}>
          {action.busy ? "Registering…" : "Register pet"}
        </button>
      </form>
      {action.error !== undefined && <ErrorMessage error={action.error} />}
      {action.done && <SuccessMessage>{action.done}</SuccessMessage>}
    </Card>
  );
}
