/**
 * drizzle-kit config of the Kubernetes migrate Job: the service's committed
 * SQL Server migrations (MIGRATIONS_DIR, relative to the service's folder)
 * applied to DATABASE_URL. Plain object, so it loads without resolving imports.
 */
export default {
  dialect: "mssql",
  out: process.env.MIGRATIONS_DIR ?? "./drizzle/mssql",
  dbCredentials: { url: process.env.DATABASE_URL ?? "" },
};
