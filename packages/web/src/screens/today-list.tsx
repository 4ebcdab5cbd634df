import { Empty } from "../ui/feedback.tsx";
import { Loaded } from "../ui/section.tsx";
import { AppointmentCard } from "./appointment-card.tsx";
import { useClinicAppointments } from "./clinic-appointments.ts";

/** One day's appointments, clinic-wide, as a list. */
export function TodayList(props: { day: string }) {
  const state = useClinicAppointments([props.day]);
  return (
    <Loaded state={state} what="today's appointments">
      {(list) =>
        list.length === 0 ? (
          <Empty>No appointments booked for this day.</Empty>
        ) : (
          <ul class="slots">
            {list.map((a) => (
              <AppointmentCard key={a.appointmentId} appointment={a} />
            ))}
          </ul>
        )
      }
    </Loaded>
  );
}
