import { useServices } from "../context.ts";
import { formatDateTime } from "../dates.ts";
import { href } from "../router.ts";
import { useAsync } from "../ui/async.ts";
import { Empty } from "../ui/feedback.tsx";
import { Card, Loaded } from "../ui/section.tsx";
import { PetAppointments } from "./pet-appointments.tsx";
import { PetVaccinations } from "./pet-vaccinations.tsx";

/** A pet's page: appointments (book, cancel, end), history, vaccinations and reminders. */
export function PetPage(props: { email?: string; petId: string }) {
  const { api } = useServices();
  const { email, petId } = props;
  const pets = useAsync(async () => (email ? api.listPets(email) : []), [email]);
  const pet = pets.data?.find((one) => one.Id === petId);
  const records = useAsync(() => api.records(petId), [petId]);

  return (
    <>
      <div class="page-title">
        <p class="eyebrow">
          {email ? (
            <>
              Pet of <a href={href({ name: "owner", email })}>{email}</a>
            </>
          ) : (
            "Pet"
          )}
        </p>
        <h1>{pet ? pet.Name : `Pet ${petId.slice(0, 8)}`}</h1>
        {pet && (
          <p class="muted">
            {pet.Type}
            {pet.Race ? ` · ${pet.Race}` : ""}
          </p>
        )}
      </div>
      <div class="grid grid-2">
        <PetAppointments petId={petId} onEnded={records.reload} />
        <Card title="Medical history" id="history">
          <Loaded state={records} what="consultation records">
            {(list) =>
              list.length === 0 ? (
                <Empty>No consultations recorded yet.</Empty>
              ) : (
                <ol class="timeline">
                  {list.map((record) => (
                    <li key={record.recordId}>
                      <time dateTime={record.recordedAt}>{formatDateTime(record.recordedAt)}</time>
                      <p>{record.details}</p>
                      {record.endedBy && <p class="muted">by {record.endedBy}</p>}
                    </li>
                  ))}
                </ol>
              )
            }
          </Loaded>
        </Card>
        <PetVaccinations petId={petId} />
      </div>
    </>
  );
}
