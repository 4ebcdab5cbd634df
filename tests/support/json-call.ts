/** What a JSON call to a gateway answered. */
export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/**
 * One REST call with a JSON body (when given) to `base`, answered as status,
 * parsed body and headers: the request shape of the cross-process suites.
 */
export async function jsonCall(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
