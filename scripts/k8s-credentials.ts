/**
 * The least-privilege credentials of the cluster, built from the untracked
 * secrets file by scripts/k8s-secret.ts (so no secret value is ever in the
 * repository): one SQL Server login per service, limited to its own database,
 * and one Redis ACL user per Redis client (gateway, discovery), limited to its
 * own key prefix.
 */
import { createHash } from "node:crypto";

/** Each service's database and its own login (the services never connect as `sa`). */
export const SERVICE_LOGINS = {
  owner: { database: "owner", login: "vetmesh_owner", passwordVariable: "OWNER_DB_PASSWORD" },
  veterinary: {
    database: "veterinary",
    login: "vetmesh_veterinary",
    passwordVariable: "VETERINARY_DB_PASSWORD",
  },
  notification: {
    database: "notification",
    login: "vetmesh_notification",
    passwordVariable: "NOTIFICATION_DB_PASSWORD",
  },
} as const;

/**
 * Database roles a service's user gets in its own database, and nothing on the server: read and
 * write its tables, and DDL because each service applies its own migrations at start-up
 * (applyMssqlMigrations). Not db_owner: it cannot grant permissions, add users or drop the database.
 */
export const SERVICE_DATABASE_ROLES = ["db_datareader", "db_datawriter", "db_ddladmin"] as const;

/** A T-SQL N'…' literal (a quote doubled), so any password is data, never SQL. */
function sqlString(value: string): string {
  return `N'${value.replaceAll("'", "''")}'`;
}

/**
 * The idempotent T-SQL the create-databases Job runs as `sa` (sqlcmd -x: no variable substitution)
 * after creating the databases: for each service, its login (created, or its password reset to the
 * Secret's), a user for it in its own database only, the roles of {@link SERVICE_DATABASE_ROLES},
 * REFERENCES (foreign keys in its migrations) and EXECUTE there. No server role, no other database.
 */
export function mssqlLoginsSql(passwords: Record<keyof typeof SERVICE_LOGINS, string>): string {
  const lines: string[] = [];
  for (const [service, { database, login }] of Object.entries(SERVICE_LOGINS)) {
    const password = sqlString(passwords[service as keyof typeof SERVICE_LOGINS]);
    lines.push(
      "USE [master];",
      `IF SUSER_ID(N'${login}') IS NULL CREATE LOGIN [${login}] WITH PASSWORD = ${password}, CHECK_POLICY = ON, DEFAULT_DATABASE = [${database}];`,
      `ELSE ALTER LOGIN [${login}] WITH PASSWORD = ${password};`,
      `USE [${database}];`,
      `IF USER_ID(N'${login}') IS NULL CREATE USER [${login}] FOR LOGIN [${login}];`,
      ...SERVICE_DATABASE_ROLES.map((role) => `ALTER ROLE [${role}] ADD MEMBER [${login}];`),
      `GRANT REFERENCES, EXECUTE TO [${login}];`,
    );
  }
  lines.push("USE [master];");
  return `${lines.join("\n")}\n`;
}

/** Each Redis client's ACL user: its password variable and the only keys and channels it may touch. */
export const REDIS_USERS = {
  gateway: { passwordVariable: "REDIS_GATEWAY_PASSWORD", keys: "vetmesh:gateway:*", channels: null },
  discovery: {
    passwordVariable: "REDIS_DISCOVERY_PASSWORD",
    keys: "vetmesh:discovery:*",
    channels: "vetmesh:discovery:*",
  },
} as const;

/**
 * Command categories of an application user: data reads and writes, Lua scripts (the limiter and
 * discovery's atomic lease scripts), MULTI, pub/sub, connection commands, INFO (ioredis's ready
 * check); never the dangerous ones (FLUSHALL, CONFIG, KEYS, DEBUG, ACL, …).
 */
const APP_COMMANDS = "-@all +@read +@write +@scripting +@transaction +@pubsub +@connection -@dangerous +info";

/**
 * The Redis ACL file (`aclfile`), passwords stored as SHA-256 (`#<hex>`) so the file itself does not
 * carry them: `default` may only PING (the readiness probe), each application user only its own
 * keys and channels with {@link APP_COMMANDS}.
 */
export function redisAclFile(passwords: Record<keyof typeof REDIS_USERS, string>): string {
  const lines = ["user default on nopass resetkeys resetchannels -@all +ping"];
  for (const [name, user] of Object.entries(REDIS_USERS)) {
    const hash = createHash("sha256")
      .update(passwords[name as keyof typeof REDIS_USERS])
      .digest("hex");
    const channels = user.channels ? `&${user.channels}` : "resetchannels";
    lines.push(`user ${name} on #${hash} resetkeys ~${user.keys} ${channels} ${APP_COMMANDS}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The REDIS_URL of one ACL user (user name and password URL-encoded). */
export function redisUrl(
  user: keyof typeof REDIS_USERS,
  password: string,
  host: string,
  port: string,
): string {
  return `redis://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}`;
}
