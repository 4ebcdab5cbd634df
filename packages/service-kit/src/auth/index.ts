export { createProcessAuth, createProcessAuthOrExit, type ProcessAuth } from "./from-config.ts";
export {
  AUTHORIZATION_HEADER,
  type AuthConfig,
  type AuthMode,
  authConfigShape,
  IDENTITY_KEY,
  type Identity,
  isLoopback,
  ROLES,
  type Role,
  resolveAuthMode,
  sameEmail,
} from "./identity.ts";
export {
  AUTH_MESSAGES,
  type AuthInterceptorOptions,
  assertOwnerAccess,
  callerOf,
  createAuthInterceptor,
  forbidden,
  isOwnerCaller,
  unauthenticated,
} from "./interceptor.ts";
export {
  ensureLocalKeys,
  LOCAL_KEY_FILES,
  mintToken,
  readPrivateJwk,
  type TokenClaims,
} from "./local-keys.ts";
export {
  DEMO_RULES,
  OWNER_RULES,
  RULES_BY_PATH,
  type Rule,
  roleAllowed,
  ruleOf,
  VETERINARY_RULES,
} from "./rules.ts";
export { createTestIssuer, type TestIssuer } from "./test-issuer.ts";
export {
  ACCEPTED_ALGORITHMS,
  AuthError,
  bearerToken,
  createTokenVerifier,
  keysFromConfig,
  type TokenVerifier,
  type TokenVerifierOptions,
} from "./verifier.ts";
