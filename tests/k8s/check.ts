import { adminPortOf } from "@vetmesh/kit";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { SECRET_KEYS, SECRET_NAME } from "../../scripts/k8s-secret.ts";
import type { Deployable } from "./deployables.ts";
import { type K8sObject, podContainers } from "./kustomize.ts";
import { validateLinkerd } from "./linkerd.ts";

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped data.
type Any = any;

const MODELS: Record<string, new (data: Any) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
};

const WORKLOADS = new Set(["Deployment", "StatefulSet", "Job"]);
const H2C = "kubernetes.io/h2c";
/** Seconds between the end of the kit's drain and the kill, for the proxy and scheduling jitter. */
const MARGIN_S = 2;

/**
 * Every object against the Kubernetes OpenAPI schema (kubernetes-models), and
 * Linkerd's policy CRDs against their zod shapes (linkerd.ts); unknown kinds are errors.
 */
export function validateSchemas(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  for (const obj of objects) {
    const linkerd = validateLinkerd(obj);
    if (linkerd) {
      errors.push(...linkerd);
      continue;
    }
    const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
    if (!Model) {
      errors.push(`${id(obj)}: no schema model for ${obj.apiVersion}/${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (error) {
      errors.push(`${id(obj)}: ${(error as Error).message}`);
    }
  }
  return errors;
}

/**
 * Rules every workload follows: limits and requests on each container, a
 * non-root security context, no service-link variables, and for Deployments
 * readiness and liveness probes and a read-only root filesystem.
 */
export function checkWorkload(obj: K8sObject): string[] {
  if (!WORKLOADS.has(obj.kind)) return [];
  const errors: string[] = [];
  const pod = obj.spec?.template?.spec ?? {};
  const where = id(obj);
  if (pod.enableServiceLinks !== false) errors.push(`${where}: enableServiceLinks must be false`);
  for (const c of podContainers(obj)) {
    const at = `${where} container ${c.name}`;
    for (const kind of ["requests", "limits"])
      for (const resource of ["cpu", "memory"])
        if (!c.resources?.[kind]?.[resource]) errors.push(`${at}: no ${kind}.${resource}`);
    const sc = c.securityContext ?? {};
    if ((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) errors.push(`${at}: runAsNonRoot`);
    const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
    if (uid === 0) errors.push(`${at}: runs as uid 0`);
    if (sc.allowPrivilegeEscalation !== false) errors.push(`${at}: allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) errors.push(`${at}: capabilities must drop ALL`);
    if (obj.kind !== "StatefulSet" && sc.readOnlyRootFilesystem !== true)
      errors.push(`${at}: readOnlyRootFilesystem must be true`);
  }
  if (obj.kind === "Deployment")
    for (const c of pod.containers ?? []) {
      if (!c.readinessProbe) errors.push(`${where} container ${c.name}: no readinessProbe`);
      if (!c.livenessProbe) errors.push(`${where} container ${c.name}: no livenessProbe`);
    }
  return errors;
}

/** The environment a container gets: envFrom ConfigMaps first, then env (values; null for valueFrom). */
export function containerEnv(
  container: Any,
  objects: K8sObject[],
  errors: string[],
): Map<string, string | null> {
  const env = new Map<string, string | null>();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
    if (!cm) {
      errors.push(`container ${container.name}: envFrom ${JSON.stringify(source)} names no ConfigMap`);
      continue;
    }
    for (const [key, value] of Object.entries(cm.data ?? {})) env.set(key, String(value));
  }
  for (const e of container.env ?? []) env.set(e.name, e.value ?? null);
  return env;
}

function effective(d: Deployable, env: Map<string, string | null>, key: string): number | undefined {
  const schema = d.configShape[key];
  if (!schema) return undefined;
  const raw = env.get(key);
  const parsed = schema.safeParse(raw ?? undefined);
  return parsed.success ? Number(parsed.data) : undefined;
}

function probePortOk(probe: Any, httpPort: number, portName = "http"): boolean {
  const port = probe?.httpGet?.port;
  return probe?.httpGet?.path === "/status" && (port === portName || port === httpPort);
}

/**
 * One deployable against its Deployment and Service: container ports equal the
 * ports its config resolves to, probes hit /status on the HTTP port, every
 * variable set is a key of its configShape, and the shutdown fits the drain.
 */
export function checkDeployable(d: Deployable, objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const dep = objects.find((o) => o.kind === "Deployment" && o.metadata.name === d.name);
  if (!dep) return [`deployable ${d.name}: no Deployment named ${d.name}`];
  const where = `Deployment/${d.name}`;
  const pod = dep.spec?.template?.spec ?? {};
  const app = (pod.containers ?? []).find((c: Any) => c.name === "app");
  if (!app) return [`${where}: no container named app`];
  if (!String(app.image).startsWith(`vetmesh/${d.name}:`))
    errors.push(`${where}: image ${app.image} is not vetmesh/${d.name}`);

  const env = containerEnv(app, objects, errors);
  for (const key of env.keys())
    if (!(key in d.configShape))
      errors.push(`${where}: sets ${key}, which ${d.dir}/src/config.ts does not read`);
  for (const e of app.env ?? [])
    if (e.valueFrom?.secretKeyRef && e.valueFrom.secretKeyRef.optional === true)
      errors.push(`${where}: secret ${e.name} must not be optional`);

  const httpPort = effective(d, env, "HTTP_PORT");
  const grpcPort = effective(d, env, "GRPC_PORT");
  const ports: Any[] = app.ports ?? [];
  const http = ports.find((p) => p.name === "http");
  const grpc = ports.find((p) => p.name === "grpc");
  if (httpPort === undefined) errors.push(`${where}: config has no HTTP_PORT`);
  else if (http?.containerPort !== httpPort)
    errors.push(`${where}: http containerPort ${http?.containerPort} but the service listens on ${httpPort}`);
  if (d.grpc) {
    if (grpcPort === undefined) errors.push(`${where}: config has no GRPC_PORT`);
    else if (grpc?.containerPort !== grpcPort)
      errors.push(
        `${where}: grpc containerPort ${grpc?.containerPort} but the service listens on ${grpcPort}`,
      );
  } else if (grpc) errors.push(`${where}: declares a grpc port but ${d.name} serves HTTP only`);
  errors.push(
    ...checkAdminPort(
      d,
      dep,
      env,
      httpPort,
      ports.find((p) => p.name === "admin"),
    ),
  );
  if (ports.length !== (d.grpc ? 3 : 2))
    errors.push(`${where}: expected exactly the http${d.grpc ? ", grpc" : ""} and admin ports`);

  for (const probe of ["readinessProbe", "livenessProbe"])
    if (!probePortOk(app[probe], httpPort ?? -1))
      errors.push(
        `${where}: ${probe} must be GET /status on the http port (${httpPort}), got ${JSON.stringify(app[probe]?.httpGet)}`,
      );

  errors.push(...checkShutdown(d, dep, app, env));

  const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === d.name);
  if (!svc) errors.push(`deployable ${d.name}: no Service named ${d.name}`);
  else
    for (const [name, port] of [["http", httpPort], ...(d.grpc ? [["grpc", grpcPort]] : [])] as const) {
      const sp = (svc.spec?.ports ?? []).find((p: Any) => p.name === name);
      if (!sp) errors.push(`Service/${d.name}: no ${name} port`);
      else if (sp.port !== port)
        errors.push(`Service/${d.name}: ${name} port ${sp.port}, the service listens on ${port}`);
    }

  if (d.hpa) {
    const hpa = objects.find(
      (o) => o.kind === "HorizontalPodAutoscaler" && o.spec?.scaleTargetRef?.name === d.name,
    );
    if (!hpa) errors.push(`deployable ${d.name}: no HorizontalPodAutoscaler`);
    if (dep.spec?.replicas !== undefined)
      errors.push(`${where}: has replicas although an HPA owns the count`);
  }
  const pdb = objects.find(
    (o) =>
      o.kind === "PodDisruptionBudget" &&
      selects(o.spec?.selector?.matchLabels, dep.spec?.template?.metadata?.labels),
  );
  if (!pdb) errors.push(`deployable ${d.name}: no PodDisruptionBudget selects its pods`);
  return errors;
}

/**
 * The admin listener (GET /metrics, the only port that serves it): declared as the container port
 * `admin` on the port the config resolves to (ADMIN_PORT, else HTTP_PORT + 1), bound to the pod
 * (ADMIN_HOST=0.0.0.0, its default is loopback), and the port Prometheus's annotations scrape.
 */
function checkAdminPort(
  d: Deployable,
  dep: K8sObject,
  env: Map<string, string | null>,
  httpPort: number | undefined,
  declared: Any,
): string[] {
  const where = `Deployment/${d.name}`;
  if (httpPort === undefined) return [];
  const errors: string[] = [];
  const set = effective(d, env, "ADMIN_PORT");
  const adminPort = adminPortOf({ HTTP_PORT: httpPort, ADMIN_PORT: Number.isNaN(set) ? undefined : set });
  if (declared?.containerPort !== adminPort)
    errors.push(
      `${where}: admin containerPort ${declared?.containerPort} but /metrics listens on ${adminPort}`,
    );
  if (env.get("ADMIN_HOST") !== "0.0.0.0")
    errors.push(
      `${where}: ADMIN_HOST must be 0.0.0.0 in the pod (its default, loopback, hides /metrics from Prometheus)`,
    );
  const annotations = dep.spec?.template?.metadata?.annotations ?? {};
  const scrape = [
    annotations["prometheus.io/scrape"],
    annotations["prometheus.io/port"],
    annotations["prometheus.io/path"],
  ];
  if (JSON.stringify(scrape) !== JSON.stringify(["true", String(adminPort), "/metrics"]))
    errors.push(
      `${where}: Prometheus annotations must scrape /metrics on ${adminPort}, got ${JSON.stringify(scrape)}`,
    );
  return errors;
}

/** preStop sleep + the kit's drain bound (+ margin) must fit terminationGracePeriodSeconds and the proxy's wait. */
function checkShutdown(d: Deployable, dep: K8sObject, app: Any, env: Map<string, string | null>): string[] {
  const where = `Deployment/${d.name}`;
  const errors: string[] = [];
  const command: string[] = app.lifecycle?.preStop?.exec?.command ?? [];
  const sleep = command[0] === "sleep" ? Number(command[1]) : Number.NaN;
  if (!(sleep > 0)) return [`${where}: preStop must be ["sleep", seconds], got ${JSON.stringify(command)}`];
  const drainS =
    ((effective(d, env, "DRAIN_DELAY_MS") ?? 0) + (effective(d, env, "DRAIN_TIMEOUT_MS") ?? 0)) / 1000;
  const needed = sleep + drainS + MARGIN_S;
  const grace = dep.spec?.template?.spec?.terminationGracePeriodSeconds ?? 30;
  if (grace < needed)
    errors.push(
      `${where}: terminationGracePeriodSeconds ${grace} < preStop ${sleep}s + drain ${drainS}s + ${MARGIN_S}s`,
    );
  const wait =
    dep.spec?.template?.metadata?.annotations?.["config.alpha.linkerd.io/proxy-wait-before-exit-seconds"];
  if (wait !== undefined && (Number(wait) < sleep + drainS || Number(wait) > grace))
    errors.push(
      `${where}: proxy-wait-before-exit-seconds ${wait} must cover ${sleep + drainS}s and fit ${grace}s`,
    );
  return errors;
}

/**
 * Services: each selects some pod template, each port targets a port that
 * template declares, and gRPC ports say h2c so Linkerd balances per request.
 */
export function checkServices(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const templates = objects.filter((o) => WORKLOADS.has(o.kind) && o.kind !== "Job");
  for (const svc of objects.filter((o) => o.kind === "Service")) {
    const target = templates.find((t) => selects(svc.spec?.selector, t.spec?.template?.metadata?.labels));
    if (!target) {
      errors.push(`${id(svc)}: selector matches no workload`);
      continue;
    }
    const declared: Any[] = podContainers(target).flatMap((c: Any) => c.ports ?? []);
    for (const port of svc.spec?.ports ?? []) {
      const tp = port.targetPort ?? port.port;
      const match = declared.find((p) => p.name === tp || p.containerPort === tp);
      if (!match)
        errors.push(`${id(svc)}: port ${port.name} targets ${tp}, which ${id(target)} does not declare`);
      if ((port.name === "grpc" || match?.name === "grpc") && port.appProtocol !== H2C)
        errors.push(`${id(svc)}: gRPC port ${port.name} needs appProtocol ${H2C}`);
    }
  }
  return errors;
}

/**
 * Cluster-level facts: the namespace is meshed, everything lives in it, no
 * Secret carries values, and every in-cluster URL in a ConfigMap names a
 * Service port that exists.
 */
export function checkCluster(
  objects: K8sObject[],
  namespace: string,
  secretKeys: readonly string[],
): string[] {
  const errors: string[] = [];
  for (const obj of objects)
    for (const c of podContainers(obj))
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && (ref.name !== SECRET_NAME || !secretKeys.includes(ref.key)))
          errors.push(
            `${id(obj)} container ${c.name}: ${e.name} from secret ${ref.name}/${ref.key}, which scripts/k8s-secret.ts does not create`,
          );
      }
  const ns = objects.find((o) => o.kind === "Namespace" && o.metadata.name === namespace);
  if (ns?.metadata.annotations?.["linkerd.io/inject"] !== "enabled")
    errors.push(`Namespace/${namespace} must exist with annotation linkerd.io/inject: enabled`);
  for (const obj of objects)
    if (obj.kind !== "Namespace" && obj.metadata.namespace !== namespace)
      errors.push(`${id(obj)}: not in ${namespace}`);
  for (const secret of objects.filter((o) => o.kind === "Secret"))
    if (secret.data || secret.stringData) errors.push(`${id(secret)}: secret values must not be committed`);
  for (const cm of objects.filter((o) => o.kind === "ConfigMap"))
    for (const [key, value] of Object.entries(cm.data ?? {})) {
      const url = URL.canParse(String(value)) ? new URL(String(value)) : undefined;
      const m = url?.hostname.match(/^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/);
      if (!url || !m) continue;
      const svc = objects.find(
        (o) => o.kind === "Service" && o.metadata.name === m[1] && o.metadata.namespace === m[2],
      );
      if (!svc?.spec?.ports?.some((p: Any) => String(p.port) === url.port))
        errors.push(`${id(cm)}: ${key}=${value} names no Service port`);
    }
  return errors;
}

/** Everything above, over one rendered overlay. */
export function checkManifests(
  objects: K8sObject[],
  deployables: Deployable[],
  namespace = "vetmesh",
): string[] {
  const secretKeys: readonly string[] = SECRET_KEYS;
  return [
    ...validateSchemas(objects),
    ...objects.flatMap(checkWorkload),
    ...deployables.flatMap((d) => checkDeployable(d, objects)),
    ...checkServices(objects),
    ...checkCluster(objects, namespace, secretKeys),
  ];
}

function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function id(obj: K8sObject): string {
  return `${obj.kind}/${obj.metadata?.name}`;
}
