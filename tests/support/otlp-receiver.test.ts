/**
 * The test receiver decodes what the real OTLP/HTTP protobuf exporter sends: the
 * kit's tracing, pointed at it, exports two nested spans with one attribute of
 * each scalar kind.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { startTracing } from "@vetmesh/kit";
import { SpanKind, startOtlpReceiver } from "./otlp-receiver.ts";

const receiver = startOtlpReceiver();
afterAll(() => receiver.stop());

describe("OTLP receiver", () => {
  test("decodes ids, parent, names, kinds, status, attributes and the resource of exported spans", async () => {
    const tracing = startTracing({
      service: "probe",
      instance: "probe-7",
      config: { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/` },
    });
    await tracing.inSpan("outer", { text: "x", count: 7, ratio: 1.5, flag: true }, () =>
      tracing
        .inSpan("inner", {}, async () => {
          throw new Error("inner failed");
        })
        .catch(() => "handled"),
    );
    await tracing.shutdown();

    expect(receiver.rejected).toEqual([]);
    const outer = receiver.spans.find((span) => span.name === "outer");
    const inner = receiver.spans.find((span) => span.name === "inner");
    expect(outer).toMatchObject({
      kind: SpanKind.internal,
      parentSpanId: "",
      statusCode: 0,
      attributes: { text: "x", count: 7, ratio: 1.5, flag: true },
      service: "probe",
      instance: "probe-7",
    });
    expect(outer?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(outer?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(inner).toMatchObject({ traceId: outer?.traceId, parentSpanId: outer?.spanId, statusCode: 2 });
  });

  test("refuses what is not a protobuf trace export", async () => {
    const res = await fetch(`${receiver.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect(receiver.rejected).toEqual(["POST /v1/traces application/json"]);
  });
});
