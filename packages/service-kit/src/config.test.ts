import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { ConfigError, kitConfigShape, loadConfig } from "./config.ts";

const shape = {
  ...kitConfigShape({ service: "svc", grpcPort: 7000, httpPort: 7001 }),
  EXTRA: z.string().min(3),
};

describe("loadConfig", () => {
  test("applies defaults and coerces numbers", () => {
    const config = loadConfig(shape, { EXTRA: "abc", HTTP_PORT: "9000" });
    expect(config.GRPC_PORT).toBe(7000);
    expect(config.HTTP_PORT).toBe(9000);
    expect(config.HOST).toBe("127.0.0.1");
    expect(config.LOG_LEVEL).toBe("info");
    expect(config.INSTANCE_ID).toStartWith("svc-");
  });

  test("an empty variable counts as unset", () => {
    expect(loadConfig(shape, { EXTRA: "abc", GRPC_PORT: "" }).GRPC_PORT).toBe(7000);
  });

  test("names every bad variable", () => {
    let caught: unknown;
    try {
      loadConfig(shape, { EXTRA: "x", GRPC_PORT: "70000", DISCOVERY_URL: "not a url" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variables.sort()).toEqual(["DISCOVERY_URL", "EXTRA", "GRPC_PORT"]);
    expect((caught as ConfigError).message).toContain("GRPC_PORT:");
  });

  test("rejects an instance id that could inject into logs", () => {
    expect(() => loadConfig(shape, { EXTRA: "abc", INSTANCE_ID: "a b\n" })).toThrow(ConfigError);
  });
});
