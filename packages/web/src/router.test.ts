import { describe, expect, test } from "bun:test";
import { href, parseRoute, type Route } from "./router.ts";

describe("hash routes", () => {
  const routes: Route[] = [
    { name: "home" },
    { name: "owner", email: "a+b@clinic.test" },
    { name: "pet", email: "a@b.c", petId: "0190-x" },
    { name: "pet", petId: "p/1" },
    { name: "calendar", view: "week", date: "2026-12-03" },
    { name: "owner-view", email: "a@b.c" },
    { name: "owner-view" },
  ];
  test.each(routes.map((route) => [route.name, route] as const))("%s survives href → parse", (_, route) => {
    expect(parseRoute(href(route))).toEqual(route);
  });

  test("anything else is not-found, including a bad calendar date", () => {
    for (const hash of ["#/nope", "#/calendar/month/2026-12-03", "#/calendar/day/tomorrow", "#/owners/a/b"]) {
      expect(parseRoute(hash).name).toBe("not-found");
    }
    expect(parseRoute("")).toEqual({ name: "home" });
    expect(parseRoute("#/owners/%E0%A4%A")).toEqual({ name: "owner", email: "%E0%A4%A" });
  });
});
