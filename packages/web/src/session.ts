import { type ApiClient, ApiError } from "./api/client.ts";
import type { Me, Role } from "./api/types.ts";

const KEY = "vetmesh.token";

/** Who is using the app: nobody needs to sign in (open mode), or a signed-in identity. */
export type Session =
  | { kind: "open" }
  | { kind: "signed-in"; role: Role; subject: string; email?: string }
  | { kind: "needs-login"; reason?: string };

/** The token is kept for the browser tab only (sessionStorage), never in localStorage or a cookie. */
export const tokenStore = {
  get: (): string | undefined => sessionStorage.getItem(KEY) ?? undefined,
  set: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};

/** True for roles that get the front desk rather than the owner view. */
export function isStaff(role: Role): boolean {
  return role === "admin" || role === "vet" || role === "reception";
}

/**
 * Asks `GET /api/me` who we are. Open mode (or a gateway from before access
 * control, where the route is 404) needs no login; in required mode a missing
 * or refused token asks for one, with the reason in words.
 */
export async function resolveSession(api: ApiClient, hasToken: boolean): Promise<Session> {
  try {
    const { body } = await api.call<Me>({ path: "/api/me" });
    if (body.mode === "open") return { kind: "open" };
    return { kind: "signed-in", role: body.role, subject: body.subject, email: body.email };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { kind: "open" };
    if (error instanceof ApiError && error.status === 401) {
      return {
        kind: "needs-login",
        reason: hasToken
          ? "That token was not accepted: it may have expired or be for another clinic."
          : undefined,
      };
    }
    throw error;
  }
}
