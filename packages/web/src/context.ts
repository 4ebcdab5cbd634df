import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Endpoints } from "./api/endpoints.ts";
import type { Session } from "./session.ts";

/** What every screen needs: the typed API and who is signed in. */
export interface AppServices {
  api: Endpoints;
  session: Session;
  /** A fresh idempotency key for one logical write (a retry of the same form reuses it). */
  newKey: () => string;
}

/** Provided once by the app shell. */
export const ServicesContext = createContext<AppServices | undefined>(undefined);

/** The services of the nearest provider; a screen outside one is a programming error. */
export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices outside ServicesContext");
  return services;
}
