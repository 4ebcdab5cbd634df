/**
 * Linkerd's policy CRDs (policy.linkerd.io), which kubernetes-models does not
 * know: their shape checked with zod (the fields of Linkerd's CRD schemas that
 * these manifests use, strict so a typo fails), and their names, ports and
 * ServiceAccounts checked against the rendered Deployments.
 */
import { z } from "zod";
import type { K8sObject } from "./kustomize.ts";

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped data.
type Any = any;

const metadata = z.object({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const ref = (kinds: [string, ...string[]]) =>
  z.strictObject({ group: z.literal("policy.linkerd.io"), kind: z.enum(kinds), name: z.string() });
const cidr = z.string().regex(/^[0-9a-f.:]+\/\d{1,3}$/);

/** Shape per apiVersion/kind. */
export const LINKERD_SCHEMAS: Record<string, z.ZodType> = {
  "policy.linkerd.io/v1beta3/Server": z.strictObject({
    apiVersion: z.literal("policy.linkerd.io/v1beta3"),
    kind: z.literal("Server"),
    metadata,
    spec: z.strictObject({
      podSelector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }),
      port: z.union([z.string().min(1).max(15), z.number().int().min(1).max(65535)]),
      proxyProtocol: z.enum(["unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"]),
    }),
  }),
  "policy.linkerd.io/v1alpha1/AuthorizationPolicy": z.strictObject({
    apiVersion: z.literal("policy.linkerd.io/v1alpha1"),
    kind: z.literal("AuthorizationPolicy"),
    metadata,
    spec: z.strictObject({
      targetRef: ref(["Server", "HTTPRoute"]),
      requiredAuthenticationRefs: z.array(ref(["MeshTLSAuthentication", "NetworkAuthentication"])).min(1),
    }),
  }),
  "policy.linkerd.io/v1alpha1/MeshTLSAuthentication": z.strictObject({
    apiVersion: z.literal("policy.linkerd.io/v1alpha1"),
    kind: z.literal("MeshTLSAuthentication"),
    metadata,
    spec: z.strictObject({
      identityRefs: z
        .array(
          z.strictObject({
            kind: z.literal("ServiceAccount"),
            name: z.string(),
            namespace: z.string().optional(),
          }),
        )
        .min(1),
    }),
  }),
  "policy.linkerd.io/v1alpha1/NetworkAuthentication": z.strictObject({
    apiVersion: z.literal("policy.linkerd.io/v1alpha1"),
    kind: z.literal("NetworkAuthentication"),
    metadata,
    spec: z.strictObject({
      networks: z.array(z.strictObject({ cidr, except: z.array(cidr).optional() })).min(1),
    }),
  }),
};

/** Zod errors of one Linkerd object; undefined when its kind is not a Linkerd one. */
export function validateLinkerd(obj: K8sObject): string[] | undefined {
  const schema = LINKERD_SCHEMAS[`${obj.apiVersion}/${obj.kind}`];
  if (!schema) return undefined;
  const result = schema.safeParse(obj);
  return result.success
    ? []
    : result.error.issues.map(
        (issue) => `${obj.kind}/${obj.metadata.name}: ${issue.path.join(".")} ${issue.message}`,
      );
}

const PROXY_ADMIN_PORT = "linkerd-admin";
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Pod templates (with their owner's name) that carry the labels. */
function podsSelected(objects: K8sObject[], selector: Record<string, string>): Any[] {
  return objects.filter(
    (o) =>
      ["Deployment", "StatefulSet", "Job"].includes(o.kind) &&
      selects(selector, o.spec?.template?.metadata?.labels),
  );
}

/** The ServiceAccounts whose mTLS identities may call each Server, resolved through its AuthorizationPolicies. */
export function callersByServer(objects: K8sObject[]): Map<string, Set<string>> {
  const byName = (kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name);
  const callers = new Map<string, Set<string>>();
  for (const policy of objects.filter((o) => o.kind === "AuthorizationPolicy")) {
    const server = policy.spec.targetRef.name as string;
    const set = callers.get(server) ?? new Set<string>();
    for (const auth of policy.spec.requiredAuthenticationRefs as Any[]) {
      const target = byName(auth.kind, auth.name);
      if (auth.kind === "NetworkAuthentication")
        set.add(`network:${target?.spec.networks.map((n: Any) => n.cidr).join(",")}`);
      else
        for (const id of target?.spec.identityRefs ?? [])
          set.add(id.namespace ? `${id.name}.${id.namespace}` : id.name);
    }
    callers.set(server, set);
  }
  return callers;
}

/**
 * Cross-references: every Server selects pods that declare its port; every
 * AuthorizationPolicy targets a Server and names authentications that exist;
 * every ServiceAccount a MeshTLSAuthentication names (in this namespace) is
 * the serviceAccountName of some workload; every workload runs as its own account.
 */
export function checkLinkerdReferences(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const has = (kind: string, name: string) =>
    objects.some((o) => o.kind === kind && o.metadata.name === name);
  for (const server of objects.filter((o) => o.kind === "Server")) {
    const pods = podsSelected(objects, server.spec.podSelector.matchLabels);
    if (pods.length === 0) errors.push(`Server/${server.metadata.name}: selects no workload`);
    if (server.spec.port === PROXY_ADMIN_PORT) continue;
    for (const workload of pods) {
      const ports = (workload.spec.template.spec.containers as Any[]).flatMap((c) => c.ports ?? []);
      if (!ports.some((p: Any) => p.name === server.spec.port || p.containerPort === server.spec.port))
        errors.push(
          `Server/${server.metadata.name}: ${workload.kind}/${workload.metadata.name} has no port ${server.spec.port}`,
        );
    }
  }
  for (const policy of objects.filter((o) => o.kind === "AuthorizationPolicy")) {
    if (!has(policy.spec.targetRef.kind, policy.spec.targetRef.name))
      errors.push(
        `AuthorizationPolicy/${policy.metadata.name}: no ${policy.spec.targetRef.kind}/${policy.spec.targetRef.name}`,
      );
    for (const auth of policy.spec.requiredAuthenticationRefs as Any[])
      if (!has(auth.kind, auth.name))
        errors.push(`AuthorizationPolicy/${policy.metadata.name}: no ${auth.kind}/${auth.name}`);
  }
  const accountsInUse = new Set(
    objects
      .filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind))
      .map((o) => o.spec?.template?.spec?.serviceAccountName as string | undefined),
  );
  for (const auth of objects.filter((o) => o.kind === "MeshTLSAuthentication"))
    for (const id of auth.spec.identityRefs as Any[]) {
      if (id.namespace) continue;
      if (!has("ServiceAccount", id.name))
        errors.push(`MeshTLSAuthentication/${auth.metadata.name}: no ServiceAccount ${id.name}`);
    }
  for (const workload of objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind))) {
    const account = workload.spec?.template?.spec?.serviceAccountName;
    if (account !== workload.metadata.name)
      errors.push(
        `${workload.kind}/${workload.metadata.name}: runs as ServiceAccount ${account}, not its own`,
      );
    if (!has("ServiceAccount", account ?? ""))
      errors.push(`${workload.kind}/${workload.metadata.name}: no ServiceAccount ${account}`);
  }
  for (const account of accountsInUse)
    if (account && !has("ServiceAccount", account)) errors.push(`no ServiceAccount ${account}`);
  return errors;
}
