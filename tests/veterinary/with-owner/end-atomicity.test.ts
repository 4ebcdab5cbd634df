import { expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { AppointmentStatus } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createTestOwner, createTestVeterinary, registerPet } from "./harness.ts";

test("a failure between ending the appointment and writing its record leaves neither", async () => {
  let armed = false;
  const owner = await createTestOwner();
  const { app, vet } = await createTestVeterinary({
    ownerTransport: owner.transport,
    faults: {
      afterAppointmentEnded() {
        if (armed) throw new Error("injected crash between the two writes");
      },
    },
  });
  const petId = await registerPet(owner.owners, "atomic@asd.com");
  const { appointment } = await vet.makeAppointment({ petId, startsAt: "2023-09-09T13:00:00Z" });
  const id = appointment!.id;

  armed = true;
  const error = await vet.endAppointment({ appointmentId: id, details: "dog is evil" }).then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  expect(error?.code).toBe(Code.Internal);
  expect((await app.repository.getAppointment(id))?.status).toBe("scheduled");
  expect(await app.repository.listRecords(petId, 10)).toEqual([]);

  armed = false;
  const ended = await vet.endAppointment({ appointmentId: id, details: "dog is evil" });
  expect(ended.appointment!.status).toBe(AppointmentStatus.ENDED);
  expect((await vet.listRecords({ petId })).records.map((r) => r.details)).toEqual(["dog is evil"]);
  await app.close();
  await owner.app.close();
});
