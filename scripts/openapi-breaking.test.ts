import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { breakingChanges } from "./openapi-breaking.ts";

// A spec is deep JSON; the mutations below reach into it by known paths.
// biome-ignore lint/suspicious/noExplicitAny: test fixtures edit arbitrary spec paths
type Spec = Record<string, any>;
const base: Spec = JSON.parse(readFileSync(join(import.meta.dir, "..", "docs", "openapi.json"), "utf8"));
const changed = (mutate: (spec: Spec) => void) => {
  const after = structuredClone(base);
  mutate(after);
  return breakingChanges(base, after);
};
const wheres = (changes: { where: string }[]) => changes.map((change) => change.where);

describe("breaking changes of the REST spec", () => {
  test("the same spec, a new path, a new optional response field and a new description are not breaking", () => {
    expect(changed(() => {})).toEqual([]);
    expect(
      changed((spec) => {
        spec.paths["/api/new"] = { get: { responses: { 200: { description: "new" } } } };
        spec.info.description = "reworded";
        const body =
          spec.paths["/api/owner/register"].post.responses["201"].content["application/json"].schema;
        body.properties.extra = { type: "string" };
      }),
    ).toEqual([]);
  });

  test("a removed operation, response status, response field or header is breaking", () => {
    expect(wheres(changed((spec) => delete spec.paths["/end-appointment"]))).toEqual([
      "paths//end-appointment/post",
    ]);
    expect(changed((spec) => delete spec.paths["/api/owner/register"].post.responses["409"]).length).toBe(1);
    expect(
      changed((spec) => {
        const body =
          spec.paths["/api/owner/register"].post.responses["201"].content["application/json"].schema;
        delete body.properties.ownerId;
        body.required = ["message"];
      }).length,
    ).toBeGreaterThan(0);
    expect(
      changed((spec) => delete spec.paths["/api/owner/{ref}/pets"].get.responses["200"].headers["X-Cache"])
        .length,
    ).toBe(1);
  });

  test("a new required body field or a changed body field type is breaking", () => {
    expect(
      changed((spec) => {
        spec.components.schemas.RegisterOwner.properties.phone = { type: "string" };
        spec.components.schemas.RegisterOwner.required.push("phone");
      }).length,
    ).toBeGreaterThan(0);
    expect(
      changed((spec) => {
        spec.components.schemas.RegisterOwner.properties.email = { type: "integer" };
      }).length,
    ).toBeGreaterThan(0);
  });

  test("the two parameter rules added here: new required parameter, narrowed parameter type", () => {
    const added = changed((spec) => {
      spec.paths["/api/test/timeout"].get.parameters = [
        { name: "q", in: "query", required: true, schema: { type: "string" } },
      ];
    });
    expect(added).toContainEqual({
      where: "GET /api/test/timeout query parameter q",
      what: "added as required",
    });
    const narrowed = changed((spec) => {
      const from = spec.paths["/api/veterinary/appointments"].get.parameters.find(
        (p: { name: string }) => p.name === "from",
      );
      from.schema = { type: "integer" };
    });
    expect(narrowed).toContainEqual({
      where: "GET /api/veterinary/appointments query parameter from",
      what: "type string → integer",
    });
  });

  test("security: a new scheme, or a token that stays optional, is not breaking; requiring one is", () => {
    const scheme = { bearerAuth: { type: "http", scheme: "bearer" } };
    const optional = changed((spec) => {
      spec.components.securitySchemes = scheme;
      spec.paths["/api/test/rate-limit"].get.security = [{ bearerAuth: [] }, {}];
    });
    expect(optional).toEqual([]);
    const required = changed((spec) => {
      spec.components.securitySchemes = scheme;
      spec.paths["/api/test/rate-limit"].get.security = [{ bearerAuth: [] }];
    });
    expect(required).toContainEqual({
      where: "GET /api/test/rate-limit",
      what: "requires credentials it did not before",
    });
  });
});
