import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { SECRET_KEYS } from "../../scripts/k8s-secret.ts";
import {
  checkCluster,
  checkDeployable,
  checkManifests,
  checkServices,
  checkWorkload,
  validateSchemas,
} from "./check.ts";
import { DEPLOYABLE_NAMES, DEPLOYABLE_TABLE, loadDeployable, ROOT } from "./deployables.ts";
import { type K8sObject, podContainers, renderKustomization } from "./kustomize.ts";

const DASHBOARD_FILE = join(ROOT, "k8s/observability/grafana-dashboard.json");
const RULES_FILE = join(ROOT, "k8s/observability/alert-rules.yaml");

const OVERLAYS = ["k8s/base", "k8s/overlays/local"];
const render = (overlay: string) => renderKustomization(join(ROOT, overlay));
const find = (objects: K8sObject[], kind: string, name: string) => {
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!obj) throw new Error(`no ${kind}/${name}`);
  return obj;
};

describe.each(OVERLAYS)("%s", (overlay) => {
  const objects = render(overlay);

  test("renders every kind the system needs", () => {
    const kinds = new Set(objects.map((o) => o.kind));
    expect([...kinds].sort()).toEqual([
      "AuthorizationPolicy",
      "ConfigMap",
      "Deployment",
      "HorizontalPodAutoscaler",
      "Job",
      "MeshTLSAuthentication",
      "Namespace",
      "NetworkAuthentication",
      "NetworkPolicy",
      "PodDisruptionBudget",
      "Server",
      "Service",
      "ServiceAccount",
      "StatefulSet",
    ]);
    expect(
      objects
        .filter((o) => o.kind === "Deployment")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([...DEPLOYABLE_NAMES, "redis"].sort());
    expect(
      objects
        .filter((o) => o.kind === "HorizontalPodAutoscaler")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["gateway", "owner", "veterinary"]);
  });

  test("every object is valid against the Kubernetes schema (kubernetes-models)", () => {
    expect(validateSchemas(objects)).toEqual([]);
  });

  test("every workload has limits, a non-root read-only security context; Deployments have probes", () => {
    expect(objects.flatMap(checkWorkload)).toEqual([]);
  });

  test("Services select a workload, target declared ports, and mark gRPC ports h2c", () => {
    expect(checkServices(objects)).toEqual([]);
  });

  test("ships the Grafana dashboard and the alert rules as ConfigMaps, byte for byte k8s/observability's files (alert-rules.test.ts checks those), labelled for the sidecars", () => {
    const dashboard = find(objects, "ConfigMap", "vetmesh-grafana-dashboard");
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe("1");
    expect(dashboard.data).toEqual({ "vetmesh.json": readFileSync(DASHBOARD_FILE, "utf8") });
    expect(JSON.parse(dashboard.data["vetmesh.json"]).uid).toBeTruthy();
    const rules = find(objects, "ConfigMap", "vetmesh-alert-rules");
    expect(rules.metadata.labels?.prometheus_rule).toBe("1");
    expect(rules.data).toEqual({ "vetmesh-alert-rules.yaml": readFileSync(RULES_FILE, "utf8") });
    for (const cm of [dashboard, rules]) expect(cm.metadata.namespace).toBe("vetmesh");
  });

  test("namespace is meshed by Linkerd, no secret values, in-cluster URLs name real Service ports", () => {
    expect(checkCluster(objects, "vetmesh", SECRET_KEYS)).toEqual([]);
  });

  test.each(DEPLOYABLE_NAMES)(
    "%s: ports, probes, env names and shutdown agree with its src/config.ts",
    async (name) => {
      const deployable = await loadDeployable(name);
      expect(checkDeployable(deployable, objects)).toEqual([]);
    },
  );

  test("SQL Server has one migration path: the Job only creates each database owner's database", () => {
    const job = find(objects, "Job", "vetmesh-create-databases");
    expect(job.spec.template.metadata.annotations["linkerd.io/inject"]).toBe("disabled");
    const spec = job.spec.template.spec;
    expect({ init: spec.initContainers, containers: spec.containers.map((c: K8sObject) => c.name) }).toEqual({
      init: undefined,
      containers: ["create-databases"],
    });
    const script = spec.containers[0].command.join(" ") as string;
    for (const d of DEPLOYABLE_TABLE.filter((entry) => entry.database)) {
      expect(script).toContain(`IF DB_ID(N'${d.name}') IS NULL CREATE DATABASE [${d.name}];`);
      // The service migrates its own database at start-up, from the Secret key the Job never reads.
      const app = podContainers(find(objects, "Deployment", d.name)).find((x) => x.name === "app");
      expect(app.env.find((e: K8sObject) => e.name === "DATABASE_URL").valueFrom.secretKeyRef.key).toBe(
        `${d.name.toUpperCase()}_DATABASE_URL`,
      );
    }
  });
});

describe("local overlay (Docker Desktop)", () => {
  const objects = render("k8s/overlays/local");

  test("one replica of everything, HPAs from 1, images built locally", () => {
    for (const d of objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet"))
      expect({ name: d.metadata.name, replicas: d.spec.replicas ?? 1 }).toEqual({
        name: d.metadata.name,
        replicas: 1,
      });
    for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler"))
      expect(hpa.spec.minReplicas).toBe(1);
    const ours = objects.flatMap(podContainers).filter((c) => String(c.image).startsWith("vetmesh/"));
    expect(ours.length).toBe(DEPLOYABLE_NAMES.length);
    for (const c of ours) expect(String(c.image)).toMatch(/^vetmesh\/[a-z]+:local$/);
  });

  test("smaller resources than base, gateway on NodePort 30080", () => {
    const app = podContainers(find(objects, "Deployment", "owner")).find((c) => c.name === "app");
    expect(app.resources).toEqual({
      requests: { cpu: "25m", memory: "64Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
    const redis = podContainers(find(objects, "Deployment", "redis"));
    expect(redis.map((c) => c.name)).toEqual(["redis"]);
    const gateway = find(objects, "Service", "gateway");
    expect(gateway.spec.type).toBe("NodePort");
    expect(gateway.spec.ports).toEqual([
      { name: "http", port: 8080, targetPort: "http", appProtocol: "http", nodePort: 30080 },
    ]);
  });
});

const kubectl = Bun.which("kubectl");
describe.if(kubectl !== null)("the TypeScript renderer agrees with kubectl", () => {
  test.each(OVERLAYS)("%s renders exactly like `kubectl kustomize`", (overlay) => {
    const out = Bun.spawnSync([kubectl ?? "kubectl", "kustomize", join(ROOT, overlay)]);
    expect(out.exitCode).toBe(0);
    const theirs = parseAllDocuments(out.stdout.toString()).map((d) => d.toJS() as K8sObject);
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    const byKey = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [key(o), o]));
    expect(byKey(render(overlay))).toEqual(byKey(theirs));
  });
});
if (kubectl === null) test.skip("renderer vs kubectl: skipped because kubectl is not installed", () => {});

describe("the checks bite: a manifest broken on purpose fails", async () => {
  const demo = await loadDeployable("demo");
  const fresh = () => render("k8s/base");
  const demoApp = (objects: K8sObject[]) =>
    podContainers(find(objects, "Deployment", "demo")).find((c) => c.name === "app");
  const errorsAfter = (mutate: (objects: K8sObject[]) => void) => {
    const objects = fresh();
    mutate(objects);
    return checkManifests(objects, [demo]);
  };

  test("unbroken, the demo Deployment passes (so the failures below are the mutation's)", () => {
    expect(checkManifests(fresh(), [demo])).toEqual([]);
  });

  test("readiness probe on a wrong path", () => {
    const errors = errorsAfter((o) => {
      demoApp(o).readinessProbe.httpGet.path = "/healthz";
    });
    expect(errors).toEqual([
      'Deployment/demo: readinessProbe must be GET /status on the http port (7402), got {"path":"/healthz","port":"http"}',
    ]);
  });

  test("liveness probe on the gRPC port", () => {
    const errors = errorsAfter((o) => {
      demoApp(o).livenessProbe.httpGet.port = 7401;
    });
    expect(errors).toEqual([
      'Deployment/demo: livenessProbe must be GET /status on the http port (7402), got {"path":"/status","port":7401}',
    ]);
  });

  test("container port that is not the one the service listens on", () => {
    const errors = errorsAfter((o) => {
      demoApp(o).ports[1].containerPort = 7403;
    });
    expect(errors).toEqual(["Deployment/demo: http containerPort 7403 but the service listens on 7402"]);
  });

  test("the admin port: moved away from ADMIN_PORT, left on loopback, scraped elsewhere", () => {
    const errors = errorsAfter((o) => {
      demoApp(o).ports[2].containerPort = 7409;
      find(o, "ConfigMap", "vetmesh-common").data.ADMIN_HOST = "127.0.0.1";
      find(o, "Deployment", "demo").spec.template.metadata.annotations["prometheus.io/port"] = "7402";
    });
    expect(errors).toEqual([
      "Deployment/demo: admin containerPort 7409 but /metrics listens on 7403",
      "Deployment/demo: ADMIN_HOST must be 0.0.0.0 in the pod (its default, loopback, hides /metrics from Prometheus)",
      'Deployment/demo: Prometheus annotations must scrape /metrics on 7403, got ["true","7402","/metrics"]',
    ]);
  });

  test("HTTP_PORT overridden in the environment without moving the container port", () => {
    const errors = errorsAfter((o) => {
      demoApp(o).env.push({ name: "HTTP_PORT", value: "9000" });
    });
    expect(errors).toContain("Deployment/demo: http containerPort 7402 but the service listens on 9000");
  });

  test("a variable the deployable does not read (typo)", () => {
    const errors = errorsAfter((o) => {
      demoApp(o).env.push({ name: "DISCOVERY_ULR", value: "http://x" });
    });
    expect(errors).toEqual([
      "Deployment/demo: sets DISCOVERY_ULR, which packages/demo-service/src/config.ts does not read",
    ]);
  });

  test("no limits, privilege escalation allowed, root filesystem writable", () => {
    const errors = errorsAfter((o) => {
      const app = demoApp(o);
      delete app.resources.limits;
      app.securityContext.allowPrivilegeEscalation = true;
      app.securityContext.readOnlyRootFilesystem = false;
    });
    expect(errors).toEqual([
      "Deployment/demo container app: no limits.cpu",
      "Deployment/demo container app: no limits.memory",
      "Deployment/demo container app: allowPrivilegeEscalation must be false",
      "Deployment/demo container app: readOnlyRootFilesystem must be true",
    ]);
  });

  test("root allowed and no probes", () => {
    const errors = errorsAfter((o) => {
      find(o, "Deployment", "demo").spec.template.spec.securityContext.runAsNonRoot = false;
      delete demoApp(o).livenessProbe;
    });
    expect(errors).toContain("Deployment/demo container app: runAsNonRoot");
    expect(errors).toContain("Deployment/demo container app: no livenessProbe");
  });

  test("gRPC Service port without appProtocol h2c", () => {
    const errors = errorsAfter((o) => {
      delete find(o, "Service", "demo").spec.ports[0].appProtocol;
    });
    expect(errors).toEqual(["Service/demo: gRPC port grpc needs appProtocol kubernetes.io/h2c"]);
  });

  test("a preStop sleep that no longer fits the grace period", () => {
    const errors = errorsAfter((o) => {
      demoApp(o).lifecycle.preStop.exec.command = ["sleep", "25"];
    });
    expect(errors).toEqual([
      "Deployment/demo: terminationGracePeriodSeconds 30 < preStop 25s + drain 10.15s + 2s",
      "Deployment/demo: proxy-wait-before-exit-seconds 17 must cover 35.15s and fit 30s",
    ]);
  });

  test("a committed secret value, and DISCOVERY_URL on a port no Service has", () => {
    const errors = errorsAfter((o) => {
      o.push({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "leak", namespace: "vetmesh" },
        data: { K: "dg==" },
      });
      find(o, "ConfigMap", "vetmesh-common").data.DISCOVERY_URL = "http://discovery.vetmesh.svc:7002";
    });
    expect(errors).toEqual([
      "Secret/leak: secret values must not be committed",
      "ConfigMap/vetmesh-common: DISCOVERY_URL=http://discovery.vetmesh.svc:7002 names no Service port",
    ]);
  });

  test("a secretKeyRef to a key the secret generator does not create", () => {
    const errors = errorsAfter((o) => {
      demoApp(o).env.push({
        name: "DEMO_MAX_DELAY_MS",
        valueFrom: { secretKeyRef: { name: "vetmesh-secrets", key: "NOPE" } },
      });
    });
    expect(errors).toEqual([
      "Deployment/demo container app: DEMO_MAX_DELAY_MS from secret vetmesh-secrets/NOPE, which scripts/k8s-secret.ts does not create",
    ]);
  });

  test("schema: a string containerPort and an unknown kind", () => {
    const objects = fresh();
    demoApp(objects).ports[0].containerPort = "7401";
    objects.push({ apiVersion: "v1", kind: "Podd", metadata: { name: "x", namespace: "vetmesh" } });
    const errors = validateSchemas(objects);
    expect(errors.length).toBe(2);
    expect(errors[0]).toStartWith("Deployment/demo: ");
    expect(errors[0]).toContain("containerPort");
    expect(errors[1]).toBe("Podd/x: no schema model for v1/Podd");
  });
});
