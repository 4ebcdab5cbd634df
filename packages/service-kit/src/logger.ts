import { writeSync } from "node:fs";
import { currentRequestId } from "./request-context.ts";

/** Log levels in increasing severity; "silent" turns logging off (tests). */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Fields added to one line. */
export type LogFields = Record<string, unknown>;

/** A JSON-lines logger; every line carries the service, the instance and the current request id. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Where lines go; stdout by default, a buffer in tests. */
export type LogSink = (line: string) => void;

/**
 * stdout, batched per event-loop turn: a write to a pipe is a syscall that
 * costs about as much as the request it logs (bench/README.md), so the lines
 * of one turn go out in one write, at the next setImmediate. On exit whatever
 * is pending is written synchronously, so no line is lost on a normal exit.
 */
function createStdoutSink(): LogSink {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0]! : pending.join("");
    pending = [];
    process.stdout.write(text);
  };
  process.once("exit", () => {
    if (pending.length > 0) writeSync(1, pending.join(""));
    pending = [];
  });
  return (line) => {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

// One per process, shared by every logger, so lines keep their order.
let stdoutSink: LogSink | undefined;

function serialiseError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/**
 * Creates the process logger. One summary line per request/RPC is written by the kit's interceptors.
 * `contextFields` adds per-line fields from the current async context (the trace and span ids when
 * tracing is on); without it a line costs what it did before.
 */
export function createLogger(options: {
  level?: LogLevel;
  base?: LogFields;
  sink?: LogSink;
  contextFields?: () => LogFields | undefined;
}): Logger {
  const threshold = rank[options.level ?? "info"];
  const { contextFields } = options;
  if (!options.sink && !stdoutSink) stdoutSink = createStdoutSink();
  const sink = options.sink ?? (stdoutSink as LogSink);
  const make = (base: LogFields): Logger => {
    const write = (level: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields) => {
      if (rank[level] < threshold) return;
      const line: LogFields = { time: new Date().toISOString(), level, ...base, msg };
      const requestId = currentRequestId();
      if (requestId) line.requestId = requestId;
      if (contextFields) Object.assign(line, contextFields());
      if (fields) for (const [key, value] of Object.entries(fields)) line[key] = serialiseError(value);
      sink(`${JSON.stringify(line)}\n`);
    };
    return {
      debug: (msg, fields) => write("debug", msg, fields),
      info: (msg, fields) => write("info", msg, fields),
      warn: (msg, fields) => write("warn", msg, fields),
      error: (msg, fields) => write("error", msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}
