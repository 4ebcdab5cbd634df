/**
 * Least-privilege credentials in the cluster (issue 21): each service on SQL
 * Server as its own login limited to its own database (never `sa`), with
 * encrypt=true and the certificate verified outside the local overlay, Redis
 * with ACL users (the default user may only PING) whose credentials reach the
 * gateway and discovery in REDIS_URL from the Secret. The manifests are
 * checked on both overlays; the ACL file the Secret carries is loaded into a
 * real redis-server and the real gateway and discovery processes run on it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "@vetmesh/kit";
import { hasRedisServer, type PrivateRedis, startPrivateRedis } from "@vetmesh/kit/testing";
import Redis from "ioredis";
import {
  mssqlLoginsSql,
  type REDIS_USERS,
  redisAclFile,
  SERVICE_LOGINS,
} from "../../scripts/k8s-credentials.ts";
import { buildSecret } from "../../scripts/k8s-secret.ts";
import { eventually, startProcess, stopAll } from "../support/process.ts";
import { containerEnv } from "./check.ts";
import { DEPLOYABLE_NAMES, loadDeployable, ROOT } from "./deployables.ts";
import { type K8sObject, podContainers, renderKustomization } from "./kustomize.ts";

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML
type Any = any;

const PASSWORDS = { owner: "Own3r'pw$(x)", veterinary: "V3t-pw;DROP", notification: "N0t]pw[x" };
/** A secrets file that passes scripts/k8s-secret.ts. */
const VALID_SECRETS = {
  MSSQL_SA_PASSWORD: "Sa-p@ss1",
  OWNER_DB_PASSWORD: PASSWORDS.owner,
  VETERINARY_DB_PASSWORD: PASSWORDS.veterinary,
  NOTIFICATION_DB_PASSWORD: PASSWORDS.notification,
  SMTP_URL: "smtp://m:25",
  DISCOVERY_TOKEN: "d".repeat(32),
  REDIS_GATEWAY_PASSWORD: "g".repeat(32),
  REDIS_DISCOVERY_PASSWORD: "r".repeat(32),
};

describe.each(["k8s/base", "k8s/overlays/local"])("%s", (overlay) => {
  const objects = renderKustomization(join(ROOT, overlay));
  const app = (name: string): Any =>
    podContainers(objects.find((o) => o.kind === "Deployment" && o.metadata.name === name) as K8sObject).find(
      (c) => c.name === "app",
    );
  const secretKey = (container: Any, variable: string) =>
    (container?.env ?? []).find((e: Any) => e.name === variable)?.valueFrom?.secretKeyRef?.key;

  test("no application container gets the sa password; each service's DATABASE_URL is its own Secret key", () => {
    const withSa = DEPLOYABLE_NAMES.filter((name) =>
      (app(name)?.env ?? []).some((e: Any) => e.valueFrom?.secretKeyRef?.key === "MSSQL_SA_PASSWORD"),
    );
    expect(withSa).toEqual([]);
    for (const service of Object.keys(SERVICE_LOGINS))
      expect(secretKey(app(service), "DATABASE_URL")).toBe(`${service.toUpperCase()}_DATABASE_URL`);
  });

  test("the create-databases Job creates the per-service logins from the Secret's SQL, without variable substitution", () => {
    const job = objects.find(
      (o) => o.kind === "Job" && o.metadata.name === "vetmesh-create-databases",
    ) as K8sObject;
    const [container] = podContainers(job);
    expect(secretKey(container, "MSSQL_LOGINS_SQL")).toBe("MSSQL_LOGINS_SQL");
    const script = container.command.join("\n") as string;
    expect(script).toContain('-b -x -Q "$MSSQL_LOGINS_SQL"');
    // after the databases exist
    expect(script.indexOf("CREATE DATABASE [notification]")).toBeLessThan(
      script.indexOf("$MSSQL_LOGINS_SQL"),
    );
  });

  test("gateway and discovery read REDIS_URL (with their ACL user) from the Secret; no ConfigMap carries a Redis URL", () => {
    expect(secretKey(app("gateway"), "REDIS_URL")).toBe("GATEWAY_REDIS_URL");
    expect(secretKey(app("discovery"), "REDIS_URL")).toBe("DISCOVERY_REDIS_URL");
    for (const name of ["gateway", "discovery"]) {
      const env = containerEnv(app(name), objects, []);
      expect(env.get("REDIS_URL")).toBeNull(); // set from the Secret, not from a ConfigMap value
    }
    const urls = objects
      .filter((o) => o.kind === "ConfigMap")
      .flatMap((cm) => Object.values(cm.data ?? {}).filter((v) => String(v).startsWith("redis://")));
    expect(urls).toEqual([]);
  });

  test.each(Object.keys(SERVICE_LOGINS))(
    "%s: encrypt=true is required and the server certificate verified (trusting it only where the overlay says dev)",
    async (service) => {
      const { configShape } = await loadDeployable(service);
      const env = Object.fromEntries(
        [...containerEnv(app(service), objects, [])].filter(([, value]) => value !== null),
      ) as Record<string, string>;
      const dev = env.DATABASE_DEV_TRUST_SERVER_CERTIFICATE;
      expect(dev).toBe(overlay === "k8s/base" ? "false" : "true");
      const secret = (MSSQL_OPTIONS?: string) =>
        buildSecret({ ...VALID_SECRETS, ...(MSSQL_OPTIONS ? { MSSQL_OPTIONS } : {}) }).stringData[
          `${service.toUpperCase()}_DATABASE_URL`
        ];
      const starts = (DATABASE_URL?: string) => {
        try {
          loadConfig(configShape, { ...env, DATABASE_URL });
          return "starts";
        } catch (error) {
          return error instanceof ConfigError ? error.variables.join() : String(error);
        }
      };
      // The Secret's default URL (encrypt=true, certificate verified) is accepted everywhere.
      expect(starts(secret())).toBe("starts");
      // Trusting any certificate: refused in production (base), admitted by the local overlay's dev flag.
      expect(starts(secret("encrypt=true&trustServerCertificate=true"))).toBe(
        overlay === "k8s/base" ? "DATABASE_URL" : "starts",
      );
      // No encryption: refused everywhere.
      expect(starts((secret() ?? "").replace("encrypt=true", "encrypt=false"))).toBe("DATABASE_URL");
    },
  );

  test("Redis loads its ACL users from the Secret (mounted read-only, group-readable only)", () => {
    const redis = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "redis") as K8sObject;
    const [container] = podContainers(redis);
    const args: string[] = container.args;
    expect(args[args.indexOf("--aclfile") + 1]).toBe("/etc/redis/users.acl");
    const mount = container.volumeMounts.find((m: Any) => m.mountPath === "/etc/redis");
    expect(mount.readOnly).toBe(true);
    const volume = redis.spec.template.spec.volumes.find((v: Any) => v.name === mount.name);
    expect(volume.secret).toEqual({
      secretName: "vetmesh-secrets",
      items: [{ key: "REDIS_USERS_ACL", path: "users.acl" }],
      defaultMode: 0o440,
    });
  });
});

describe("the per-service SQL Server logins (scripts/k8s-credentials.ts)", () => {
  const sql = mssqlLoginsSql(PASSWORDS);

  test("each login is a user of its own database only, with read/write/DDL roles and no server or owner role", () => {
    for (const [service, { database, login }] of Object.entries(SERVICE_LOGINS)) {
      const users = [...sql.matchAll(/USE \[(\w+)\];\nIF USER_ID\(N'(\w+)'\) IS NULL CREATE USER/g)];
      expect(users.filter((m) => m[2] === login).map((m) => m[1])).toEqual([database]);
      expect(sql).toContain(`ALTER ROLE [db_datareader] ADD MEMBER [${login}];`);
      expect(sql).toContain(`ALTER ROLE [db_ddladmin] ADD MEMBER [${login}];`);
      expect({ service, defaultDb: sql.includes(`DEFAULT_DATABASE = [${database}]`) }).toEqual({
        service,
        defaultDb: true,
      });
    }
    expect(sql).not.toMatch(/sysadmin|securityadmin|serveradmin|db_owner|CONTROL SERVER|db_securityadmin/i);
    expect(sql).toContain("CHECK_POLICY = ON");
  });

  test("passwords are T-SQL string data: quotes doubled, nothing else interpreted", () => {
    expect(sql).toContain("WITH PASSWORD = N'Own3r''pw$(x)', CHECK_POLICY = ON");
    expect(sql).toContain("ALTER LOGIN [vetmesh_veterinary] WITH PASSWORD = N'V3t-pw;DROP';");
  });

  test("the Secret's DATABASE_URLs connect as the service's login, never as sa", () => {
    const secret = buildSecret(VALID_SECRETS);
    for (const [service, { login }] of Object.entries(SERVICE_LOGINS)) {
      const url = new URL(secret.stringData[`${service.toUpperCase()}_DATABASE_URL`] ?? "");
      expect([url.username, decodeURIComponent(url.password)]).toEqual([
        login,
        PASSWORDS[service as keyof typeof PASSWORDS],
      ]);
    }
    expect(secret.stringData.MSSQL_LOGINS_SQL).toBe(mssqlLoginsSql(PASSWORDS));
  });
});

describe.if(hasRedisServer)("Redis with the Secret's ACL file, on a real redis-server", () => {
  const dir = mkdtempSync(join(tmpdir(), "redis-acl-"));
  const passwords = {
    gateway: "gateway-password-".padEnd(40, "g"),
    discovery: "discovery-pass/:@".padEnd(40, "d"),
  };
  let server: PrivateRedis | undefined;
  let port = 0;
  const clients: Redis[] = [];
  const client = (user?: keyof typeof REDIS_USERS, password?: string) => {
    const one = new Redis({
      port,
      host: "127.0.0.1",
      username: user,
      password: password ?? (user ? passwords[user] : undefined),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableReadyCheck: false,
      retryStrategy: () => null,
    });
    one.on("error", () => {});
    clients.push(one);
    return one;
  };
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => "ok",
      (error: Error) => error.message.split(" ")[0],
    );

  afterAll(async () => {
    for (const one of clients) one.disconnect();
    await stopAll();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("starts with the ACL file; the default user may PING and nothing else", async () => {
    const file = join(dir, "users.acl");
    writeFileSync(file, redisAclFile(passwords));
    server = await startPrivateRedis(undefined, ["--aclfile", file]);
    port = server.port;
    const anonymous = client();
    await eventually(
      async () => (await anonymous.connect().then(() => anonymous.ping())) === "PONG",
      10_000,
      100,
    );
    expect(await failure(anonymous.get("vetmesh:gateway:x"))).toBe("NOPERM");
    expect(await failure(anonymous.set("anything", "1"))).toBe("NOPERM");
  });

  test("a wrong password is refused; each user reaches only its own key prefix and no dangerous command", async () => {
    const wrong = client();
    await wrong.connect();
    expect(await failure(wrong.auth("gateway", "not-the-password"))).toBe("WRONGPASS");
    const gateway = client("gateway");
    await gateway.connect();
    expect(await gateway.set("vetmesh:gateway:probe", "1")).toBe("OK");
    expect(await failure(gateway.get("vetmesh:discovery:services"))).toBe("NOPERM");
    expect(await failure(gateway.flushall())).toBe("NOPERM");
    expect(await failure(gateway.keys("*"))).toBe("NOPERM");
    const discovery = client("discovery");
    await discovery.connect();
    expect(await failure(discovery.get("vetmesh:gateway:probe"))).toBe("NOPERM");
    expect(await failure(discovery.config("GET", "requirepass"))).toBe("NOPERM");
  });

  test("the real discovery and gateway processes work with their ACL users' REDIS_URLs", async () => {
    const url = (user: keyof typeof REDIS_USERS) =>
      `redis://${user}:${encodeURIComponent(passwords[user])}@127.0.0.1:${port}`;
    const discovery = await startProcess({
      name: "discovery-acl",
      entry: "mesh/discovery/src/main.ts",
      env: { REDIS_URL: url("discovery"), DISCOVERY_REDIS_PREFIX: "" },
    });
    const DISCOVERY_URL = `http://127.0.0.1:${discovery.httpPort}`;
    const demo = await startProcess({
      name: "demo-acl",
      entry: "packages/demo-service/src/main.ts",
      env: { DISCOVERY_URL, INSTANCE_ID: "demo-acl-1" },
    });
    await demo.waitForLine((line) => line.includes("registered with discovery"));
    const listed = async () => {
      const res = await fetch(`${DISCOVERY_URL}/vetmesh.discovery.v1.DiscoveryService/List`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ service: "demo" }),
      });
      const body = (await res.json()) as { instances?: Array<{ instanceId: string }> };
      return body.instances?.map((one) => one.instanceId);
    };
    expect(await eventually(listed)).toEqual(["demo-acl-1"]);
    const own = client("discovery");
    await own.connect();
    expect(await own.sismember("vetmesh:discovery:services", "demo")).toBe(1);

    const gateway = await startProcess({
      name: "gateway-acl",
      entry: "packages/gateway/src/main.ts",
      env: { DISCOVERY_URL, REDIS_URL: url("gateway"), REDIS_KEY_PREFIX: "", RATE_LIMIT_TEST: "2/60" },
    });
    await gateway.waitForLine((line) => line.includes("redis reachable"));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/test/rate-limit`);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    // The limit was kept in Redis, under the gateway's prefix, written with its own ACL user.
    const gatewayClient = client("gateway");
    await gatewayClient.connect();
    const [, keys] = await gatewayClient.scan(0, "MATCH", "vetmesh:gateway:rl:*", "COUNT", 1000);
    expect(keys.length).toBeGreaterThan(0);
    expect(gateway.lines.filter((line) => line.includes("NOPERM"))).toEqual([]);
    expect(discovery.lines.filter((line) => line.includes("NOPERM"))).toEqual([]);
  }, 60_000);
});
if (!hasRedisServer)
  test.skip("Redis ACL on a real redis-server: skipped because redis-server is not installed", () => {});
