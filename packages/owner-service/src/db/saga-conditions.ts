import { and, type Column, eq, isNull, lt, ne, or } from "drizzle-orm";
import { SAGA_DONE } from "../domain/saga-transitions.ts";

/** The saga table's columns the conditions read; both dialects' schemas have them under these names. */
interface SagaColumns {
  id: Column;
  step: Column;
  leaseOwner: Column;
  leaseUntil: Column;
}

/**
 * Who may take or renew a saga's lease, as one WHERE for both dialects: an
 * unfinished saga nobody holds, whose lease expired, or that `leaseOwner`
 * already holds. The conditional UPDATE is what makes two claimers exclusive.
 */
export function sagaClaimable(t: SagaColumns, id: string, leaseOwner: string, now: number) {
  return and(
    eq(t.id, id),
    ne(t.step, SAGA_DONE),
    or(isNull(t.leaseUntil), lt(t.leaseUntil, now), eq(t.leaseOwner, leaseOwner)),
  );
}
