/**
 * Access control in the manifests (issue 13), on the rendered base and local
 * overlay: AUTH_MODE=required with a JWKS for every process that checks
 * tokens; Linkerd Servers + AuthorizationPolicies + MeshTLSAuthentications
 * that let each port be called only by the identities that should (the table
 * below, written out independently of the manifests), cross-checked against
 * the Deployments' ports and ServiceAccounts; NetworkPolicies as a second layer.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { containerEnv } from "./check.ts";
import { ROOT } from "./deployables.ts";
import { type K8sObject, renderKustomization } from "./kustomize.ts";
import { callersByServer, checkLinkerdReferences, validateLinkerd } from "./linkerd.ts";

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML
type Any = any;

const ANYWHERE = "network:0.0.0.0/0,::/0";
/** Who may call whom (ARCHITECTURE.md's arrows), per port: the expected callers of each Server. */
const EXPECTED: Record<string, string[]> = {
  "gateway-http": [ANYWHERE],
  "owner-grpc": ["balancer", "gateway", "veterinary"],
  "owner-http": ["balancer", "gateway", "veterinary"],
  "veterinary-grpc": ["balancer", "gateway", "owner"],
  "veterinary-http": ["balancer", "gateway", "owner"],
  "notification-grpc": ["owner", "veterinary"],
  "notification-http": ["owner", "veterinary"],
  "demo-grpc": ["balancer", "gateway"],
  "demo-http": ["balancer", "gateway"],
  "discovery-grpc": ["balancer", "demo", "discovery", "gateway", "notification", "owner", "veterinary"],
  "discovery-http": ["balancer", "demo", "discovery", "gateway", "notification", "owner", "veterinary"],
  "balancer-grpc": ["proxy-client"],
  "balancer-http": ["proxy-client"],
  "redis-redis": ["discovery", "gateway"],
  "mssql-tds": [ANYWHERE, "notification", "owner", "veterinary"],
  "linkerd-admin": ["prometheus.linkerd-viz"],
  // The applications' admin ports (/metrics): the cluster's Prometheus only.
  ...Object.fromEntries(
    ["gateway", "owner", "veterinary", "notification", "demo", "discovery", "balancer"].map((name) => [
      `${name}-admin`,
      ["prometheus.monitoring"],
    ]),
  ),
};

describe.each(["k8s/base", "k8s/overlays/local"])("%s", (overlay) => {
  const objects = renderKustomization(join(ROOT, overlay));
  const of = (kind: string) => objects.filter((o) => o.kind === kind);

  test("gateway, owner and veterinary run with AUTH_MODE=required and a JWKS URL", () => {
    for (const name of ["gateway", "owner", "veterinary"]) {
      const dep = objects.find((o) => o.kind === "Deployment" && o.metadata.name === name) as K8sObject;
      const app = dep.spec.template.spec.containers.find((c: Any) => c.name === "app");
      const env = containerEnv(app, objects, []);
      expect({
        name,
        mode: env.get("AUTH_MODE"),
        jwks: env.get("AUTH_JWKS_URL")?.startsWith("https://"),
      }).toEqual({
        name,
        mode: "required",
        jwks: true,
      });
    }
  });

  test("the namespace denies by default what no policy allows", () => {
    const ns = of("Namespace")[0] as K8sObject;
    expect(ns.metadata.annotations?.["config.linkerd.io/default-inbound-policy"]).toBe("deny");
  });

  test("Linkerd objects have the CRDs' shape, and every name, port and ServiceAccount resolves", () => {
    const linkerd = objects.flatMap((o) => validateLinkerd(o) ?? []);
    expect(linkerd).toEqual([]);
    expect(checkLinkerdReferences(objects)).toEqual([]);
  });

  test("every port of every workload is a Server, callable by exactly the expected identities", () => {
    const callers = callersByServer(objects);
    const actual = Object.fromEntries(
      of("Server").map((server) => [
        server.metadata.name,
        [...(callers.get(server.metadata.name) ?? [])].sort(),
      ]),
    );
    expect(actual).toEqual(EXPECTED);
    // every declared container port of every Deployment/StatefulSet is covered by a Server
    for (const workload of objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind))) {
      for (const port of workload.spec.template.spec.containers.flatMap((c: Any) => c.ports ?? [])) {
        expect(`${workload.metadata.name}-${port.name}` in EXPECTED).toBe(true);
      }
    }
  });

  test("NetworkPolicies: default deny, and each app's ingress from exactly its callers' pods", () => {
    const policies = of("NetworkPolicy");
    const deny = policies.find((p) => p.metadata.name === "default-deny-ingress");
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    const fromPods = (name: string) =>
      (policies.find((p) => p.metadata.name === `${name}-ingress`)?.spec.ingress ?? []).flatMap((rule: Any) =>
        (rule.from ?? []).map((peer: Any) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"]),
      );
    expect(fromPods("notification").sort()).toEqual(["owner", "veterinary"]);
    expect(fromPods("owner").sort()).toEqual(["balancer", "gateway", "veterinary"]);
    expect(fromPods("veterinary").sort()).toEqual(["balancer", "gateway", "owner"]);
    expect(fromPods("redis").sort()).toEqual(["discovery", "gateway"]);
    expect(fromPods("mssql").sort()).toEqual([
      "notification",
      "owner",
      "veterinary",
      "vetmesh-create-databases",
    ]);
    // every port a policy opens is a named port of the pods it selects
    for (const policy of policies.filter(
      (p) => p.spec.podSelector?.matchLabels?.["app.kubernetes.io/name"],
    )) {
      const app = policy.spec.podSelector.matchLabels["app.kubernetes.io/name"];
      const workload = objects.find(
        (o) => ["Deployment", "StatefulSet"].includes(o.kind) && o.metadata.name === app,
      );
      const names = workload?.spec.template.spec.containers.flatMap((c: Any) =>
        (c.ports ?? []).map((p: Any) => p.name),
      );
      for (const rule of policy.spec.ingress)
        for (const port of rule.ports) expect(names).toContain(port.port);
    }
  });

  test("NetworkPolicy metrics-ingress: the admin port of every kit workload, from Prometheus's pods in monitoring only", () => {
    const policy = of("NetworkPolicy").find((p) => p.metadata.name === "metrics-ingress") as K8sObject;
    const selected = policy.spec.podSelector.matchExpressions[0];
    expect([selected.key, selected.operator, [...selected.values].sort()]).toEqual([
      "app.kubernetes.io/name",
      "In",
      ["balancer", "demo", "discovery", "gateway", "notification", "owner", "veterinary"],
    ]);
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
          },
        ],
        ports: [{ port: "admin" }],
      },
    ]);
    // No other policy opens the admin port (the gateway's public rule names its http port only).
    const others = of("NetworkPolicy").filter(
      (p) =>
        p.metadata.name !== "metrics-ingress" &&
        (p.spec.ingress ?? []).some((rule: Any) =>
          (rule.ports ?? []).some((port: Any) => port.port === "admin"),
        ),
    );
    expect(others.map((p) => p.metadata.name)).toEqual([]);
  });

  test("the checks bite: an admin port admitted to anyone is seen", () => {
    const broken = structuredClone(objects) as K8sObject[];
    const policy = broken.find(
      (o) => o.kind === "AuthorizationPolicy" && o.metadata.name === "gateway-admin",
    ) as K8sObject;
    policy.spec.requiredAuthenticationRefs = [
      { group: "policy.linkerd.io", kind: "NetworkAuthentication", name: "any-client" },
    ];
    expect([...(callersByServer(broken).get("gateway-admin") ?? [])]).toEqual([ANYWHERE]);
  });

  test("the checks bite: a Server on a port nobody declares, a policy naming a missing authentication", () => {
    const broken = structuredClone(objects) as K8sObject[];
    const server = broken.find((o) => o.kind === "Server" && o.metadata.name === "owner-grpc") as K8sObject;
    server.spec.port = "grcp";
    const policy = broken.find(
      (o) => o.kind === "AuthorizationPolicy" && o.metadata.name === "notification-grpc",
    ) as K8sObject;
    policy.spec.requiredAuthenticationRefs[0].name = "everyone";
    const bad = broken.find((o) => o.kind === "MeshTLSAuthentication") as K8sObject;
    bad.spec.identityRefs = [{ kind: "User", name: "x" }];
    expect(checkLinkerdReferences(broken)).toEqual([
      "Server/owner-grpc: Deployment/owner has no port grcp",
      "AuthorizationPolicy/notification-grpc: no MeshTLSAuthentication/everyone",
      "MeshTLSAuthentication/owner-callers: no ServiceAccount x",
    ]);
    expect(validateLinkerd(bad)?.join()).toContain("identityRefs.0.kind");
  });
});
