import { describe, expect, test } from "bun:test";
import type { DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { ruleOf } from "@vetmesh/kit/auth";
import { defaultConfig } from "../config.ts";
import type { PetsCache } from "../resilience/pets-cache.ts";
import { deadlineMs, OWNER_OPERATIONS, operationOf, routingKeyOf, withInvalidations } from "./operations.ts";

function recordingCache(): { cache: PetsCache; calls: string[][] } {
  const calls: string[][] = [];
  const cache = {
    invalidate: async (refs: string[]) => {
      calls.push(refs.filter((ref) => ref !== ""));
    },
  } as unknown as PetsCache;
  return { cache, calls };
}

describe("the operation-policy table", () => {
  for (const service of [OwnerService, VeterinaryService] as DescService[]) {
    test(`${service.name}: every unary RPC has a row whose policy is its proto idempotency and whose rule is the kit's`, () => {
      for (const method of service.methods.filter((m) => m.methodKind === "unary")) {
        const row = operationOf(service, method);
        const expected =
          method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ? "read" : "write";
        expect({ method: method.name, policy: row?.policy }).toEqual({
          method: method.name,
          policy: expected,
        });
        expect(row?.rule).toBe(ruleOf(service, method.name) as NonNullable<typeof row>["rule"]);
      }
    });
  }

  test("remove-data runs under its own deadline, everything else of the owner under the default", () => {
    const config = defaultConfig({ TIMEOUT_DEFAULT_MS: 111, TIMEOUT_REMOVE_DATA_MS: 222 });
    expect(deadlineMs(config, OWNER_OPERATIONS.removeOwnerData)).toBe(222);
    expect(deadlineMs(config, OWNER_OPERATIONS.registerPet)).toBe(111);
  });

  test("the routing key is the first non-empty routing field, emails lower-cased", () => {
    expect(routingKeyOf(OWNER_OPERATIONS.registerOwner, { email: " Ann@Example.COM " })).toBe(
      "ann@example.com",
    );
    expect(routingKeyOf(OWNER_OPERATIONS.listPets, { ownerRef: "" })).toBeUndefined();
  });

  test("register-pet invalidates the ref and the answered owner id after the call, the ref alone after a failure", async () => {
    const { cache, calls } = recordingCache();
    const op = OWNER_OPERATIONS.registerPet;
    await withInvalidations(cache, op, { ownerRef: "a@x.io" }, async () => ({ pet: { ownerId: "o-1" } }));
    expect(calls).toEqual([["a@x.io", "o-1"]]);
    const failing = withInvalidations(cache, op, { ownerRef: "a@x.io" }, async () => {
      throw new Error("lost answer");
    });
    await expect(failing).rejects.toThrow("lost answer");
    expect(calls).toEqual([["a@x.io", "o-1"], ["a@x.io"]]);
  });

  test("remove-data invalidates at saga start and then by ref, id and email", async () => {
    const { cache, calls } = recordingCache();
    await withInvalidations(cache, OWNER_OPERATIONS.removeOwnerData, { ownerRef: "o-1" }, async () => {
      calls.push(["(call)"]);
      return { ownerId: "o-1", ownerEmail: "a@x.io" };
    });
    expect(calls).toEqual([["o-1"], ["(call)"], ["o-1", "o-1", "a@x.io"]]);
  });

  test("an operation without invalidations leaves the cache alone", async () => {
    const { cache, calls } = recordingCache();
    await withInvalidations(cache, OWNER_OPERATIONS.listPets, { ownerRef: "o-1" }, async () => ({}));
    expect(calls).toEqual([]);
  });
});
