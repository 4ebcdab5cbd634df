import { expect, test } from "bun:test";
import { retryWhileBusy } from "./sqlite-busy.ts";

const busy = () => Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });

test("retries while SQLite is busy, then returns the result", () => {
  let calls = 0;
  const value = retryWhileBusy(() => {
    calls++;
    if (calls < 3) throw busy();
    return "done";
  });
  expect(value).toBe("done");
  expect(calls).toBe(3);
});

test("other errors are thrown at once; busy past the bound is thrown too", () => {
  let calls = 0;
  expect(() =>
    retryWhileBusy(() => {
      calls++;
      throw Object.assign(new Error("no such table"), { code: "SQLITE_ERROR" });
    }),
  ).toThrow("no such table");
  expect(calls).toBe(1);
  expect(() =>
    retryWhileBusy(() => {
      throw busy();
    }, 60),
  ).toThrow("database is locked");
});
