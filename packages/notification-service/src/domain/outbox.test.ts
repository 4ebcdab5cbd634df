import { describe, expect, test } from "bun:test";
import { DomainError } from "@vetmesh/kit";
import { domainOf, messageIdFor, validateEmailRequest } from "./outbox.ts";

const valid = {
  idempotencyKey: " vaccination:42:before ",
  recipient: " Ann@Example.COM ",
  subject: " Hi ",
  text: "t",
  html: "",
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof DomainError && error.kind === "invalid" ? error.field : "not invalid";
  }
}

describe("validateEmailRequest", () => {
  test("trims, lower-cases the recipient, keeps the bodies", () => {
    expect(validateEmailRequest(valid)).toEqual({
      idempotencyKey: "vaccination:42:before",
      recipient: "ann@example.com",
      subject: "Hi",
      text: "t",
      html: "",
    });
  });
  test("the recipient is normalised by the kit's rule: an IDN domain is stored in punycode", () => {
    expect(validateEmailRequest({ ...valid, recipient: "Hans@Bücher.de" }).recipient).toBe(
      "hans@xn--bcher-kva.de",
    );
  });
  test("names the offending field", () => {
    expect(fieldOf(() => validateEmailRequest({ ...valid, idempotencyKey: "a".repeat(201) }))).toBe(
      "idempotency_key",
    );
    expect(fieldOf(() => validateEmailRequest({ ...valid, recipient: "ann@localhost" }))).toBe("recipient");
    expect(fieldOf(() => validateEmailRequest({ ...valid, recipient: "a b@example.com" }))).toBe("recipient");
    expect(fieldOf(() => validateEmailRequest({ ...valid, subject: "x\ny" }))).toBe("subject");
    // The kit's one address rule (issue #19): what no mail system accepts never enters the outbox.
    for (const recipient of [
      "a\u0000b@asd.com",
      "../../etc/passwd@asd.com",
      "a..b@asd.com",
      "<script>@asd.com",
    ]) {
      expect(fieldOf(() => validateEmailRequest({ ...valid, recipient }))).toBe("recipient");
    }
    expect(fieldOf(() => validateEmailRequest({ ...valid, text: "", html: "" }))).toBe("text");
    expect(fieldOf(() => validateEmailRequest({ ...valid, html: "x".repeat(1_000_001) }))).toBe("html");
  });
});

describe("messageIdFor", () => {
  test("depends only on the key: stable across resends, distinct across keys", () => {
    const a = messageIdFor("vaccination:42:before", "clinic.test");
    expect(a).toBe(messageIdFor("vaccination:42:before", "clinic.test"));
    expect(a).not.toBe(messageIdFor("vaccination:42:due", "clinic.test"));
    expect(a).toMatch(/^<[0-9a-f]{40}@clinic\.test>$/);
  });
  test("domainOf takes the domain of MAIL_FROM", () => {
    expect(domainOf("Vetmesh Clinic <no-reply@vetmesh.local>")).toBe("vetmesh.local");
    expect(domainOf("clinic@example.org")).toBe("example.org");
    expect(domainOf("nobody")).toBe("vetmesh.local");
  });
});
