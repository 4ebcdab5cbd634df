import type { Pet } from "../api/types.ts";
import { useServices } from "../context.ts";
import { formatDate, formatDateTime } from "../dates.ts";
import { useAsync } from "../ui/async.ts";
import { Empty } from "../ui/feedback.tsx";
import { Card, Loaded } from "../ui/section.tsx";
import { DueBadge } from "./pet-vaccinations.tsx";

/** What an owner sees: their pets, each with upcoming appointments and vaccination schedule. */
export function OwnerView(props: { email: string }) {
  const { api } = useServices();
  const pets = useAsync(() => api.listPets(props.email), [props.email]);
  return (
    <>
      <div class="page-title">
        <p class="eyebrow">My pets</p>
        <h1>{props.email}</h1>
      </div>
      <Loaded state={pets} what="your pets">
        {(list) =>
          list.length === 0 ? (
            <Card title="No pets yet">
              <Empty>Your clinic has not registered a pet for you yet.</Empty>
            </Card>
          ) : (
            <div class="grid grid-2">
              {list.map((pet) => (
                <OwnerPet key={pet.Id} pet={pet} />
              ))}
            </div>
          )
        }
      </Loaded>
    </>
  );
}

function OwnerPet(props: { pet: Pet }) {
  const { api } = useServices();
  const { pet } = props;
  const now = new Date().toISOString();
  const upcoming = useAsync(
    async () =>
      (await api.petAppointments(pet.Id))
        .filter((a) => a.status === "scheduled" && a.dateTime >= now)
        .sort((a, b) => a.dateTime.localeCompare(b.dateTime)),
    [pet.Id],
  );
  const vaccinations = useAsync(
    async () => (await api.vaccinations(pet.Id)).filter((v) => v.dueState !== "superseded"),
    [pet.Id],
  );
  return (
    <Card title={`${pet.Name} · ${pet.Type}`} id={`pet-${pet.Id}`}>
      <h3>Upcoming appointments</h3>
      <Loaded state={upcoming} what="appointments">
        {(list) =>
          list.length === 0 ? (
            <Empty>No upcoming appointments.</Empty>
          ) : (
            <ul class="list">
              {list.map((a) => (
                <li key={a.appointmentId}>
                  <span>{formatDateTime(a.dateTime)}</span>
                  <span class="muted">{a.reason || `${a.durationMinutes} min`}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <h3>Vaccination schedule</h3>
      <Loaded state={vaccinations} what="vaccinations">
        {(list) =>
          list.length === 0 ? (
            <Empty>No vaccinations recorded.</Empty>
          ) : (
            <ul class="list">
              {list.map((v) => (
                <li key={v.vaccinationId}>
                  <span>
                    {v.vaccine} <span class="muted">given {formatDate(v.administeredAt)}</span>
                  </span>
                  <span>
                    {v.nextDueAt ? `next ${formatDate(v.nextDueAt)} ` : ""}
                    <DueBadge state={v.dueState} />
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </Card>
  );
}
