import { useEffect, useState } from "preact/hooks";

/** The screens, as parsed from the location hash (hash routes never collide with /api paths). */
export type Route =
  | { name: "home" }
  | { name: "owner"; email: string }
  | { name: "pet"; email?: string; petId: string }
  | { name: "calendar"; view: "day" | "week"; date: string }
  | { name: "owner-view"; email?: string }
  | { name: "not-found"; path: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses `#/owners/a%40b.c/pets/123` and friends; anything else is `not-found`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  const parts = path
    .split("/")
    .filter((part) => part.length > 0)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const [first, second, third, fourth, ...rest] = parts;
  if (parts.length === 0) return { name: "home" };
  if (first === "owners" && second && !third) return { name: "owner", email: second };
  if (first === "owners" && second && third === "pets" && fourth && rest.length === 0) {
    return { name: "pet", email: second, petId: fourth };
  }
  if (first === "pets" && second && !third) return { name: "pet", petId: second };
  if (
    first === "calendar" &&
    (second === "day" || second === "week") &&
    third &&
    DATE.test(third) &&
    !fourth
  ) {
    return { name: "calendar", view: second, date: third };
  }
  if (first === "my" && parts.length === 1) return { name: "owner-view" };
  if (first === "owner-view" && second && !third) return { name: "owner-view", email: second };
  return { name: "not-found", path };
}

/** The hash for a route, the inverse of {@link parseRoute}. */
export function href(route: Route): string {
  const seg = encodeURIComponent;
  switch (route.name) {
    case "home":
      return "#/";
    case "owner":
      return `#/owners/${seg(route.email)}`;
    case "pet":
      return route.email
        ? `#/owners/${seg(route.email)}/pets/${seg(route.petId)}`
        : `#/pets/${seg(route.petId)}`;
    case "calendar":
      return `#/calendar/${route.view}/${route.date}`;
    case "owner-view":
      return route.email ? `#/owner-view/${seg(route.email)}` : "#/my";
    case "not-found":
      return `#${route.path}`;
  }
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** Moves to a route (a history entry, so Back works). */
export function navigate(route: Route): void {
  location.hash = href(route);
}
