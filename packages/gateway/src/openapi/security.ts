/** The name of the bearer-token scheme in components/securitySchemes. */
export const BEARER_SCHEME = "bearerAuth";

/**
 * The scheme of the shared auth contract: `Authorization: Bearer <JWT>`
 * (claims sub, role, email, aud, iss, exp), verified by the gateway and again
 * by the services. Described once here; each guarded operation refers to it.
 */
export const BEARER_SECURITY_SCHEME = {
  type: "http" as const,
  scheme: "bearer",
  bearerFormat: "JWT",
  description:
    "A JWT with claims `sub`, `role` (admin, vet, reception or owner), `email` (an owner's own address), " +
    "`aud` (AUTH_AUDIENCE, default `vetmesh`), `iss` (AUTH_ISSUER, default `vetmesh-local`) and `exp`. " +
    "Required when the gateway runs with AUTH_MODE=required (the default outside loopback, and in Kubernetes): " +
    'without a valid one, 401 `{"error":"Unauthorized"}` with `WWW-Authenticate: Bearer`; a role the route does ' +
    'not admit, or an owner naming someone else\'s data, is 403 `{"error":"Forbidden"}`. An open-mode gateway ' +
    "(AUTH_MODE=open, the first version's behaviour) ignores credentials altogether, and never answers 401 or 403. Locally, `make token ROLE=vet` prints one. " +
    "Each operation's description says which roles it admits.",
};
