import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProcessClock } from "./clock.ts";

const dir = mkdtempSync(join(tmpdir(), "vet-clock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("CLOCK_OFFSET_MS shifts the clock; CLOCK_OFFSET_FILE moves it while running", () => {
  const DAY = 86_400_000;
  const near = (date: Date, expected: number) =>
    expect(Math.abs(date.getTime() - expected)).toBeLessThan(1000);
  near(createProcessClock({ offsetMs: 14 * DAY })(), Date.now() + 14 * DAY);
  const file = join(dir, "offset");
  const clock = createProcessClock({ offsetMs: DAY, offsetFile: file });
  near(clock(), Date.now() + DAY);
  writeFileSync(file, String(7 * DAY));
  near(clock(), Date.now() + 8 * DAY);
  writeFileSync(file, "not a number");
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  near(clock(), Date.now() + DAY);
});
