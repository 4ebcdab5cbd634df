import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { z } from "zod";
import { restMessage } from "./errors.ts";
import { queryInteger } from "./fields.ts";
import { check, validationError } from "./validate.ts";

const body = z.object({
  email: z.string(),
  count: z.number().int().min(1).max(10).optional(),
  tags: z.array(z.string()).min(1).optional(),
  kind: z.enum(["dog", "cat"]).optional(),
  nested: z.object({ name: z.string().min(1) }).optional(),
});
const failure = (input: unknown) => {
  const result = body.safeParse(input);
  if (result.success) throw new Error("expected a failure");
  return validationError(result.error, input, "body").body();
};

describe("validationError: the one 400 body of a failed validation", () => {
  test("each kind of issue in the client's words, naming the field it sent", () => {
    expect(failure({})).toEqual({ error: "Invalid email: is required", details: { field: "email" } });
    expect(failure({ email: 1 }).error).toBe("Invalid email: must be a string (got number)");
    expect(failure({ email: "a", count: "3" }).error).toBe("Invalid count: must be a number (got string)");
    expect(failure({ email: "a", count: 2.5 }).error).toBe("Invalid count: must be an integer (got number)");
    expect(failure({ email: "a", count: 0 }).error).toBe("Invalid count: must be at least 1");
    expect(failure({ email: "a", count: 11 }).error).toBe("Invalid count: must be at most 10");
    expect(failure({ email: "a", tags: [] }).error).toBe("Invalid tags: must have at least 1 items");
    expect(failure({ email: "a", tags: {} }).error).toBe("Invalid tags: must be an array (got object)");
    expect(failure({ email: "a", kind: "cow" }).error).toBe('Invalid kind: must be one of "dog", "cat"');
    expect(failure({ email: "a", nested: { name: "" } })).toEqual({
      error: "Invalid nested.name: must not be empty",
      details: { field: "nested.name" },
    });
    expect(failure("text")).toEqual({
      error: "Invalid body: must be a JSON object (got string)",
      details: { field: "body" },
    });
  });

  test("query integers: text that is not an integer, then the bounds", () => {
    const query = z.object({ pageSize: queryInteger(0, 1000).optional() });
    const error = (pageSize: string) => {
      try {
        check(query, { pageSize }, "query");
      } catch (caught) {
        return (caught as Error).message;
      }
      return undefined;
    };
    expect(error("abc")).toBe("Invalid pageSize: must be an integer");
    expect(error("")).toBe("Invalid pageSize: must be an integer");
    expect(error("1e3")).toBe("Invalid pageSize: must be an integer");
    expect(error("1001")).toBe("Invalid pageSize: must be at most 1000");
    expect(error("42")).toBeUndefined();
    expect(check(query, { pageSize: "42" }, "query")).toEqual({ pageSize: 42 });
  });

  test("property: a present field of the wrong type is never 'is required', and is always named", () => {
    const wrong = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object());
    fc.assert(
      fc.property(wrong, (email) => {
        const out = failure({ email });
        expect(out.details).toEqual({ field: "email" });
        expect(out.error).toStartWith("Invalid email: must be a string (got ");
      }),
      { numRuns: 300 },
    );
  });
});

describe("restMessage: an upstream validation message in the client's words", () => {
  const fields = { starts_at: "dateTime", pet_id: "petId", owner_ref: "email", name: "name" };
  test("proto names become REST names and the edge's form", () => {
    expect(restMessage("starts_at must be an ISO-8601 instant", "dateTime", fields)).toBe(
      "Invalid dateTime: must be an ISO-8601 instant",
    );
    expect(restMessage("from and to are both required without pet_id", "from", fields)).toBe(
      "Invalid from: from and to are both required without petId",
    );
    expect(restMessage("name must be one line", "name", fields)).toBe("Invalid name: must be one line");
    // Only whole names: a word that merely contains one is left alone.
    expect(restMessage("restarts_atomically", "x", fields)).toBe("Invalid x: restarts_atomically");
  });
});
