import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { ConfigError, loadConfig } from "../config.ts";
import { databaseUrl, devTrustServerCertificate } from "./index.ts";
import { mssqlPoolConfig, mssqlTlsProblem } from "./mssql-url.ts";

const shape = {
  DATABASE_URL: databaseUrl.default("sqlite:.data/x.db"),
  DATABASE_DEV_TRUST_SERVER_CERTIFICATE: devTrustServerCertificate,
  OTHER: z.string().default("x"),
};
const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(shape, env);
    return null;
  } catch (error) {
    return error instanceof ConfigError ? [error.variables, error.message] : String(error);
  }
};

describe("SQL Server URLs", () => {
  test("pool config: user and password URL-decoded, port 1433 by default, the certificate verified unless asked", () => {
    expect(mssqlPoolConfig("mssql://vetmesh_owner:p%40ss%3Aword@db.local/owner?encrypt=true")).toEqual({
      user: "vetmesh_owner",
      password: "p@ss:word",
      server: "db.local",
      port: 1433,
      database: "owner",
      options: { encrypt: true, trustServerCertificate: false },
    });
    const trusting = mssqlPoolConfig("sqlserver://u:p@h:1444/d?encrypt=true&trustServerCertificate=true");
    expect([trusting.port, trusting.options]).toEqual([
      1444,
      { encrypt: true, trustServerCertificate: true },
    ]);
  });

  test("the config refuses a SQL Server URL without encrypt=true, naming DATABASE_URL", () => {
    for (const url of ["mssql://u:p@h/d", "mssql://u:p@h/d?encrypt=false"])
      expect(refusal({ DATABASE_URL: url })).toEqual([
        ["DATABASE_URL"],
        "invalid configuration:\n  DATABASE_URL: a SQL Server URL must carry encrypt=true (the SQL traffic is never sent in clear)",
      ]);
  });

  test("trustServerCertificate=true only with the explicit dev flag", () => {
    const url = "mssql://u:p@h/d?encrypt=true&trustServerCertificate=true";
    expect(refusal({ DATABASE_URL: url })?.[1]).toContain(
      "DATABASE_URL: trustServerCertificate=true skips verifying the server's certificate",
    );
    expect(refusal({ DATABASE_URL: url, DATABASE_DEV_TRUST_SERVER_CERTIFICATE: "false" })).not.toBeNull();
    expect(refusal({ DATABASE_URL: url, DATABASE_DEV_TRUST_SERVER_CERTIFICATE: "true" })).toBeNull();
    expect(refusal({ DATABASE_URL: "mssql://u:p@h/d?encrypt=true" })).toBeNull();
    expect(refusal({ DATABASE_URL: "sqlite:.data/x.db" })).toBeNull();
    expect(mssqlTlsProblem("sqlite::memory:", false)).toBeNull();
  });
});
