import type { OpenAPIHono } from "@hono/zod-openapi";
import type { RestApp } from "./define-route.ts";
import { SHARED_HEADERS } from "./responses.ts";
import { BEARER_SCHEME, BEARER_SECURITY_SCHEME } from "./security.ts";

/** Where the spec and the docs page are served. */
export const OPENAPI_PATH = "/openapi.json";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/**
 * The OpenAPI 3.1 document of the gateway's REST API, generated from the
 * routes' own zod schemas (no hand-kept YAML). Deterministic for a given
 * code version, so `docs/openapi.json` can be compared byte for byte.
 */
export function createOpenApiDocument(app: RestApp): Document {
  for (const [name, header] of Object.entries(SHARED_HEADERS)) {
    app.openAPIRegistry.registerComponent("headers", name, header);
  }
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, BEARER_SECURITY_SCHEME);
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "vetmesh REST API",
      version: "1.0.0",
      description:
        "The public REST API of the vetmesh gateway: owners and pets, appointments, consultation records, vaccinations and reminders. " +
        "Paths, statuses and message strings of the first version are kept byte for byte. Every error body is " +
        '`{"error": "..."}`, plus `details.field` when one input is at fault. Every response of an API route carries `x-request-id`; ' +
        "rate-limited routes carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`, and a 429 `Retry-After`.",
    },
    tags: [
      { name: "owners", description: "Owners and their pets; removal of an owner's data" },
      { name: "veterinary", description: "Appointments, consultation records, vaccinations and reminders" },
      {
        name: "scheduling",
        description: "Vets, their working hours, leave and holidays, appointment types and free slots",
      },
      {
        name: "resilience demonstration",
        description: "Routes that exercise the gateway's timeout, limiter and breaker",
      },
      { name: "health", description: "Health of the gateway" },
    ],
  });
}
