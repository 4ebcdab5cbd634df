/**
 * A small OTLP/HTTP trace receiver for cross-process tests: a real HTTP server
 * on 127.0.0.1 that accepts `POST /v1/traces` with an `application/x-protobuf`
 * ExportTraceServiceRequest (what @opentelemetry/exporter-trace-otlp-proto
 * sends), decodes it field by field from the wire format
 * (opentelemetry/proto/trace/v1/trace.proto) and keeps the spans.
 */
import { BinaryReader, type WireType } from "@bufbuild/protobuf/wire";

/** OTLP's span kinds (trace.proto `Span.SpanKind`). */
export const SpanKind = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

/** One received span, with its resource's `service.name` / `service.instance.id`. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  /** 0 unset, 1 ok, 2 error (trace.proto `Status.StatusCode`). */
  statusCode: number;
  attributes: Record<string, string | number | boolean>;
  service: string;
  instance: string;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Reads each field of one message, handing its number, wire type and reader to `onField`. */
function eachField(
  bytes: Uint8Array,
  onField: (field: number, type: WireType, reader: BinaryReader) => boolean,
) {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, type] = reader.tag();
    if (!onField(field, type, reader)) reader.skip(type);
  }
}

/** AnyValue: the scalar kinds the SDK emits for our attributes. */
function anyValue(bytes: Uint8Array): string | number | boolean {
  let value: string | number | boolean = "";
  eachField(bytes, (field, _type, reader) => {
    if (field === 1) value = reader.string();
    else if (field === 2) value = reader.bool();
    else if (field === 3) value = Number(reader.int64());
    else if (field === 4) value = reader.double();
    else return false;
    return true;
  });
  return value;
}

function keyValue(bytes: Uint8Array, into: Record<string, string | number | boolean>) {
  let key = "";
  let value: string | number | boolean = "";
  eachField(bytes, (field, _type, reader) => {
    if (field === 1) key = reader.string();
    else if (field === 2) value = anyValue(reader.bytes());
    else return false;
    return true;
  });
  into[key] = value;
}

function span(bytes: Uint8Array, resource: Record<string, string | number | boolean>): ReceivedSpan {
  const out: ReceivedSpan = {
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "",
    kind: 0,
    statusCode: 0,
    attributes: {},
    service: String(resource["service.name"] ?? ""),
    instance: String(resource["service.instance.id"] ?? ""),
  };
  eachField(bytes, (field, _type, reader) => {
    if (field === 1) out.traceId = hex(reader.bytes());
    else if (field === 2) out.spanId = hex(reader.bytes());
    else if (field === 4) out.parentSpanId = hex(reader.bytes());
    else if (field === 5) out.name = reader.string();
    else if (field === 6) out.kind = reader.int32();
    else if (field === 9) keyValue(reader.bytes(), out.attributes);
    else if (field === 15)
      eachField(reader.bytes(), (statusField, _statusType, status) => {
        if (statusField !== 3) return false;
        out.statusCode = status.int32();
        return true;
      });
    else return false;
    return true;
  });
  return out;
}

/** Decodes an ExportTraceServiceRequest (trace_service.proto) into its spans. */
export function decodeExportRequest(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  eachField(body, (field, _type, reader) => {
    if (field !== 1) return false;
    const resourceAttributes: Record<string, string | number | boolean> = {};
    const scopeSpans: Uint8Array[] = [];
    eachField(reader.bytes(), (resourceField, _resourceType, resourceSpans) => {
      if (resourceField === 1)
        eachField(resourceSpans.bytes(), (attributeField, _attributeType, resource) => {
          if (attributeField !== 1) return false;
          keyValue(resource.bytes(), resourceAttributes);
          return true;
        });
      else if (resourceField === 2) scopeSpans.push(resourceSpans.bytes());
      else return false;
      return true;
    });
    // The resource may come after its spans on the wire: decode spans once both are read.
    for (const scope of scopeSpans)
      eachField(scope, (scopeField, _scopeType, scopeReader) => {
        if (scopeField !== 2) return false;
        spans.push(span(scopeReader.bytes(), resourceAttributes));
        return true;
      });
    return true;
  });
  return spans;
}

/** A running receiver: its base URL (OTEL_EXPORTER_OTLP_ENDPOINT) and what it has received. */
export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** Export requests refused (wrong path, content type or undecodable body). */
  rejected: string[];
  /** The received spans of one trace. */
  trace(traceId: string): ReceivedSpan[];
  stop(): void;
}

/** Starts a receiver on a free loopback port. */
export function startOtlpReceiver(): OtlpReceiver {
  const spans: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      const type = request.headers.get("content-type") ?? "";
      if (request.method !== "POST" || path !== "/v1/traces" || !type.startsWith("application/x-protobuf")) {
        rejected.push(`${request.method} ${path} ${type}`);
        return new Response("unsupported", { status: 415 });
      }
      try {
        spans.push(...decodeExportRequest(new Uint8Array(await request.arrayBuffer())));
      } catch (error) {
        rejected.push(`undecodable: ${error instanceof Error ? error.message : String(error)}`);
        return new Response("bad request", { status: 400 });
      }
      // An empty ExportTraceServiceResponse: every span accepted.
      return new Response(new Uint8Array(), { headers: { "content-type": "application/x-protobuf" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    spans,
    rejected,
    trace: (traceId) => spans.filter((one) => one.traceId === traceId),
    stop: () => server.stop(true),
  };
}
