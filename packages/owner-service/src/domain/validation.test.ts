import { describe, expect, test } from "bun:test";
import { DomainError } from "@vetmesh/kit";
import { normaliseEmail, parseOwnerRef, validatePet } from "./validation.ts";

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return `${error.kind}:${error.field}`;
    throw error;
  }
  return undefined;
}

describe("validation", () => {
  test("emails are trimmed and lower-cased", () => {
    expect(normaliseEmail("  Email@ASD.com\t")).toBe("email@asd.com");
  });
  test("emails follow the kit's one address rule (issue #19's four cases are refused, IDN is punycoded)", () => {
    for (const email of [
      "a\u0000b@asd.com",
      "../../etc/passwd@asd.com",
      "a..b@asd.com",
      "<script>@asd.com",
    ]) {
      expect(fieldOf(() => normaliseEmail(email))).toBe("invalid:email");
    }
    expect(() => normaliseEmail("<script>@asd.com")).toThrow(
      'email local part (before the @) must not contain "<"',
    );
    expect(normaliseEmail("Hans@Bücher.DE")).toBe("hans@xn--bcher-kva.de");
    expect(parseOwnerRef("hans@bücher.de")).toEqual({ email: "hans@xn--bcher-kva.de" });
  });
  test("owner refs: a UUID is an id (any case), anything else an email", () => {
    expect(parseOwnerRef(" 6F1C1E5A-8A9B-4C2D-9E0F-1A2B3C4D5E6F ")).toEqual({
      id: "6f1c1e5a-8a9b-4c2d-9e0f-1a2b3c4d5e6f",
    });
    expect(parseOwnerRef("Email@asd.com")).toEqual({ email: "email@asd.com" });
    expect(fieldOf(() => parseOwnerRef("12"))).toBe("invalid:owner_ref");
  });
  test("pet: type and name required, race optional, 100 UTF-16 units max", () => {
    expect(validatePet({ type: "Dog", race: "", name: "Rex" })).toEqual({
      type: "Dog",
      race: "",
      name: "Rex",
    });
    expect(fieldOf(() => validatePet({ type: "\n", race: "", name: "Rex" }))).toBe("invalid:type");
    expect(fieldOf(() => validatePet({ type: "Dog", race: "", name: " " }))).toBe("invalid:name");
    for (const name of ["Rex\r\nBcc: x@y.com", "Rex\u0000", "Re\tx", "Rex\u2028"]) {
      expect(fieldOf(() => validatePet({ type: "Dog", race: "", name }))).toBe("invalid:name");
    }
    expect(() => validatePet({ type: "Dog", race: "Lab\n", name: "Rex" })).toThrow(
      "race must be one line without control characters (found U+000A)",
    );
    expect(fieldOf(() => validatePet({ type: "t".repeat(101), race: "", name: "Rex" }))).toBe("invalid:type");
    expect(fieldOf(() => validatePet({ type: "Dog", race: "", name: "😀".repeat(50) }))).toBeUndefined();
    expect(fieldOf(() => validatePet({ type: "Dog", race: "", name: `${"😀".repeat(50)}x` }))).toBe(
      "invalid:name",
    );
  });
});
