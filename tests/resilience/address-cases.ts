/**
 * Email-address cases for the fuzz suite: seeded, so a failure replays. Each
 * damaged address is invalid by construction (one rule of the kit's address
 * rule broken on purpose); each plausible one is valid by the same rule.
 */

/** The four addresses of issue #19 that the first version accepted with 201. */
export const ISSUE_ADDRESSES = [
  "a\u0000b@asd.com",
  "../../etc/passwd@asd.com",
  "a..b@asd.com",
  "<script>@asd.com",
];

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const ATEXT = `${LETTERS}0123456789!#$%&'*+/=?^_\`{|}~-`;
const CONTROL = ["\u0000", "\u0001", "\r", "\n", "\r\n", "\u001b", "\u007f", "\u0085", "\u2028"];
const NOT_ATEXT = ["<", ">", "(", ")", "[", "]", ":", ";", ",", "\\", '"', " ", "é", "😀"];
const BAD_DOMAIN_CHARS = ["%", "_", "/", ":", "[", "]", "!", "*", " ", "%2e"];

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const word = (rng: () => number, alphabet = LETTERS, max = 10) =>
  Array.from({ length: 1 + Math.floor(rng() * max) }, () => pick(rng, alphabet.split(""))).join("");
const insertInside = (rng: () => number, text: string, what: string) => {
  const at = 1 + Math.floor(rng() * (text.length - 1));
  return `${text.slice(0, at)}${what}${text.slice(at)}`;
};

/** A valid address: dot-atom local part of atext, a host name, sometimes an IDN label. */
export function plausibleAddress(rng: () => number, tag: string): string {
  const local = [word(rng, ATEXT, 8), word(rng), tag].join(".");
  const label = rng() < 0.3 ? `${word(rng)}ü${word(rng)}` : word(rng);
  return `${local}@${label}.${word(rng, LETTERS, 6)}.test`;
}

const DAMAGE: Array<(rng: () => number, local: string, domain: string) => string> = [
  (rng, local, domain) => insertInside(rng, `${local}@${domain}`, pick(rng, CONTROL)),
  (rng, local, domain) => `${insertInside(rng, `${local}x`, pick(rng, NOT_ATEXT))}@${domain}`,
  (rng, local, domain) => `${insertInside(rng, `${local}x`, "..")}@${domain}`,
  (_rng, local, domain) => `.${local}@${domain}`,
  (_rng, local, domain) => `${local}.@${domain}`,
  (_rng, local, domain) => `../../${local}@${domain}`,
  (_rng, _local, domain) => `${"l".repeat(65)}@${domain}`,
  (_rng, local, domain) => `${local}@${"d".repeat(64)}.${domain}`,
  (rng, local, domain) => `${local}@${insertInside(rng, domain, pick(rng, BAD_DOMAIN_CHARS))}`,
  (rng, local) => `${local}@${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}.0.1`,
  (_rng, local, domain) => `${local}@-${domain}`,
  (_rng, local, domain) => `${local}@${domain}.`,
  (_rng, local) => `${local}@localhost`,
  (_rng, local, domain) => `${local}${domain}`,
  (_rng, local, domain) => `${local}@x@${domain}`,
  (_rng, local, domain) => `"${local}"@${domain}`,
  (_rng, _local, domain) => `@${domain}`,
  (_rng, local) => `${local}@`,
  (_rng, local) => `${local}@${Array.from({ length: 5 }, () => "e".repeat(50)).join(".")}.test`,
];

/** An address that breaks exactly one part of the rule, picked by the seeded rng. */
export function damagedAddress(rng: () => number): string {
  const local = word(rng, `${LETTERS}0123456789`, 12);
  const domain = `${word(rng)}.${word(rng, LETTERS, 4)}`;
  return pick(rng, DAMAGE)(rng, local, domain);
}
