import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { adminPortOf, ConfigError, kitConfigShape, loadConfig } from "./config.ts";

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

  test("the admin listener: loopback by default whatever HOST is; port HTTP_PORT + 1 unless set, 0 stays 0", () => {
    const config = loadConfig(shape, { EXTRA: "abc", HOST: "0.0.0.0" });
    expect([config.ADMIN_HOST, adminPortOf(config)]).toEqual(["127.0.0.1", 7002]);
    expect(adminPortOf(loadConfig(shape, { EXTRA: "abc", HTTP_PORT: "0" }))).toBe(0);
    expect(adminPortOf(loadConfig(shape, { EXTRA: "abc", ADMIN_PORT: "9100" }))).toBe(9100);
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
