/**
 * What a SQL Server DATABASE_URL may ask for, and the one place it becomes a
 * driver config, for every service (no driver import here: config.ts uses it
 * in every process, and tedious costs ~36 MB).
 */

/** True for the SQL Server forms of DATABASE_URL (`mssql://`, `sqlserver://`). */
function isMssqlUrl(url: string): boolean {
  return /^(mssql|sqlserver):\/\//.test(url);
}

/**
 * Why a DATABASE_URL is refused, or null: a SQL Server URL must say `encrypt=true` (SQL traffic is
 * never sent in clear), and `trustServerCertificate=true` (TLS that accepts any certificate, so any
 * machine in the path can read it) is only for a self-signed development server, named explicitly
 * with DATABASE_DEV_TRUST_SERVER_CERTIFICATE=true. SQLite URLs are not concerned.
 */
export function mssqlTlsProblem(url: string, devTrustServerCertificate: boolean): string | null {
  if (!isMssqlUrl(url) || !URL.canParse(url)) return null;
  const params = new URL(url).searchParams;
  if (params.get("encrypt") !== "true")
    return "a SQL Server URL must carry encrypt=true (the SQL traffic is never sent in clear)";
  if (params.get("trustServerCertificate") === "true" && !devTrustServerCertificate)
    return "trustServerCertificate=true skips verifying the server's certificate: only for a self-signed development server, with DATABASE_DEV_TRUST_SERVER_CERTIFICATE=true";
  return null;
}

/** The subset of node-mssql's `config` the services pass (structural, so this file needs no driver). */
export interface MssqlPoolConfig {
  user: string;
  password: string;
  server: string;
  port: number;
  database: string | undefined;
  options: { encrypt: boolean; trustServerCertificate: boolean };
}

/**
 * mssql://user:pass@host:port/db?encrypt=true → the pool config (user and password URL-decoded).
 * The certificate is verified unless the URL says trustServerCertificate=true (which the config
 * admits only with the dev flag, {@link mssqlTlsProblem}); never trusted by default.
 */
export function mssqlPoolConfig(url: string): MssqlPoolConfig {
  const parsed = new URL(url.replace(/^sqlserver:/, "mssql:"));
  return {
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    server: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 1433,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined,
    options: {
      encrypt: parsed.searchParams.get("encrypt") === "true",
      trustServerCertificate: parsed.searchParams.get("trustServerCertificate") === "true",
    },
  };
}
