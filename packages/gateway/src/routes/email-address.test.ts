import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGatewayHarness, json } from "../testing/harness.ts";

let h: Awaited<ReturnType<typeof createGatewayHarness>>;
beforeAll(async () => {
  h = await createGatewayHarness();
});
afterAll(async () => {
  await h.close();
});

const post = (path: string, body: unknown) => h.app.request(path, json("POST", body));
const answer = async (res: Response) => ({ status: res.status, body: await res.json() });

describe("emails at the edge: the kit's one address rule (issue #19)", () => {
  // "Invalid email: …" is the gateway's own wording (the owner service says "email …"): refused at the edge.
  test("the four addresses no mail system accepts are 400 naming email, on every route that takes one", async () => {
    const cases: Array<[string, string]> = [
      ["a\u0000b@asd.com", "Invalid email: must not contain control characters (found U+0000)"],
      [
        "../../etc/passwd@asd.com",
        "Invalid email: local part (before the @) must not start or end with a dot or have two dots in a row",
      ],
      [
        "a..b@asd.com",
        "Invalid email: local part (before the @) must not start or end with a dot or have two dots in a row",
      ],
      ["<script>@asd.com", 'Invalid email: local part (before the @) must not contain "<"'],
    ];
    for (const [email, error] of cases) {
      expect(await answer(await post("/api/owner/register", { email }))).toEqual({
        status: 400,
        body: { error, details: { field: "email" } },
      });
      const pet = { email, type: "Dog", race: "x", name: "Rex" };
      expect(await answer(await post("/api/owner/register-pet", pet))).toEqual({
        status: 400,
        body: { error, details: { field: "email" } },
      });
      const path = encodeURIComponent(email);
      expect(await answer(await h.app.request(`/api/owner/${path}/pets`))).toEqual({
        status: 400,
        body: { error, details: { field: "email" } },
      });
      expect(
        await answer(await h.app.request(`/api/owner/remove-data/${path}`, { method: "DELETE" })),
      ).toEqual({
        status: 400,
        body: { error, details: { field: "email" } },
      });
    }
  });

  test("an IDN domain is one owner whichever form is typed (stored in punycode)", async () => {
    const first = await post("/api/owner/register", { email: "Hans@Bücher.de" });
    expect(first.status).toBe(201);
    expect(await answer(await post("/api/owner/register", { email: "hans@xn--bcher-kva.de" }))).toEqual({
      status: 409,
      body: { error: "email already registered" },
    });
    const pet = { email: "hans@BÜCHER.de", type: "Dog", race: "", name: "Rex" };
    expect((await post("/api/owner/register-pet", pet)).status).toBe(201);
    const listed = await h.app.request("/api/owner/hans@xn--bcher-kva.de/pets");
    expect(((await listed.json()) as { pets: unknown[] }).pets).toHaveLength(1);
  });

  test("a pet name with CR/LF or a control character is 400 naming the field: it would end up in an email", async () => {
    expect((await post("/api/owner/register", { email: "crlf@asd.com" })).status).toBe(201);
    const res = await post("/api/owner/register-pet", {
      email: "crlf@asd.com",
      type: "Dog",
      race: "",
      name: "Rex\r\nBcc: victim@asd.com",
    });
    expect(await answer(res)).toEqual({
      status: 400,
      body: {
        error: "Invalid name: must be one line without control characters (found U+000D)",
        details: { field: "name" },
      },
    });
  });
});
