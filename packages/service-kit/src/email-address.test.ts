import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { MAX_EMAIL_ADDRESS_LENGTH, parseEmailAddress } from "./email-address.ts";

const address = (raw: string) => {
  const result = parseEmailAddress(raw);
  return result.ok ? result.address : undefined;
};
const reason = (raw: string) => {
  const result = parseEmailAddress(raw);
  return result.ok ? undefined : result.reason;
};

describe("parseEmailAddress: examples", () => {
  test("the four addresses of issue #19 are refused, each with its reason", () => {
    expect(reason("a\u0000b@asd.com")).toBe("must not contain control characters (found U+0000)");
    expect(reason("../../etc/passwd@asd.com")).toBe(
      "local part (before the @) must not start or end with a dot or have two dots in a row",
    );
    expect(reason("a..b@asd.com")).toBe(
      "local part (before the @) must not start or end with a dot or have two dots in a row",
    );
    expect(reason("<script>@asd.com")).toBe('local part (before the @) must not contain "<"');
  });

  test("ordinary addresses are trimmed (spaces, tabs) and lower-cased", () => {
    expect(address("email@asd.com")).toBe("email@asd.com");
    expect(address("  Email@ASD.com\t")).toBe("email@asd.com");
    expect(address("first.last+tag@sub.example.co.uk")).toBe("first.last+tag@sub.example.co.uk");
    expect(address("o'brien@example.ie")).toBe("o'brien@example.ie");
    expect(address("x@a-b.example")).toBe("x@a-b.example");
    expect(address("1@2.example")).toBe("1@2.example");
  });

  test("IDN domains become punycode; the same owner whichever form is typed", () => {
    expect(address("hans@bücher.de")).toBe("hans@xn--bcher-kva.de");
    expect(address("Hans@BÜCHER.de")).toBe("hans@xn--bcher-kva.de");
    expect(address("hans@xn--bcher-kva.de")).toBe("hans@xn--bcher-kva.de");
    expect(address("a@例え.テスト")).toBe("a@xn--r8jz45g.xn--zckzah");
    expect(reason("a@xn--zz.com")).toBe("domain is not a valid (internationalised) domain name");
  });

  test("CR, LF and other control characters anywhere are refused, not trimmed away", () => {
    for (const raw of ["a@b.com\r\nBcc: x@y.com", "a\r@b.com", "a@b.com\n", "\na@b.com", "a\u007f@b.com"]) {
      expect(reason(raw)).toStartWith("must not contain control characters");
    }
    expect(reason("a\u2028b@asd.com")).toBe("must not contain control characters (found U+2028)");
  });

  test("what mail systems refuse is refused, with the reason", () => {
    expect(reason("")).toBe("is required");
    expect(reason("   ")).toBe("is required");
    expect(reason("plainaddress")).toBe("must be an address such as name@example.com (no @ found)");
    expect(reason('"a@b"@asd.com')).toBe("must contain exactly one @ (quoted local parts are not accepted)");
    expect(reason("@asd.com")).toBe("must have a local part before the @");
    expect(reason("a@")).toBe("must have a domain after the @");
    expect(reason(".a@asd.com")).toContain("must not start or end with a dot");
    expect(reason("a.@asd.com")).toContain("must not start or end with a dot");
    expect(reason("a b@asd.com")).toBe('local part (before the @) must not contain " "');
    expect(reason("josé@asd.com")).toContain("must be ASCII");
    expect(reason(`${"a".repeat(65)}@asd.com`)).toBe(
      "local part (before the @) must be at most 64 characters",
    );
    expect(address(`${"a".repeat(64)}@asd.com`)).toBe(`${"a".repeat(64)}@asd.com`);
    expect(reason("a@localhost")).toBe("domain must have at least two labels, such as example.com");
    expect(reason("a@1.2.3.4")).toContain("not a number");
    expect(reason("a@0x7f.1")).toContain("not a number");
    expect(reason("a@[192.0.2.1]")).toBe('domain must not contain "["');
    expect(reason("a@ex%41mple.com")).toBe('domain must not contain "%"');
    expect(reason("a@exa_mple.com")).toBe('domain must not contain "_"');
    expect(reason("a@-asd.com")).toContain("not at their start or end");
    expect(reason("a@asd-.com")).toContain("not at their start or end");
    expect(reason("a@asd..com")).toContain("two dots in a row");
    expect(reason("a@asd.com.")).toContain("must not start or end with a dot");
    expect(reason(`a@${"d".repeat(64)}.com`)).toBe("domain labels must be at most 63 characters");
  });

  test("at most 254 characters, counted in the ASCII form", () => {
    const domain = `${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(63)}.${"g".repeat(57)}.com`;
    expect(domain.length).toBe(253);
    expect(reason(`a@${domain}`)).toBe("must be at most 254 characters");
    const fits = `${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(63)}.${"g".repeat(55)}.com`;
    expect(address(`a@${fits}`)).toBe(`a@${fits}`);
    // 240 characters typed, longer once punycoded.
    const idn = `a@${"ü".repeat(60)}.${"ö".repeat(60)}.${"ä".repeat(60)}.de`;
    expect(idn.length).toBeLessThanOrEqual(MAX_EMAIL_ADDRESS_LENGTH);
    expect(reason(idn)).toMatch(/at most (63|253|254) characters/);
  });
});

const CONTROL = fc.constantFrom(..."\u0000\u0001\t\n\r\u001b\u007f\u0085\u009f\u2028\u2029".split(""));
const NOT_ATEXT = fc.constantFrom(...'()<>[]:;@\\," '.split(""));
const validAddress = fc.emailAddress().filter((raw) => raw.length <= MAX_EMAIL_ADDRESS_LENGTH);

// CPU-bound work proportional to numRuns: a busy machine slows it down, hence the 30 s bounds.
describe("parseEmailAddress: properties (fast-check)", () => {
  test("every RFC 5322 dot-atom address of a host name is accepted, lower-cased and unchanged otherwise", () => {
    fc.assert(
      fc.property(validAddress, (raw) => {
        // fast-check's domains may end in a numeric label only if the TLD is letters; ours refuses numeric TLDs.
        fc.pre(!/\.[0-9]+$/.test(raw));
        expect(address(raw)).toBe(raw.toLowerCase());
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  test("normalising is idempotent", () => {
    fc.assert(
      fc.property(fc.oneof(validAddress, fc.string({ unit: "grapheme" })), (raw) => {
        const once = address(raw);
        if (once !== undefined) expect(address(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  test("a control character inserted anywhere is refused", () => {
    fc.assert(
      fc.property(validAddress, fc.nat(), CONTROL, (raw, at, control) => {
        // Inside, not at the ends: leading and trailing spaces and tabs are trimmed on purpose.
        const cut = 1 + (at % (raw.length - 1));
        const damaged = `${raw.slice(0, cut)}${control}${raw.slice(cut)}`;
        expect(reason(damaged)).toStartWith("must not contain control characters");
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  test("a character outside atext inserted into the local part is refused", () => {
    fc.assert(
      fc.property(validAddress, fc.nat(), NOT_ATEXT, (raw, at, bad) => {
        const local = raw.slice(0, raw.lastIndexOf("@"));
        const cut = 1 + (at % local.length); // after the first character, up to just before the @

        const damaged = `${raw.slice(0, cut)}${bad}${raw.slice(cut)}`;
        expect(address(damaged)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  test("anything accepted, from any string, is a clean ASCII address within the limits; nothing throws", () => {
    const anyText = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "grapheme" }),
      fc
        .tuple(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }))
        .map(([a, b]) => `${a}@${b}.com`),
    );
    fc.assert(
      fc.property(anyText, (raw) => {
        const result = parseEmailAddress(raw);
        if (!result.ok) {
          expect(result.reason.length).toBeGreaterThan(0);
          return;
        }
        const { address: out } = result;
        expect(out).toMatch(/^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-z0-9.-]+$/);
        expect(out.length).toBeLessThanOrEqual(254);
        const [local, domain] = out.split("@") as [string, string];
        expect(local.length).toBeLessThanOrEqual(64);
        expect(local).not.toMatch(/^\.|\.$|\.\./);
        for (const label of domain.split(".")) expect(label).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
      }),
      { numRuns: 1000 },
    );
  }, 30_000);
});
