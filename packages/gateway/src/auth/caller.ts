import { AsyncLocalStorage } from "node:async_hooks";
import type { Identity } from "@vetmesh/kit/auth";

const storage = new AsyncLocalStorage<Identity | undefined>();

/**
 * Runs a request's handler with its verified caller visible to the upstream
 * guard, which relays the token to the services; nothing a client sends is
 * forwarded as identity.
 */
export function runAsCaller<T>(identity: Identity | undefined, fn: () => T): T {
  return storage.run(identity, fn);
}

/** The verified caller of the request being served; undefined when anonymous (open mode). */
export function currentCaller(): Identity | undefined {
  return storage.getStore();
}
