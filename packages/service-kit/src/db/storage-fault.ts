/**
 * SQLite errors that are the storage's fault, not the request's: the disk is
 * full (SQLITE_FULL, or a short write past a file size limit), the file is
 * read-only (SQLITE_READONLY*), or the disk failed a read or write
 * (SQLITE_IOERR*). The transaction was rolled back, so nothing was
 * acknowledged; the kit answers them Unavailable with the reason, not Internal.
 * Kept free of bun:sqlite (the codes are strings), like busy-error.ts.
 */
export type StorageFault = "storage_full" | "storage_read_only" | "storage_io_error";

/** The words clients are told for each fault (the gateway's 503 says "Service unavailable: <words>"). */
export const STORAGE_FAULT_WORDS: Record<StorageFault, string> = {
  storage_full: "storage full",
  storage_read_only: "storage read-only",
  storage_io_error: "storage I/O error",
};

/** Response metadata that carries the fault to the caller (a fixed token, never driver text). */
export const UNAVAILABLE_REASON_HEADER = "vetmesh-unavailable-reason";

function faultOfCode(code: string): StorageFault | undefined {
  if (code === "SQLITE_FULL") return "storage_full";
  if (code.startsWith("SQLITE_READONLY")) return "storage_read_only";
  if (code.startsWith("SQLITE_IOERR")) return "storage_io_error";
  return undefined;
}

/** The storage fault behind an error, also when wrapped (drizzle puts the driver's error in `cause`). */
export function storageFault(error: unknown): StorageFault | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const fault = faultOfCode(String((e as { code?: unknown }).code));
    if (fault) return fault;
  }
  return undefined;
}

/** True when `value` is one of the tokens storageFault returns (the gateway trusts only these). */
export function isStorageFault(value: string | null | undefined): value is StorageFault {
  return value !== null && value !== undefined && Object.hasOwn(STORAGE_FAULT_WORDS, value);
}
