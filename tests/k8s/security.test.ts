/**
 * The security properties of the manifests (issue 21), each checked on the
 * rendered base and local overlay: every process gets the mesh's discovery
 * secret from the Secret; the gateway believes X-Forwarded-For from its
 * Linkerd proxy (loopback) and from nothing else by default.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { DEPLOYABLE_NAMES, ROOT } from "./deployables.ts";
import { type K8sObject, renderKustomization } from "./kustomize.ts";

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML
type Any = any;

const appOf = (objects: K8sObject[], name: string): Any => {
  const dep = objects.find((o) => o.kind === "Deployment" && o.metadata.name === name);
  return (dep?.spec?.template?.spec?.containers ?? []).find((c: Any) => c.name === "app");
};
const secretRef = (container: Any, variable: string) =>
  (container?.env ?? []).find((e: Any) => e.name === variable)?.valueFrom?.secretKeyRef;

describe.each(["k8s/base", "k8s/overlays/local"])("%s", (overlay) => {
  const objects = renderKustomization(join(ROOT, overlay));

  test("every process reads DISCOVERY_TOKEN from the Secret (discovery refuses lease calls without it)", () => {
    const missing = DEPLOYABLE_NAMES.filter((name) => {
      const ref = secretRef(appOf(objects, name), "DISCOVERY_TOKEN");
      return ref?.name !== "vetmesh-secrets" || ref?.key !== "DISCOVERY_TOKEN";
    });
    expect(missing).toEqual([]);
  });

  test("the gateway trusts X-Forwarded-For from its Linkerd proxy on loopback (TRUSTED_PROXIES), so clients get their own bucket", () => {
    const env = appOf(objects, "gateway")?.env ?? [];
    const trusted = String(env.find((e: Any) => e.name === "TRUSTED_PROXIES")?.value ?? "")
      .split(",")
      .map((ip) => ip.trim());
    expect(trusted).toContain("127.0.0.1");
    expect(trusted).toContain("::1");
    expect(trusted.filter((ip) => ip === "" || ip === "0.0.0.0" || ip.includes("/"))).toEqual([]);
  });
});
