/**
 * The one way the web app talks to the gateway: JSON over fetch, the bearer
 * token when signed in, a deadline, and every failure turned into an
 * {@link ApiError} that carries a sentence a person can act on.
 */

/** A failed call: the HTTP status (0 when nothing answered) and the sentence to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The field the API blamed (`details.field`), when it named one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Said whenever the system or one of its services cannot answer right now. */
export const UNAVAILABLE_SENTENCE = "The clinic system is temporarily unavailable, try again in a moment.";

/** What the API's error body looks like (API.md: `{"error": …, "details"?: {field}}`). */
interface ErrorBody {
  error?: unknown;
  details?: { field?: unknown };
}

/**
 * The sentence for a failed answer: the API's own `error` text, completed where
 * a status needs more words (503/408/429: try again; 401/403: sign-in).
 */
export function describeFailure(status: number, body: unknown): ApiError {
  const parsed = (typeof body === "object" && body !== null ? body : {}) as ErrorBody;
  const text = typeof parsed.error === "string" && parsed.error.length > 0 ? parsed.error : undefined;
  const field = typeof parsed.details?.field === "string" ? parsed.details.field : undefined;
  switch (status) {
    case 401:
      return new ApiError(status, "Your sign-in was not accepted (Unauthorized): paste a fresh token.");
    case 403:
      return new ApiError(status, "You are not allowed to do this (Forbidden).");
    case 408:
      return new ApiError(status, `${text ?? "Request timed out"}. ${UNAVAILABLE_SENTENCE}`);
    case 429:
      return new ApiError(status, `${text ?? "Too many requests"}: wait a few seconds, then try again.`);
    case 502:
    case 503:
    case 504:
      return new ApiError(status, text ? `${text}. ${UNAVAILABLE_SENTENCE}` : UNAVAILABLE_SENTENCE);
    default:
      if (status >= 500) {
        return new ApiError(status, `Something went wrong on the server (${text ?? `status ${status}`}).`);
      }
      return new ApiError(status, text ?? `The request failed (status ${status}).`, field);
  }
}

/** Options of {@link createApiClient}; fetch and the token source are injected so tests need no browser. */
export interface ApiClientOptions {
  baseUrl?: string;
  token?: () => string | undefined;
  fetch?: typeof fetch;
  /** Deadline of one call; past it the call fails with the "temporarily unavailable" sentence. */
  timeoutMs?: number;
}

/** A typed request: method, path under the gateway, optional JSON body and extra headers. */
export interface ApiRequest {
  method?: "GET" | "POST" | "DELETE";
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Both the parsed JSON and the status, for routes whose status carries meaning (200 vs 202). */
export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** The client: `call` answers the JSON body of a 2xx, else throws an ApiError. */
export interface ApiClient {
  call<T>(request: ApiRequest): Promise<ApiResponse<T>>;
}

/** Builds the client the screens use. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async call<T>(request: ApiRequest): Promise<ApiResponse<T>> {
      const headers: Record<string, string> = { accept: "application/json", ...request.headers };
      if (request.body !== undefined) headers["content-type"] = "application/json";
      const token = options.token?.();
      if (token) headers.authorization = `Bearer ${token}`;
      let res: Response;
      try {
        res = await doFetch(`${options.baseUrl ?? ""}${request.path}`, {
          method: request.method ?? "GET",
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch {
        // Refused connection, reset, or our own deadline: nothing usable answered.
        throw new ApiError(0, UNAVAILABLE_SENTENCE);
      }
      const text = await res.text().catch(() => "");
      let body: unknown;
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      if (!res.ok) throw describeFailure(res.status, body);
      if (body === undefined) throw new ApiError(res.status, "The server's answer could not be read.");
      return { status: res.status, body: body as T };
    },
  };
}

/** Any thrown value as the sentence to show. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong in the page. Reload it and try again.";
}
