/**
 * `make token ROLE=vet EMAIL=vet@clinic.example` (or `bun scripts/token.ts
 * --role vet --email …`): prints a bearer token for local runs, signed with
 * the key `make init` generated under .data/auth/ (never committed). Every
 * process started by `make run` verifies it through AUTH_JWKS_FILE.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  ensureLocalKeys,
  mintToken,
  ROLES,
  type Role,
  readPrivateJwk,
} from "../packages/service-kit/src/auth/index.ts";
import { layoutFromEnv } from "./processes.ts";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    email: { type: "string" },
    sub: { type: "string" },
    ttl: { type: "string" },
    issuer: { type: "string", default: "vetmesh-local" },
    audience: { type: "string", default: "vetmesh" },
  },
});

const problems: string[] = [];
const role = values.role as Role;
if (!ROLES.includes(role)) problems.push(`ROLE must be one of ${ROLES.join(", ")}`);
const email = values.email || undefined;
if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
  problems.push("EMAIL must be an email address");
if (role === "owner" && !email) problems.push("an owner token needs EMAIL (the owner's email)");
const sub = values.sub || undefined;
if (sub !== undefined && sub.length > 256) problems.push("SUB is at most 256 characters");
const ttl = values.ttl ? Number(values.ttl) : undefined;
if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 60 && ttl <= 7 * 86_400)) {
  problems.push("TTL is whole seconds between 60 and 604800");
}
if (problems.length > 0) {
  console.error(`make token: ${problems.join("; ")}`);
  console.error("usage: make token ROLE=admin|vet|reception|owner [EMAIL=…] [SUB=…] [TTL=seconds]");
  process.exit(2);
}
const { issuer, audience } = values;
const keys = await ensureLocalKeys(join(layoutFromEnv().dataDir, "auth"));
const token = await mintToken(readPrivateJwk(keys.privateKey), {
  subject: sub ?? email ?? `${role}-local`,
  role,
  email,
  issuer,
  audience,
  ttlSeconds: ttl,
});
console.log(token);
