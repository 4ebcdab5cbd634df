import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "@vetmesh/kit";
import { configShape } from "./config.ts";

describe("notification config", () => {
  test("defaults: SQLite file, mailbox folder, ports 7301/7302", () => {
    const config = loadConfig(configShape, {});
    expect({
      db: config.DATABASE_URL,
      smtp: config.SMTP_URL,
      mailbox: config.MAILBOX_DIR,
      grpc: config.GRPC_PORT,
      http: config.HTTP_PORT,
      attempts: config.NOTIFY_MAX_ATTEMPTS,
      lease: config.NOTIFY_LEASE_MS,
      requireTls: config.SMTP_REQUIRE_TLS,
    }).toEqual({
      db: "sqlite:.data/notification.db",
      smtp: undefined,
      mailbox: ".data/mail",
      grpc: 7301,
      http: 7302,
      attempts: 8,
      lease: 60_000,
      requireTls: false,
    });
  });
  test("accepts smtp:// and smtps://, rejects anything else naming the variable", () => {
    expect(loadConfig(configShape, { SMTP_URL: "smtp://u:p@mail.test:587" }).SMTP_URL).toBe(
      "smtp://u:p@mail.test:587",
    );
    expect(loadConfig(configShape, { SMTP_URL: "smtps://mail.test" }).SMTP_URL).toBe("smtps://mail.test");
    let caught: unknown;
    try {
      loadConfig(configShape, { SMTP_URL: "http://mail.test", NOTIFY_MAX_ATTEMPTS: "0" });
    } catch (error) {
      caught = error;
    }
    expect(caught instanceof ConfigError && caught.variables.sort()).toEqual([
      "NOTIFY_MAX_ATTEMPTS",
      "SMTP_URL",
    ]);
  });
});
