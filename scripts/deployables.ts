/**
 * The one list of vetmesh's deployables (a process with its own image,
 * manifests and config). Adding one starts here: `make deploy` builds an image
 * per entry (k8s/deploy.mk reads the names from this file), and tests hold
 * everything else to this list — its Dockerfile target and manifests
 * (tests/k8s), its `.env.example` (scripts/env-example.test.ts) and its
 * `make run` process (scripts/processes.test.ts).
 *
 * `bun scripts/deployables.ts names` prints the names, space-separated.
 */
export interface DeployableEntry {
  /** Deployment, Service, Dockerfile target and image name. */
  name: string;
  /** Folder of the workspace package, relative to the root; its entry is `<dir>/src/main.ts`. */
  dir: string;
  /** Has a gRPC (h2c) listener besides HTTP. */
  grpc: boolean;
  /** Scaled by a HorizontalPodAutoscaler. */
  hpa: boolean;
  /** Owns a database: created by the Job, migrated at start-up, DATABASE_URL from the Secret. */
  database: boolean;
}

/** Every deployable, in the order `make deploy` builds them. */
export const DEPLOYABLES: readonly DeployableEntry[] = [
  { name: "gateway", dir: "packages/gateway", grpc: false, hpa: true, database: false },
  { name: "owner", dir: "packages/owner-service", grpc: true, hpa: true, database: true },
  { name: "veterinary", dir: "packages/veterinary-service", grpc: true, hpa: true, database: true },
  { name: "notification", dir: "packages/notification-service", grpc: true, hpa: false, database: true },
  { name: "demo", dir: "packages/demo-service", grpc: true, hpa: false, database: false },
  { name: "discovery", dir: "mesh/discovery", grpc: true, hpa: false, database: false },
  { name: "balancer", dir: "mesh/balancer", grpc: true, hpa: false, database: false },
];

if (import.meta.main) {
  if (process.argv[2] !== "names") {
    process.stderr.write("usage: bun scripts/deployables.ts names\n");
    process.exit(2);
  }
  process.stdout.write(`${DEPLOYABLES.map((d) => d.name).join(" ")}\n`);
}
