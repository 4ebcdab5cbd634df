import { describe, expect, test } from "bun:test";
import { SERVICE_LOGINS } from "../../scripts/k8s-credentials.ts";
import {
  buildSecret,
  DATABASE_KEYS,
  parseEnvFile,
  SECRET_KEYS,
  SECRET_VARIABLES,
} from "../../scripts/k8s-secret.ts";

/** The per-service logins' and Redis users' passwords every valid secrets file has. */
const CREDENTIALS = {
  OWNER_DB_PASSWORD: "p@ss:W0rd/#",
  VETERINARY_DB_PASSWORD: "V3t-pass!",
  NOTIFICATION_DB_PASSWORD: "N0t-pass!",
  REDIS_GATEWAY_PASSWORD: "g".repeat(32),
  REDIS_DISCOVERY_PASSWORD: "r".repeat(32),
};

describe("scripts/k8s-secret.ts", () => {
  test("builds every key the manifests reference, with the password URL-encoded in each DATABASE_URL", () => {
    const secret = buildSecret({
      MSSQL_SA_PASSWORD: "Sa-p@ss:1",
      SMTP_URL: "smtp://mail.example:1025",
      DISCOVERY_TOKEN: "d".repeat(32),
      ...CREDENTIALS,
    });
    expect(secret.metadata).toEqual({
      name: "vetmesh-secrets",
      namespace: "vetmesh",
      labels: { "app.kubernetes.io/part-of": "vetmesh" },
    });
    expect(Object.keys(secret.stringData).sort()).toEqual([...SECRET_KEYS].sort());
    expect(secret.stringData.OWNER_DATABASE_URL).toBe(
      "mssql://vetmesh_owner:p%40ss%3AW0rd%2F%23@mssql.vetmesh.svc:1433/owner?encrypt=true",
    );
    for (const [key, database] of Object.entries(DATABASE_KEYS)) {
      const url = new URL(secret.stringData[key] ?? "");
      expect([url.username, url.hostname, url.pathname]).toEqual([
        SERVICE_LOGINS[database].login,
        "mssql.vetmesh.svc",
        `/${database}`,
      ]);
      expect(url.username).not.toBe("sa");
    }
    expect(secret.stringData.GATEWAY_REDIS_URL).toBe(
      `redis://gateway:${"g".repeat(32)}@redis.vetmesh.svc:6379`,
    );
    expect(secret.stringData.DISCOVERY_REDIS_URL).toBe(
      `redis://discovery:${"r".repeat(32)}@redis.vetmesh.svc:6379`,
    );
    // The ACL file keeps only SHA-256 hashes of the Redis passwords.
    expect(secret.stringData.REDIS_USERS_ACL).not.toContain("g".repeat(32));
  });

  test("refuses missing or shared per-service database passwords and short Redis passwords, naming each", () => {
    const base = { MSSQL_SA_PASSWORD: "Sa-p@ss:1", SMTP_URL: "smtp://m:25", DISCOVERY_TOKEN: "d".repeat(32) };
    expect(() => buildSecret({ ...base, ...CREDENTIALS, VETERINARY_DB_PASSWORD: "Sa-p@ss:1" })).toThrow(
      "VETERINARY_DB_PASSWORD: must differ from every other database password",
    );
    let message = "";
    try {
      buildSecret(base);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of Object.keys(CREDENTIALS)) expect(message).toContain(`${variable}: required`);
  });

  test("refuses a weak password, a missing SMTP_URL and a short DISCOVERY_TOKEN, naming each", () => {
    expect(() =>
      buildSecret({ ...CREDENTIALS, MSSQL_SA_PASSWORD: "short", DISCOVERY_TOKEN: "too-short" }),
    ).toThrow(
      "invalid secrets file:\n  MSSQL_SA_PASSWORD: required, 8+ characters from 3 of upper/lower/digit/symbol (SQL Server refuses weaker)\n  SMTP_URL: required, smtp://host:port or smtps://user:pass@host:port\n  DISCOVERY_TOKEN: required, 32+ characters without spaces (e.g. openssl rand -base64 32)",
    );
  });

  test("reads KEY=VALUE files with comments and quotes", () => {
    expect(parseEnvFile("# c\nA=1\n\nB = 'x y'\nC=\"q=r\"\n")).toEqual({ A: "1", B: "x y", C: "q=r" });
    expect(() => parseEnvFile("oops")).toThrow("not KEY=VALUE: oops");
  });

  test("the committed example is not a usable secret (no values committed)", async () => {
    const example = parseEnvFile(
      await Bun.file(new URL("../../k8s/secrets.example.env", import.meta.url)).text(),
    );
    expect(example).toEqual(Object.fromEntries(SECRET_VARIABLES.map((name) => [name, ""])));
    expect(() => buildSecret(example)).toThrow("invalid secrets file");
  });

  test("encrypt=true is required and the server certificate is verified unless trustServerCertificate is asked for", () => {
    const base = {
      MSSQL_SA_PASSWORD: "Sa-p@ss:1",
      SMTP_URL: "smtp://m:25",
      DISCOVERY_TOKEN: "d".repeat(32),
      ...CREDENTIALS,
    };
    expect(buildSecret(base).stringData.OWNER_DATABASE_URL).not.toContain("trustServerCertificate");
    for (const MSSQL_OPTIONS of ["encrypt=false", "trustServerCertificate=true"])
      expect(() => buildSecret({ ...base, MSSQL_OPTIONS })).toThrow("MSSQL_OPTIONS: must keep encrypt=true");
    const local = buildSecret({ ...base, MSSQL_OPTIONS: "encrypt=true&trustServerCertificate=true" });
    expect(local.stringData.OWNER_DATABASE_URL).toEndWith("/owner?encrypt=true&trustServerCertificate=true");
  });
});
