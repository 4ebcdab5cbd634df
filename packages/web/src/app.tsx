import { useEffect, useMemo, useState } from "preact/hooks";
import { createApiClient } from "./api/client.ts";
import { createEndpoints } from "./api/endpoints.ts";
import { type AppServices, ServicesContext } from "./context.ts";
import { isoDay } from "./dates.ts";
import { href, type Route, useRoute } from "./router.ts";
import { Calendar } from "./screens/calendar.tsx";
import { Home } from "./screens/home.tsx";
import { Login } from "./screens/login.tsx";
import { OwnerPage } from "./screens/owner-page.tsx";
import { OwnerView } from "./screens/owner-view.tsx";
import { PetPage } from "./screens/pet-page.tsx";
import { isStaff, resolveSession, type Session, tokenStore } from "./session.ts";
import { ErrorMessage, Loading } from "./ui/feedback.tsx";
import { Card } from "./ui/section.tsx";

type Boot =
  | { status: "loading" }
  | { status: "ready"; session: Session }
  | { status: "error"; error: unknown };

/** The whole app: asks who is signed in, then shows the front desk, the owner view or the sign-in. */
export function App() {
  const client = useMemo(() => createApiClient({ token: tokenStore.get }), []);
  const api = useMemo(() => createEndpoints(client), [client]);
  const [boot, setBoot] = useState<Boot>({ status: "loading" });
  const [tick, setTick] = useState(0);

  // tick re-asks /api/me (after a sign-in or sign-out).
  useEffect(() => {
    setBoot({ status: "loading" });
    resolveSession(client, tokenStore.get() !== undefined).then(
      (session) => {
        if (session.kind === "needs-login") tokenStore.clear();
        setBoot({ status: "ready", session });
      },
      (error: unknown) => setBoot({ status: "error", error }),
    );
  }, [client, tick]);

  if (boot.status === "loading") {
    return (
      <Frame>
        <Loading what="the front desk" />
      </Frame>
    );
  }
  if (boot.status === "error") {
    return (
      <Frame>
        <ErrorMessage error={boot.error} onRetry={() => setTick((n) => n + 1)} />
      </Frame>
    );
  }
  const { session } = boot;
  if (session.kind === "needs-login") {
    return (
      <Frame>
        <Login
          reason={session.reason}
          onToken={(token) => {
            tokenStore.set(token);
            setTick((n) => n + 1);
          }}
        />
      </Frame>
    );
  }
  const services: AppServices = { api, session, newKey: () => crypto.randomUUID() };
  const signOut =
    session.kind === "signed-in"
      ? () => {
          tokenStore.clear();
          setTick((n) => n + 1);
        }
      : undefined;
  return (
    <ServicesContext.Provider value={services}>
      <Frame session={session} onSignOut={signOut}>
        <Screen session={session} />
      </Frame>
    </ServicesContext.Provider>
  );
}

function Screen(props: { session: Session }) {
  const route = useRoute();
  const { session } = props;
  if (session.kind === "signed-in" && !isStaff(session.role)) {
    if (!session.email)
      return <ErrorMessage error={new Error("no email")} title="Your token names no email." />;
    return <OwnerView email={session.email} />;
  }
  return <StaffScreen route={route} />;
}

function StaffScreen(props: { route: Route }) {
  const { route } = props;
  switch (route.name) {
    case "home":
      return <Home />;
    case "owner":
      return <OwnerPage email={route.email} />;
    case "pet":
      return <PetPage email={route.email} petId={route.petId} />;
    case "calendar":
      return <Calendar view={route.view} date={route.date} />;
    case "owner-view":
      return route.email ? <OwnerView email={route.email} /> : <Home />;
    case "not-found":
      return (
        <Card title="Page not found" id="not-found">
          <p>
            There is no page here. <a href={href({ name: "home" })}>Back to the front desk</a>.
          </p>
        </Card>
      );
  }
}

function Frame(props: { session?: Session; onSignOut?: () => void; children: preact.ComponentChildren }) {
  const { session } = props;
  const staff =
    session !== undefined &&
    (session.kind === "open" || (session.kind === "signed-in" && isStaff(session.role)));
  const today = isoDay(new Date());
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href({ name: "home" })}>
          <span class="brand-mark" aria-hidden="true">
            +
          </span>
          vetmesh <span class="brand-sub">{staff || !session ? "front desk" : "for owners"}</span>
        </a>
        {staff && (
          <nav class="nav" aria-label="Main">
            <a href={href({ name: "home" })}>Front desk</a>
            <a href={href({ name: "calendar", view: "day", date: today })}>Today</a>
            <a href={href({ name: "calendar", view: "week", date: today })}>Week</a>
          </nav>
        )}
        {session?.kind === "signed-in" && (
          <div class="who">
            <span>
              {session.email ?? session.subject} <span class="badge">{session.role}</span>
            </span>
            {props.onSignOut && (
              <button type="button" class="button button-small" onClick={props.onSignOut}>
                Sign out
              </button>
            )}
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
