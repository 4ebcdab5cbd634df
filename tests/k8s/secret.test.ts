import { describe, expect, test } from "bun:test";
import { buildSecret, DATABASE_KEYS, parseEnvFile, SECRET_KEYS } from "../../scripts/k8s-secret.ts";

describe("scripts/k8s-secret.ts", () => {
  test("builds every key the manifests reference, with the password URL-encoded in each DATABASE_URL", () => {
    const secret = buildSecret({
      MSSQL_SA_PASSWORD: "p@ss:W0rd/#",
      SMTP_URL: "smtp://mail.example:1025",
      DISCOVERY_TOKEN: "d".repeat(32),
    });
    expect(secret.metadata).toEqual({
      name: "vetmesh-secrets",
      namespace: "vetmesh",
      labels: { "app.kubernetes.io/part-of": "vetmesh" },
    });
    expect(Object.keys(secret.stringData).sort()).toEqual([...SECRET_KEYS].sort());
    expect(secret.stringData.OWNER_DATABASE_URL).toBe(
      "mssql://sa:p%40ss%3AW0rd%2F%23@mssql.vetmesh.svc:1433/owner?encrypt=true",
    );
    for (const [key, database] of Object.entries(DATABASE_KEYS)) {
      const url = new URL(secret.stringData[key] ?? "");
      expect([decodeURIComponent(url.password), url.hostname, url.pathname]).toEqual([
        "p@ss:W0rd/#",
        "mssql.vetmesh.svc",
        `/${database}`,
      ]);
    }
  });

  test("refuses a weak password, a missing SMTP_URL and a short DISCOVERY_TOKEN, naming each", () => {
    expect(() => buildSecret({ MSSQL_SA_PASSWORD: "short", DISCOVERY_TOKEN: "too-short" })).toThrow(
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
    expect(example).toEqual({ MSSQL_SA_PASSWORD: "", SMTP_URL: "", DISCOVERY_TOKEN: "" });
    expect(() => buildSecret(example)).toThrow("invalid secrets file");
  });

  test("encrypt=true is required and the server certificate is verified unless trustServerCertificate is asked for", () => {
    const base = {
      MSSQL_SA_PASSWORD: "p@ss:W0rd/#",
      SMTP_URL: "smtp://m:25",
      DISCOVERY_TOKEN: "d".repeat(32),
    };
    expect(buildSecret(base).stringData.OWNER_DATABASE_URL).not.toContain("trustServerCertificate");
    for (const MSSQL_OPTIONS of ["encrypt=false", "trustServerCertificate=true"])
      expect(() => buildSecret({ ...base, MSSQL_OPTIONS })).toThrow("MSSQL_OPTIONS: must keep encrypt=true");
    const local = buildSecret({ ...base, MSSQL_OPTIONS: "encrypt=true&trustServerCertificate=true" });
    expect(local.stringData.OWNER_DATABASE_URL).toEndWith("/owner?encrypt=true&trustServerCertificate=true");
  });
});
