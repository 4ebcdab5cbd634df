/**
 * SQL Server helpers, on their own entry point (`@vetmesh/kit/db/mssql`) so that a
 * process on SQLite never loads the driver (tedious costs ~36 MB of RSS).
 */
import { drizzle } from "drizzle-orm/node-mssql";
import { migrate } from "drizzle-orm/node-mssql/migrator";
import mssql from "mssql";

/**
 * Applies the drizzle-kit migrations in `folder` to SQL Server under an
 * exclusive application lock named `lockResource` (sp_getapplock, owned by a
 * transaction on its own connection, 60 s timeout), so replicas starting
 * together apply them once, one after the other, instead of racing on
 * drizzle's read of the applied list. A lock that cannot be had throws.
 */
export async function applyMssqlMigrations(
  pool: mssql.ConnectionPool,
  folder: string,
  lockResource: string,
): Promise<void> {
  const lock = new mssql.Transaction(pool);
  await lock.begin();
  try {
    const result = await new mssql.Request(lock)
      .input("resource", mssql.NVarChar(255), lockResource)
      .query(
        "DECLARE @r int; EXEC @r = sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 60000; SELECT @r AS r",
      );
    const code = Number(result.recordset[0]?.r);
    if (!(code >= 0)) throw new Error(`sp_getapplock on ${lockResource} failed with ${code}`);
    await migrate(drizzle({ client: pool }), { migrationsFolder: folder });
    await lock.commit();
  } catch (error) {
    await lock.rollback().catch(() => undefined);
    throw error;
  }
}
