import Ajv2020 from "ajv/dist/2020.js";

/** The parts of an OpenAPI 3.1 document the checks read. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown>; headers?: Record<string, unknown> };
}
interface MediaType {
  schema?: unknown;
}
interface HeaderObject {
  $ref?: string;
  schema?: unknown;
  required?: boolean;
}
/** One operation of the document. */
export interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, { headers?: Record<string, HeaderObject>; content?: Record<string, MediaType> }>;
}

/** A response as a test saw it. */
export interface SeenResponse {
  method: string;
  /** The request's path (no query), e.g. /api/owner/a%40b.com/pets. */
  path: string;
  status: number;
  headers: Headers;
  body: unknown;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

/**
 * Checks responses against an OpenAPI 3.1 document with Ajv (JSON Schema
 * 2020-12, the dialect of 3.1): the status must be documented for the
 * operation, the JSON body must match that status's schema, and every header
 * the response documents must be present and match its schema. Returns the
 * problems found, empty when the response is what the spec promises.
 */
export function createSpecValidator(spec: OpenApiDocument) {
  // strict off: OpenAPI adds `example` and the document's own keys beside the schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(spec as object, "spec");
  const templates = Object.keys(spec.paths).map((template) => ({
    template,
    regex: new RegExp(`^${template.replaceAll(/\{[^}]+\}/g, "[^/]+").replaceAll(".", "\\.")}$`),
    literal: !template.includes("{"),
  }));

  /** The spec path template a request path falls under (a literal path wins over a templated one). */
  function templateOf(path: string): string | undefined {
    const matches = templates.filter((t) => t.regex.test(path));
    return (matches.find((t) => t.literal) ?? matches[0])?.template;
  }

  function schemaErrors(ref: string, value: unknown): string[] {
    const validate = ajv.getSchema(`spec#/${ref}`);
    if (!validate) return [`no schema at ${ref}`];
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "(body)"} ${e.message}`);
  }

  function responseErrors(seen: SeenResponse): string[] {
    const template = templateOf(seen.path);
    const method = seen.method.toLowerCase();
    const operation = template ? spec.paths[template]?.[method] : undefined;
    if (!template || !operation) return [`${seen.method} ${seen.path} is not in the spec`];
    const where = `${seen.method} ${template} ${seen.status}`;
    const response = operation.responses[String(seen.status)];
    if (!response)
      return [`${where}: status not documented (documented: ${Object.keys(operation.responses).join(", ")})`];
    const errors: string[] = [];
    const base = pointer("paths", template, method, "responses", String(seen.status));
    const json = response.content?.["application/json"];
    if (json?.schema !== undefined) {
      const type = seen.headers.get("content-type") ?? "";
      if (!type.startsWith("application/json"))
        errors.push(`${where}: content-type ${type}, documented JSON`);
      for (const e of schemaErrors(
        `${base}/${pointer("content", "application/json", "schema")}`,
        seen.body,
      )) {
        errors.push(`${where}: body ${e}`);
      }
    }
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = seen.headers.get(name);
      if (value === null) {
        errors.push(`${where}: header ${name} missing`);
        continue;
      }
      const ref = header.$ref
        ? `${header.$ref.replace(/^#\//, "")}/schema`
        : `${base}/${pointer("headers", name, "schema")}`;
      const resolved = ajv.getSchema(`spec#/${ref}`)?.schema as { type?: string } | undefined;
      const typed = resolved?.type === "integer" || resolved?.type === "number" ? Number(value) : value;
      for (const e of schemaErrors(ref, typed)) errors.push(`${where}: header ${name}=${value} ${e}`);
    }
    return errors;
  }

  /**
   * Every `example` of the document that sits beside a schema (request and
   * response media types, parameters, headers, component schemas) checked
   * against that schema: the docs never show a body the API would not send or take.
   */
  function exampleErrors(): string[] {
    const errors: string[] = [];
    const walk = (node: unknown, path: string[]) => {
      if (!node || typeof node !== "object") return;
      const record = node as Record<string, unknown>;
      if ("example" in record && "schema" in record) {
        for (const e of schemaErrors(`${pointer(...path)}/schema`, record.example)) {
          errors.push(`${path.join(" ")}: example ${e}`);
        }
      }
      const isSchema = path.length === 3 && path[0] === "components" && path[1] === "schemas";
      if (isSchema && "example" in record) {
        for (const e of schemaErrors(pointer(...path), record.example))
          errors.push(`${path.join(" ")}: example ${e}`);
      }
      for (const [key, value] of Object.entries(record)) walk(value, [...path, key]);
    };
    walk(spec, []);
    return errors;
  }

  return { templateOf, responseErrors, exampleErrors };
}

/** Reads a fetch/app.request Response into what the validator checks (JSON bodies parsed, others as text). */
export async function seen(method: string, url: string, res: Response): Promise<SeenResponse> {
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get("content-type") ?? "").startsWith("application/json")) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { method, path: new URL(url, "http://x").pathname, status: res.status, headers: res.headers, body };
}
