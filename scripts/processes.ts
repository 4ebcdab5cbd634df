/**
 * The one declarative list of the processes `make run` starts. Each entry says
 * what to run, on which ports, with which environment; scripts/run.ts starts them
 * in order, waits for every /status, and writes .run/processes.json.
 *
 * Ports and folders come from a layout so that the e2e suite can start a second,
 * private copy of the whole system (other ports, other data) beside a `make run`.
 */
import { resolve } from "node:path";

export interface ProcessSpec {
  /** Unique name; also the log file (<runDir>/<name>.log) and pid file (<runDir>/<name>.pid). */
  name: string;
  /** Entry file, run with `bun`. */
  entry: string;
  /** The name it registers under in discovery (none for discovery itself). */
  service?: string;
  /** Port of the HTTP/1.1 listener (/status). */
  httpPort: number;
  /** Port of the admin listener (GET /metrics, on loopback): the HTTP port does not serve metrics. */
  adminPort: number;
  /** Port of the h2c gRPC listener, if any. */
  grpcPort?: number;
  env: Record<string, string>;
}

/** Where a copy of the system lives: a port offset and its data and run folders. */
export interface Layout {
  portOffset: number;
  dataDir: string;
  runDir: string;
  /**
   * Prefix of every Redis key this copy writes (discovery's leases, the gateway's cache and limits).
   * Copies that share one Redis (a `make run` and the e2e suites, two CI runs) must not see each
   * other's instances: with one shared namespace, a test system's veterinary-1 replaced the lease of
   * another system's veterinary-1, and that system's gateway routed calls to a foreign instance.
   */
  redisNamespace: string;
}

/** The folders of `make run`. */
export const defaultLayout = { portOffset: 0, dataDir: ".data", runDir: ".run" } as const;

/**
 * The Redis namespace of the copy whose run folder is `runDir`: `vetmesh:<10 hex of its absolute
 * path's SHA-256>:`. Stable for one folder (a restarted process finds its copy's keys), distinct
 * for every other copy on the same Redis.
 */
export function runNamespace(runDir: string): string {
  const digest = new Bun.CryptoHasher("sha256").update(resolve(runDir)).digest("hex");
  return `vetmesh:${digest.slice(0, 10)}:`;
}

/**
 * Reads the layout from VETMESH_PORT_OFFSET / VETMESH_DATA_DIR / VETMESH_RUN_DIR (the e2e suite sets
 * them) and VETMESH_REDIS_NAMESPACE (default: {@link runNamespace} of the run folder).
 */
export function layoutFromEnv(env: Record<string, string | undefined> = process.env): Layout {
  const runDir = env.VETMESH_RUN_DIR ?? defaultLayout.runDir;
  return {
    portOffset: Number(env.VETMESH_PORT_OFFSET ?? 0),
    dataDir: env.VETMESH_DATA_DIR ?? defaultLayout.dataDir,
    runDir,
    redisNamespace: env.VETMESH_REDIS_NAMESPACE || runNamespace(runDir),
  };
}

/** Everything `make run` starts, in start order (discovery first so everyone can register). */
export function buildProcesses(layout: Layout): ProcessSpec[] {
  const port = (base: number) => base + layout.portOffset;
  const data = (file: string) => `${layout.dataDir}/${file}`;
  const DISCOVERY_URL = `http://127.0.0.1:${port(7001)}`;
  // The local JWKS (scripts/auth-keys.ts writes it): whoever verifies tokens reads it. AUTH_MODE comes from
  // the caller's environment (unset = open on loopback): `AUTH_MODE=required make run` turns auth on.
  const AUTH_JWKS_FILE = data("auth/jwks.json");
  return [
    {
      // The registry; first, so every later process can register. It never registers with itself.
      name: "discovery",
      entry: "mesh/discovery/src/main.ts",
      grpcPort: port(7000),
      httpPort: port(7001),
      adminPort: port(7002),
      env: { INSTANCE_ID: "discovery-1", DISCOVERY_REDIS_PREFIX: `${layout.redisNamespace}discovery:` },
    },
    // Owner service ×2 sharing one SQLite file (WAL): a registration on either is visible on both at once,
    // the UNIQUE email index holds across them, and a removal saga started on one can be resumed by the other.
    {
      name: "owner-1",
      entry: "packages/owner-service/src/main.ts",
      service: "owner",
      grpcPort: port(7101),
      httpPort: port(7102),
      adminPort: port(7103),
      env: {
        INSTANCE_ID: "owner-1",
        DATABASE_URL: `sqlite:${data("owner.db")}`,
        DISCOVERY_URL,
        AUTH_JWKS_FILE,
      },
    },
    {
      name: "owner-2",
      entry: "packages/owner-service/src/main.ts",
      service: "owner",
      grpcPort: port(7111),
      httpPort: port(7112),
      adminPort: port(7113),
      env: {
        INSTANCE_ID: "owner-2",
        DATABASE_URL: `sqlite:${data("owner.db")}`,
        DISCOVERY_URL,
        AUTH_JWKS_FILE,
      },
    },
    // Veterinary service ×2 sharing one SQLite file (WAL): overlap checks and reminder claims are
    // transactions on that file, so the two replicas never double-book a slot or double-send a reminder.
    {
      name: "veterinary-1",
      entry: "packages/veterinary-service/src/main.ts",
      service: "veterinary",
      grpcPort: port(7201),
      httpPort: port(7202),
      adminPort: port(7203),
      env: {
        INSTANCE_ID: "veterinary-1",
        DATABASE_URL: `sqlite:${data("veterinary.db")}`,
        DISCOVERY_URL,
        AUTH_JWKS_FILE,
        // scan often locally so a vaccination due today reaches .data/mail/ within seconds
        REMINDER_SCAN_INTERVAL_MS: "5000",
      },
    },
    {
      name: "veterinary-2",
      entry: "packages/veterinary-service/src/main.ts",
      service: "veterinary",
      grpcPort: port(7211),
      httpPort: port(7212),
      adminPort: port(7213),
      env: {
        INSTANCE_ID: "veterinary-2",
        DATABASE_URL: `sqlite:${data("veterinary.db")}`,
        DISCOVERY_URL,
        AUTH_JWKS_FILE,
        // scan often locally so a vaccination due today reaches .data/mail/ within seconds
        REMINDER_SCAN_INTERVAL_MS: "5000",
      },
    },
    // Notification service: its own SQLite outbox; no SMTP_URL, so mail lands as .eml files in the
    // mailbox folder (open them with any mail client). Set SMTP_URL in its env to send for real.
    {
      name: "notification-1",
      entry: "packages/notification-service/src/main.ts",
      service: "notification",
      grpcPort: port(7301),
      httpPort: port(7302),
      adminPort: port(7303),
      env: {
        INSTANCE_ID: "notification-1",
        DATABASE_URL: `sqlite:${data("notification.db")}`,
        MAILBOX_DIR: data("mail"),
        DISCOVERY_URL,
      },
    },
    {
      name: "demo",
      entry: "packages/demo-service/src/main.ts",
      service: "demo",
      grpcPort: port(7401),
      httpPort: port(7402),
      adminPort: port(7403),
      env: { INSTANCE_ID: "demo-1", DISCOVERY_URL },
    },
    {
      // The standalone balancer proxy: gRPC/Connect in, forwarded to an instance of the service the
      // RPC's proto package names, for clients that do not embed @vetmesh/balancer.
      name: "balancer",
      entry: "mesh/balancer/src/main.ts",
      service: "balancer",
      grpcPort: port(7501),
      httpPort: port(7502),
      adminPort: port(7503),
      env: { INSTANCE_ID: "balancer-1", DISCOVERY_URL },
    },
    {
      // The public REST API (docs/API.md) plus Connect/gRPC-Web pass-through; Redis shared by
      // replicas for rate limits and the pets cache (in-memory fallback when Redis is down).
      name: "gateway",
      entry: "packages/gateway/src/main.ts",
      service: "gateway",
      httpPort: port(8080),
      adminPort: port(8081),
      env: {
        INSTANCE_ID: "gateway-1",
        DISCOVERY_URL,
        AUTH_JWKS_FILE,
        REDIS_KEY_PREFIX: `${layout.redisNamespace}gateway:`,
      },
    },
  ];
}
