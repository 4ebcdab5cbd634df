import { invalid } from "@vetmesh/kit";

/** Where the previous page of records stopped (records are ordered by recordedAt desc, id desc). */
export interface RecordCursor {
  recordedAt: number;
  id: string;
}

/** Encodes a cursor as an opaque token, so clients cannot depend on its shape. */
export function encodePageToken(cursor: RecordCursor): string {
  return Buffer.from(JSON.stringify([cursor.recordedAt, cursor.id])).toString("base64url");
}

/** Decodes a token from encodePageToken; anything else is InvalidArgument on page_token. */
export function decodePageToken(token: string): RecordCursor | undefined {
  if (token === "") return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (Array.isArray(value) && Number.isSafeInteger(value[0]) && typeof value[1] === "string" && value[1]) {
      return { recordedAt: value[0] as number, id: value[1] };
    }
  } catch {
    // fall through to the domain error
  }
  throw invalid("page_token", "page_token is not a token this service issued");
}

/** Page sizes: 0 means the default; larger than the max is clamped, negative is an error. */
export function pageSize(requested: number, defaults = { size: 20, max: 100 }): number {
  if (requested < 0) throw invalid("page_size", "page_size must not be negative");
  if (requested === 0) return defaults.size;
  return Math.min(requested, defaults.max);
}
