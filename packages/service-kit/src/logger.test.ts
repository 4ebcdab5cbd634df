import { describe, expect, test } from "bun:test";
import { createLogger } from "./logger.ts";
import { acceptRequestId, runWithRequestId } from "./request-context.ts";

describe("logger", () => {
  test("writes one JSON line with base fields and the current request id", () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "info",
      base: { service: "svc" },
      sink: (line) => lines.push(line),
    });
    runWithRequestId("req-1", () => logger.info("hello", { n: 1 }));
    logger.debug("hidden");
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith("\n")).toBe(true);
    const parsed = JSON.parse(lines[0] ?? "");
    expect(parsed).toMatchObject({ level: "info", service: "svc", msg: "hello", requestId: "req-1", n: 1 });
  });

  test("serialises errors and honours child fields", () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (line) => lines.push(line) }).child({ component: "x" });
    logger.error("boom", { error: new Error("bad") });
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      component: "x",
      error: { name: "Error", message: "bad" },
    });
  });
});

describe("acceptRequestId", () => {
  test("keeps sane ids and replaces unsafe ones", () => {
    expect(acceptRequestId("abc-123")).toBe("abc-123");
    expect(acceptRequestId("bad id\ninjected")).toMatch(/^[0-9a-f-]{36}$/);
    expect(acceptRequestId(null)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
