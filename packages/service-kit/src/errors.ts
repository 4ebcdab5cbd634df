import { Code, ConnectError } from "@connectrpc/connect";

/** The closed set of failures domain code may raise; everything else is a bug. */
export type DomainErrorKind = "invalid" | "not_found" | "conflict" | "unavailable" | "precondition";

/** A failure the caller can act on. `field` names the offending input where there is one. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** Bad input; the field is named so the gateway can say which. */
export const invalid = (field: string, message: string) => new DomainError("invalid", message, field);
/** The thing asked for does not exist (or is hidden by a removal). */
export const notFound = (message: string) => new DomainError("not_found", message);
/** The request collides with existing state (duplicate, overlap, already ended). */
export const conflict = (message: string) => new DomainError("conflict", message);
/** A dependency could not be reached; the caller may retry. */
export const unavailable = (message: string) => new DomainError("unavailable", message);

/** The one table from domain errors to Connect codes. */
export const domainErrorCode: Record<DomainErrorKind, Code> = {
  invalid: Code.InvalidArgument,
  not_found: Code.NotFound,
  conflict: Code.AlreadyExists,
  unavailable: Code.Unavailable,
  precondition: Code.FailedPrecondition,
};

/** Metadata key that carries the offending field of an InvalidArgument error. */
export const FIELD_METADATA_KEY = "vetmesh-field";

/** Converts a domain error into the Connect error clients see. */
export function domainToConnectError(error: DomainError): ConnectError {
  const metadata = new Headers();
  if (error.field) metadata.set(FIELD_METADATA_KEY, error.field);
  return new ConnectError(error.message, domainErrorCode[error.kind], metadata);
}

/** The field an InvalidArgument error names, if any. */
export function errorField(error: ConnectError): string | undefined {
  return error.metadata.get(FIELD_METADATA_KEY) ?? undefined;
}
