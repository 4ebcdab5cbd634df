/**
 * Builds the Secret `vetmesh-secrets` from an untracked env file (k8s/.env,
 * see k8s/secrets.example.env) and prints it as JSON for `kubectl apply -f -`.
 * Secret values never enter the repository; the database URLs are composed
 * here so the password is URL-encoded once, correctly.
 *
 *   bun scripts/k8s-secret.ts k8s/.env | kubectl apply -f -
 */
import { readFileSync } from "node:fs";
import { mssqlLoginsSql, REDIS_USERS, redisAclFile, redisUrl, SERVICE_LOGINS } from "./k8s-credentials.ts";

/** Name the manifests reference in every secretKeyRef. */
export const SECRET_NAME = "vetmesh-secrets";

/** Database (on the one SQL Server) of each service, by the Secret key of its DATABASE_URL. */
export const DATABASE_KEYS = {
  OWNER_DATABASE_URL: "owner",
  VETERINARY_DATABASE_URL: "veterinary",
  NOTIFICATION_DATABASE_URL: "notification",
} as const;

/** The REDIS_URL (with its ACL user's credentials) of each Redis client, by Secret key. */
export const REDIS_URL_KEYS = { GATEWAY_REDIS_URL: "gateway", DISCOVERY_REDIS_URL: "discovery" } as const;

/** Every key the Secret carries; tests/k8s checks each secretKeyRef against this list. */
export const SECRET_KEYS = [
  "MSSQL_SA_PASSWORD",
  "SMTP_URL",
  "DISCOVERY_TOKEN",
  ...Object.keys(DATABASE_KEYS),
  // The create-databases Job runs it as sa: per-service logins and users (scripts/k8s-credentials.ts).
  "MSSQL_LOGINS_SQL",
  ...Object.keys(REDIS_URL_KEYS),
  // Mounted into the Redis pod as its aclfile.
  "REDIS_USERS_ACL",
] as const;

/** The variables of the secrets file, in the order k8s/secrets.example.env lists them. */
export const SECRET_VARIABLES = [
  "MSSQL_SA_PASSWORD",
  ...Object.values(SERVICE_LOGINS).map((one) => one.passwordVariable),
  "SMTP_URL",
  "DISCOVERY_TOKEN",
  ...Object.values(REDIS_USERS).map((one) => one.passwordVariable),
] as const;

/** Parses KEY=VALUE lines (# comments, optional single or double quotes). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`not KEY=VALUE: ${line}`);
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0])
      value = value.slice(1, -1);
    env[line.slice(0, eq).trim()] = value;
  }
  return env;
}

/** SQL Server's own rule: 8+ characters from at least three of upper, lower, digit, symbol. */
function strongEnough(password: string): boolean {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return password.length >= 8 && classes >= 3;
}

/** The Secret object, or an Error naming every missing or bad variable. */
export function buildSecret(env: Record<string, string | undefined>, namespace = "vetmesh") {
  const problems: string[] = [];
  const password = env.MSSQL_SA_PASSWORD ?? "";
  if (!strongEnough(password))
    problems.push(
      "MSSQL_SA_PASSWORD: required, 8+ characters from 3 of upper/lower/digit/symbol (SQL Server refuses weaker)",
    );
  const smtp = env.SMTP_URL ?? "";
  if (!/^smtps?:\/\/[^/]/.test(smtp))
    problems.push("SMTP_URL: required, smtp://host:port or smtps://user:pass@host:port");
  const discoveryToken = env.DISCOVERY_TOKEN ?? "";
  if (discoveryToken.length < 32 || /\s/.test(discoveryToken))
    problems.push("DISCOVERY_TOKEN: required, 32+ characters without spaces (e.g. openssl rand -base64 32)");
  const loginPasswords: Record<string, string> = {};
  const seen = new Set([password]);
  for (const [service, { passwordVariable }] of Object.entries(SERVICE_LOGINS)) {
    const value = env[passwordVariable] ?? "";
    if (!strongEnough(value))
      problems.push(
        `${passwordVariable}: required, 8+ characters from 3 of upper/lower/digit/symbol (${service}'s own login)`,
      );
    else if (seen.has(value))
      problems.push(`${passwordVariable}: must differ from every other database password`);
    seen.add(value);
    loginPasswords[service] = value;
  }
  const redisPasswords: Record<string, string> = {};
  for (const [user, { passwordVariable }] of Object.entries(REDIS_USERS)) {
    const value = env[passwordVariable] ?? "";
    if (value.length < 32 || /\s/.test(value))
      problems.push(`${passwordVariable}: required, 32+ characters without spaces (Redis ACL user ${user})`);
    redisPasswords[user] = value;
  }
  const options = env.MSSQL_OPTIONS ?? "encrypt=true";
  if (new URLSearchParams(options).get("encrypt") !== "true")
    problems.push("MSSQL_OPTIONS: must keep encrypt=true (the services' SQL traffic is never sent in clear)");
  if (problems.length > 0) throw new Error(`invalid secrets file:\n  ${problems.join("\n  ")}`);

  const host = env.MSSQL_HOST ?? `mssql.${namespace}.svc`;
  const port = env.MSSQL_PORT ?? "1433";
  const stringData: Record<string, string> = {
    MSSQL_SA_PASSWORD: password,
    SMTP_URL: smtp,
    DISCOVERY_TOKEN: discoveryToken,
  };
  for (const [key, database] of Object.entries(DATABASE_KEYS)) {
    const { login } = SERVICE_LOGINS[database];
    const secret = encodeURIComponent(loginPasswords[database] ?? "");
    stringData[key] = `mssql://${login}:${secret}@${host}:${port}/${database}?${options}`;
  }
  stringData.MSSQL_LOGINS_SQL = mssqlLoginsSql(loginPasswords as Record<keyof typeof SERVICE_LOGINS, string>);
  const redisHost = env.REDIS_HOST ?? `redis.${namespace}.svc`;
  const redisPort = env.REDIS_PORT ?? "6379";
  for (const [key, user] of Object.entries(REDIS_URL_KEYS))
    stringData[key] = redisUrl(user, redisPasswords[user] ?? "", redisHost, redisPort);
  stringData.REDIS_USERS_ACL = redisAclFile(redisPasswords as Record<keyof typeof REDIS_USERS, string>);
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name: SECRET_NAME, namespace, labels: { "app.kubernetes.io/part-of": "vetmesh" } },
    stringData,
  };
}

if (import.meta.main) {
  const file = process.argv[2] ?? "k8s/.env";
  try {
    const secret = buildSecret(parseEnvFile(readFileSync(file, "utf8")));
    process.stdout.write(`${JSON.stringify(secret, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`${file}: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
