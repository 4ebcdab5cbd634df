import type { HandlerContext } from "@connectrpc/connect";
import { assertOwnerAccess, isOwnerCaller } from "@vetmesh/kit/auth";
import type { Owners } from "../domain/owners.ts";
import { parseOwnerRef } from "../domain/validation.ts";

/**
 * The owner service's own ownership check: an owner-role caller may only
 * name themself, by email or by id. The ref is resolved here, from the
 * database, never from what the client claims; an unknown ref is theirs only
 * when it is their own email (then the use case answers NotFound as usual).
 */
export async function assertOwnsRef(ctx: HandlerContext, owners: Owners, rawRef: string): Promise<void> {
  if (!isOwnerCaller(ctx)) return;
  const ref = parseOwnerRef(rawRef);
  const owner = await owners.findAny(ref);
  assertOwnerAccess(ctx, owner?.email ?? ("email" in ref ? ref.email : undefined));
}
