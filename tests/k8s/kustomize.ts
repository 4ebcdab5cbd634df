import { readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parseAllDocuments } from "yaml";

/** A rendered Kubernetes object, as plain data. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are untyped data; the checker narrows what it reads.
  [key: string]: any;
}

interface Patch {
  path: string;
  target?: { kind?: string; name?: string; labelSelector?: string };
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  patches?: Patch[];
  replicas?: { name: string; count: number }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  configMapGenerator?: ConfigMapGenerator[];
  generatorOptions?: { disableNameSuffixHash?: boolean; labels?: Record<string, string> };
}

/** A ConfigMap made from files (`key=path` or `path`), the form k8s/observability uses. */
interface ConfigMapGenerator {
  name: string;
  files?: string[];
  options?: { labels?: Record<string, string> };
}

const SUPPORTED = new Set([
  "apiVersion",
  "kind",
  "resources",
  "namespace",
  "patches",
  "replicas",
  "images",
  "configMapGenerator",
  "generatorOptions",
]);
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "StorageClass",
]);

/** Reads every YAML document of a file (empty documents skipped). */
export function readYamlDocuments(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
}

/**
 * Renders a kustomization directory without a cluster or kubectl: the subset
 * of Kustomize this repository uses (resources, namespace, strategic-merge
 * patches with optional targets, replicas, images). Any other field throws, so
 * a manifest change can't silently render differently here than in kubectl;
 * tests/k8s also compare this output with `kubectl kustomize` where it exists.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const file = join(dir, "kustomization.yaml");
  const [k] = readYamlDocuments(file) as unknown as Kustomization[];
  if (!k) throw new Error(`${file} is empty`);
  for (const key of Object.keys(k))
    if (!SUPPORTED.has(key)) throw new Error(`${file}: unsupported field ${key}`);

  let objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readYamlDocuments(path)));
  }
  objects.push(...generateConfigMaps(dir, k));
  for (const patch of k.patches ?? []) {
    const [body] = readYamlDocuments(join(dir, patch.path));
    if (!body) throw new Error(`${patch.path} is empty`);
    const matches = objects.filter((obj) =>
      patch.target
        ? matchesTarget(obj, patch.target)
        : obj.kind === body.kind && obj.metadata.name === body.metadata.name,
    );
    if (matches.length === 0) throw new Error(`${patch.path}: patch matches no resource`);
    objects = objects.map((obj) => {
      if (!matches.includes(obj)) return obj;
      const patched = strategicMerge(obj, {
        ...body,
        metadata: { ...body.metadata, name: obj.metadata.name },
      });
      return patched as K8sObject;
    });
  }
  if (k.namespace) {
    for (const obj of objects) if (!CLUSTER_SCOPED.has(obj.kind)) obj.metadata.namespace = k.namespace;
  }
  for (const { name, count } of k.replicas ?? []) {
    const target = objects.filter(
      (o) => ["Deployment", "StatefulSet"].includes(o.kind) && o.metadata.name === name,
    );
    if (target.length === 0) throw new Error(`${file}: replicas for unknown workload ${name}`);
    for (const obj of target) obj.spec.replicas = count;
  }
  for (const image of k.images ?? []) {
    for (const obj of objects) for (const container of podContainers(obj)) retag(container, image);
  }
  return objects;
}

/**
 * ConfigMaps of `configMapGenerator` from files. Only without the name suffix hash
 * (`generatorOptions.disableNameSuffixHash: true`): kustomize's hash is not reproduced here.
 */
function generateConfigMaps(dir: string, k: Kustomization): K8sObject[] {
  const generators = k.configMapGenerator ?? [];
  if (generators.length > 0 && k.generatorOptions?.disableNameSuffixHash !== true)
    throw new Error(`${dir}: configMapGenerator is rendered here only with disableNameSuffixHash: true`);
  return generators.map((generator) => {
    for (const key of Object.keys(generator))
      if (!["name", "files", "options"].includes(key))
        throw new Error(`${dir}: configMapGenerator ${generator.name}: unsupported field ${key}`);
    const data: Record<string, string> = {};
    for (const entry of generator.files ?? []) {
      const [key, path] = entry.includes("=") ? entry.split("=", 2) : [basename(entry), entry];
      data[key as string] = readFileSync(join(dir, path as string), "utf8");
    }
    const labels = { ...k.generatorOptions?.labels, ...generator.options?.labels };
    return {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: generator.name, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
      data,
    };
  });
}

/** Every container and init container of a workload's pod template (or of a bare Pod). */
// biome-ignore lint/suspicious/noExplicitAny: see K8sObject.
export function podContainers(obj: K8sObject): any[] {
  const pod = obj.kind === "Pod" ? obj.spec : obj.spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

function retag(
  container: { image?: string },
  image: { name: string; newName?: string; newTag?: string },
): void {
  if (!container.image) return;
  const at = container.image.indexOf("@");
  const withoutDigest = at >= 0 ? container.image.slice(0, at) : container.image;
  const colon = withoutDigest.lastIndexOf(":");
  const hasTag = colon > withoutDigest.lastIndexOf("/");
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  if (name !== image.name) return;
  const tag = image.newTag ?? (hasTag ? withoutDigest.slice(colon + 1) : undefined);
  container.image = `${image.newName ?? name}${tag ? `:${tag}` : ""}`;
}

function matchesTarget(obj: K8sObject, target: NonNullable<Patch["target"]>): boolean {
  if (target.kind && obj.kind !== target.kind) return false;
  if (target.name && !new RegExp(`^${target.name}$`).test(obj.metadata.name)) return false;
  if (target.labelSelector) {
    const labels = obj.metadata.labels ?? {};
    for (const term of target.labelSelector.split(",")) {
      const m = term.trim().match(/^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/);
      if (!m) throw new Error(`unsupported label selector term: ${term}`);
      const [, key = "", op, value] = m;
      if (op === "!=" ? labels[key] === value : labels[key] !== value) return false;
    }
  }
  return true;
}

/** Merge keys of the list fields Kubernetes merges by key (others are replaced). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  imagePullSecrets: "name",
};

/**
 * Kubernetes strategic merge for the cases used here: maps merge, null
 * deletes, keyed lists (containers by name, ports by containerPort/port...)
 * merge item by item, other lists are replaced.
 */
export function strategicMerge(base: unknown, patch: unknown, field = ""): unknown {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field] ?? (field === "ports" ? portKey(patch) : undefined);
    if (!key || !Array.isArray(base)) return structuredClone(patch);
    const out = structuredClone(base) as Record<string, unknown>[];
    for (const item of patch as Record<string, unknown>[]) {
      const index = out.findIndex((existing) => existing[key] === item[key]);
      if (index >= 0) out[index] = strategicMerge(out[index], item) as Record<string, unknown>;
      else out.push(structuredClone(item));
    }
    return out;
  }
  if (isMap(patch)) {
    const out: Record<string, unknown> = isMap(base) ? structuredClone(base) : {};
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith("$")) throw new Error(`unsupported patch directive ${key}`);
      if (value === null) delete out[key];
      else out[key] = strategicMerge(out[key], value, key);
    }
    return out;
  }
  return patch;
}

function portKey(items: unknown[]): string {
  return items.every((item) => isMap(item) && "containerPort" in item) ? "containerPort" : "port";
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
