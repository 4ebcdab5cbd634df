import { domainToASCII } from "node:url";
import { controlCharacterIn } from "./text.ts";

/** RFC 5321 §4.5.3.1.3: a forward path is at most 256 octets with its angle brackets. */
export const MAX_EMAIL_ADDRESS_LENGTH = 254;
/** RFC 5321 §4.5.3.1.1. */
export const MAX_LOCAL_PART_LENGTH = 64;
/** RFC 1035 §2.3.4 (a name without its root dot). */
export const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/** The outcome of {@link parseEmailAddress}: the normalised address, or why it is not one. */
export type EmailAddressResult = { ok: true; address: string } | { ok: false; reason: string };

// RFC 5322 §3.2.3 atext: the characters a dot-atom local part may hold.
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]$/;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const ASCII = /^[\x20-\x7e]*$/;
// What a domain may hold before IDNA processing: LDH, dots, and non-ASCII letters.
// Anything else ASCII (%, /, :, [, _ ...) is refused here, before the WHATWG
// host parser gets a chance to percent-decode it or read it as an IP address.
const DOMAIN_ASCII = /^[A-Za-z0-9.-]$/;

const fail = (reason: string): EmailAddressResult => ({ ok: false, reason });
const shown = (char: string) => JSON.stringify(char);

/**
 * The one email-address rule of vetmesh: every service and the gateway accept
 * exactly the addresses a mail system accepts, and store them in one form.
 *
 * - Leading and trailing spaces and tabs are trimmed; any other control
 *   character (NUL, CR, LF, DEL, C1 controls, U+2028/2029) anywhere is refused.
 * - Exactly one `@`. The local part is an RFC 5321 dot-atom of ASCII atext
 *   (letters, digits and ``!#$%&'*+-/=?^_`{|}~``), dots only between atoms,
 *   at most 64 octets. Quoted local parts (`"a b"@x.org`) and internationalised
 *   local parts (RFC 6531) are not accepted: many mail systems refuse them.
 * - The domain is a host name (no address literals such as `[192.0.2.1]`): an
 *   IDN is converted to its ASCII (punycode, UTS #46) form by `node:url`'s
 *   `domainToASCII`; then every label is 1..63 letters, digits and inner
 *   hyphens (RFC 1035/5890), there are at least two labels, the last is not
 *   all digits, and the whole is at most 253 octets.
 * - The result is lower-cased (the owner service compares addresses
 *   case-insensitively) and at most 254 octets.
 */
export function parseEmailAddress(raw: string): EmailAddressResult {
  const trimmed = raw.replace(/^[ \t]+|[ \t]+$/g, "");
  if (trimmed.length === 0) return fail("is required");
  if (trimmed.length > MAX_EMAIL_ADDRESS_LENGTH) {
    return fail(`must be at most ${MAX_EMAIL_ADDRESS_LENGTH} characters`);
  }
  const control = controlCharacterIn(trimmed);
  if (control) return fail(`must not contain control characters (found ${control})`);
  const at = trimmed.indexOf("@");
  if (at < 0) return fail("must be an address such as name@example.com (no @ found)");
  if (trimmed.indexOf("@", at + 1) >= 0) {
    return fail("must contain exactly one @ (quoted local parts are not accepted)");
  }
  const local = checkLocalPart(trimmed.slice(0, at));
  if (!local.ok) return local;
  const domain = checkDomain(trimmed.slice(at + 1));
  if (!domain.ok) return domain;
  const address = `${local.address.toLowerCase()}@${domain.address}`;
  if (address.length > MAX_EMAIL_ADDRESS_LENGTH) {
    return fail(`must be at most ${MAX_EMAIL_ADDRESS_LENGTH} characters once the domain is in ASCII form`);
  }
  return { ok: true, address };
}

function checkLocalPart(local: string): EmailAddressResult {
  if (local.length === 0) return fail("must have a local part before the @");
  if (!ASCII.test(local)) {
    return fail("local part (before the @) must be ASCII (internationalised local parts are not accepted)");
  }
  if (local.length > MAX_LOCAL_PART_LENGTH) {
    return fail(`local part (before the @) must be at most ${MAX_LOCAL_PART_LENGTH} characters`);
  }
  for (const char of local) {
    if (char !== "." && !ATEXT.test(char))
      return fail(`local part (before the @) must not contain ${shown(char)}`);
  }
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return fail("local part (before the @) must not start or end with a dot or have two dots in a row");
  }
  return { ok: true, address: local };
}

function checkDomain(domain: string): EmailAddressResult {
  if (domain.length === 0) return fail("must have a domain after the @");
  for (const char of domain) {
    if (char.charCodeAt(0) < 0x80 && !DOMAIN_ASCII.test(char))
      return fail(`domain must not contain ${shown(char)}`);
  }
  // For ASCII input this only lower-cases and checks xn-- labels; "" means IDNA refused it.
  const ascii = domainToASCII(domain);
  if (ascii === "") return fail("domain is not a valid (internationalised) domain name");
  if (ascii.length > MAX_DOMAIN_LENGTH) return fail(`domain must be at most ${MAX_DOMAIN_LENGTH} characters`);
  const labels = ascii.split(".");
  for (const label of labels) {
    if (label.length === 0) return fail("domain must not start or end with a dot or have two dots in a row");
    if (label.length > MAX_LABEL_LENGTH)
      return fail(`domain labels must be at most ${MAX_LABEL_LENGTH} characters`);
    if (!LDH_LABEL.test(label)) {
      return fail("domain labels may hold only letters, digits and hyphens, not at their start or end");
    }
  }
  if (labels.length < 2) return fail("domain must have at least two labels, such as example.com");
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) {
    return fail("domain must end in a name, not a number (IP addresses are not accepted)");
  }
  return { ok: true, address: ascii };
}
