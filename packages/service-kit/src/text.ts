// Cc: C0 controls (NUL, TAB, CR, LF ...), DEL and C1 controls; and the Unicode line and paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * The first control character in `text`, described for an error message
 * (`U+000A`), or undefined when there is none. Text that ends up in an email
 * header (pet names, vaccines, addresses) must be one clean line: a CR/LF is
 * header injection, a NUL makes mail servers refuse the message.
 */
export function controlCharacterIn(text: string): string | undefined {
  const match = CONTROL.exec(text);
  if (!match) return undefined;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * The reason a single-line text field is refused, or undefined: what every
 * service says for a control character in a name that travels into an email.
 */
export function singleLineReason(text: string): string | undefined {
  const control = controlCharacterIn(text);
  return control ? `must be one line without control characters (found ${control})` : undefined;
}
