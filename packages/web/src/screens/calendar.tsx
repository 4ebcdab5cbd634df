import { addDays, daysOf, formatDayHeading, isoDay, startOfDay } from "../dates.ts";
import { href } from "../router.ts";
import { Empty } from "../ui/feedback.tsx";
import { Card, Loaded } from "../ui/section.tsx";
import { AppointmentCard } from "./appointment-card.tsx";
import { useClinicAppointments } from "./clinic-appointments.ts";

/** The clinic's day or week: one column per day, appointments in time order. */
export function Calendar(props: { view: "day" | "week"; date: string }) {
  const days = daysOf(props.view, props.date);
  const state = useClinicAppointments(days);
  const step = props.view === "day" ? 1 : 7;
  const today = isoDay(new Date());
  const title =
    props.view === "day"
      ? formatDayHeading(props.date)
      : `Week of ${formatDayHeading(days[0] ?? props.date)}`;
  return (
    <Card
      title={title}
      id="calendar"
      actions={
        <nav class="toolbar" aria-label="Calendar">
          <a
            class="button button-small"
            href={href({ name: "calendar", view: props.view, date: addDays(props.date, -step) })}
          >
            ← Previous
          </a>
          <a class="button button-small" href={href({ name: "calendar", view: props.view, date: today })}>
            Today
          </a>
          <a
            class="button button-small"
            href={href({ name: "calendar", view: props.view, date: addDays(props.date, step) })}
          >
            Next →
          </a>
          <a
            class="button button-small"
            aria-current={props.view === "day" ? "page" : undefined}
            href={href({ name: "calendar", view: "day", date: props.date })}
          >
            Day
          </a>
          <a
            class="button button-small"
            aria-current={props.view === "week" ? "page" : undefined}
            href={href({ name: "calendar", view: "week", date: props.date })}
          >
            Week
          </a>
        </nav>
      }
    >
      <Loaded state={state} what="appointments">
        {(list) => (
          <div class={`calendar calendar-${props.view}`}>
            {days.map((day) => {
              const next = startOfDay(addDays(day, 1)).getTime();
              const start = startOfDay(day).getTime();
              const mine = list.filter((a) => {
                const t = new Date(a.dateTime).getTime();
                return t >= start && t < next;
              });
              return (
                <section
                  class={`day${day === today ? " day-today" : ""}`}
                  key={day}
                  aria-label={formatDayHeading(day)}
                >
                  <h3>{formatDayHeading(day)}</h3>
                  {mine.length === 0 ? (
                    <Empty>Nothing booked.</Empty>
                  ) : (
                    <ul class="slots">
                      {mine.map((a) => (
                        <AppointmentCard key={a.appointmentId} appointment={a} />
                      ))}
                    </ul>
                  )}
                </section>
              );
            })}
          </div>
        )}
      </Loaded>
    </Card>
  );
}
