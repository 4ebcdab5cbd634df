/**
 * Closed-loop throughput runs with autocannon: N keep-alive connections each
 * send the next request as soon as the previous answer arrives, so requests/s
 * is the saturation throughput of the target on this machine. Latencies are
 * taken from autocannon's per-response event (float ms) into exact samples.
 */
import autocannon from "autocannon";
import { type RunResult, Samples } from "./stats.ts";

/** One HTTP request shape; `path` may be a function so every request can differ (e.g. distinct owners). */
export interface Target {
  urls: string[];
  method?: "GET" | "POST";
  path: string | (() => string);
  body?: string | (() => string);
  headers?: Record<string, string>;
}

/** Options of a throughput run. */
export interface ThroughputOptions {
  connections: number;
  durationS: number;
}

function requestSetup(target: Target) {
  const { path, body } = target;
  return (request: autocannon.Request): autocannon.Request => {
    const next = { ...request };
    if (typeof path === "function") next.path = path();
    if (typeof body === "function") next.body = body();
    return next;
  };
}

/** Runs autocannon against the target for a bounded time and returns requests/s and exact percentiles. */
export async function throughputRun(
  meta: { id: string; label: string },
  target: Target,
  options: ThroughputOptions,
): Promise<RunResult> {
  const samples = new Samples();
  let failures = 0;
  const first = typeof target.path === "function" ? target.path() : target.path;
  let finish: (error: Error | null, result: autocannon.Result) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      // autocannon accepts several URLs and spreads connections over them; its types say string.
      url: (target.urls.length === 1 ? target.urls[0] : target.urls) as string,
      connections: options.connections,
      duration: options.durationS,
      timeout: 10,
      method: target.method ?? "GET",
      headers: { "content-type": "application/json", ...target.headers },
      requests: [
        {
          method: target.method ?? "GET",
          path: first,
          body: typeof target.body === "function" ? target.body() : target.body,
          setupRequest: requestSetup(target),
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) samples.add(responseTime);
    else failures++;
  });
  const result = await done;
  failures += result.errors + result.timeouts;
  const [p50 = 0, p90 = 0, p99 = 0, max = 0] = samples.percentiles(50, 90, 99, 100);
  const requests = samples.count + failures;
  return {
    ...meta,
    mode: "throughput",
    durationS: options.durationS,
    requests,
    rps: samples.count / (result.duration || options.durationS),
    p50,
    p90,
    p99,
    max,
    failures,
  };
}
