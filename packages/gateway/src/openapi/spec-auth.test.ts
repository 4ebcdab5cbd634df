/**
 * In AUTH_MODE=required the answers the spec promises for auth: 401 with
 * `WWW-Authenticate: Bearer`, 403, and the guarded success, each checked
 * against the served spec (status documented, body schema, headers).
 */
import { afterAll, expect, test } from "bun:test";
import { createTestIssuer } from "@vetmesh/kit/auth";
import { createGatewayHarness, json } from "../testing/harness.ts";
import { createSpecValidator, type OpenApiDocument, seen } from "../testing/spec-validator.ts";

const issuer = await createTestIssuer();
const h = await createGatewayHarness({ auth: { mode: "required", verifier: issuer.verifier() } });
afterAll(async () => {
  await h.close();
  issuer.close();
});
const spec = (await (await h.app.request("/openapi.json")).json()) as OpenApiDocument & {
  components: { securitySchemes?: Record<string, { type: string; scheme: string }> };
};
const validator = createSpecValidator(spec);
const bearer = async (role: "admin" | "vet" | "reception" | "owner", email: string) => ({
  authorization: `Bearer ${await issuer.token(role, email)}`,
});

async function checked(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await h.app.request(
    path,
    body === undefined ? { method, headers } : json(method, body, headers),
  );
  const answer = await seen(method, path, res);
  expect(validator.responseErrors(answer)).toEqual([]);
  return answer;
}

test("the spec declares the bearer scheme, and every guarded operation refers to it and documents 401 and 403", () => {
  expect(spec.components.securitySchemes?.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item) as [
      string,
      { security?: unknown; responses: object },
    ][]) {
      if (path === "/status" || path === "/api/status") {
        expect(op.security).toBeUndefined();
        continue;
      }
      expect({ op: `${method} ${path}`, security: op.security }).toEqual({
        op: `${method} ${path}`,
        security: [{ bearerAuth: [] }, {}],
      });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["401", "403"]));
    }
  }
});

test("required mode: 401 without a token, 403 for a role the route refuses, 201 for one it admits; all as documented", async () => {
  const none = await checked("POST", "/api/owner/register", {}, { email: "spec-auth@clinic.example" });
  expect(none.status).toBe(401);
  expect(none.headers.get("www-authenticate")).toBe("Bearer");
  const vet = await checked("POST", "/api/owner/register", await bearer("vet", "vet@clinic.example"), {
    email: "spec-auth@clinic.example",
  });
  expect(vet.status).toBe(403);
  expect(vet.body).toEqual({ error: "Forbidden" });
  const desk = await checked(
    "POST",
    "/api/owner/register",
    await bearer("reception", "desk@clinic.example"),
    {
      email: "spec-auth@clinic.example",
    },
  );
  expect(desk.status).toBe(201);
  const me = await checked("GET", "/api/me", await bearer("vet", "vet@clinic.example"));
  expect(me.body).toMatchObject({ mode: "required", role: "vet" });
  expect((await checked("GET", "/api/me", {})).status).toBe(401);
});
