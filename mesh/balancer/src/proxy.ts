import type { DescMethod, DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, HandlerContext, Transport } from "@connectrpc/connect";
import { createAsyncIterable } from "@connectrpc/connect/protocol";
import type { Balancer } from "./balancer.ts";
import { allowedServices, targetOf } from "./service-table.ts";

const hopHeaders = new Set([
  "content-type",
  "content-length",
  "content-encoding",
  "accept-encoding",
  "te",
  "user-agent",
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "trailer",
]);
const isHopHeader = (name: string) =>
  hopHeaders.has(name) || name.startsWith("grpc-") || name.startsWith("connect-") || name.startsWith(":");

/** Caller headers worth forwarding (request id, routing key, auth...), minus protocol ones the client re-creates. */
export function forwardableHeaders(from: Headers): Headers {
  const out = new Headers();
  from.forEach((value, name) => {
    if (!isHopHeader(name)) out.append(name, value);
  });
  return out;
}

function copyInto(from: Headers, to: Headers) {
  from.forEach((value, name) => {
    if (!isHopHeader(name)) to.set(name, value);
  });
}

// The router's per-kind handler types can't be named for a method known only at run time.
type AnyImpl = Parameters<ConnectRouter["rpc"]>[1];

function forwarder(method: DescMethod, transport: Transport): AnyImpl {
  const call = async (input: AsyncIterable<unknown>, ctx: HandlerContext) => {
    const res = await transport.stream(
      method as never,
      ctx.signal,
      ctx.timeoutMs(),
      forwardableHeaders(ctx.requestHeader),
      input as never,
    );
    copyInto(res.header, ctx.responseHeader);
    return res;
  };
  switch (method.methodKind) {
    case "unary":
      return (async (req: unknown, ctx: HandlerContext) => {
        const res = await transport.unary(
          method as never,
          ctx.signal,
          ctx.timeoutMs(),
          forwardableHeaders(ctx.requestHeader),
          req as never,
        );
        copyInto(res.header, ctx.responseHeader);
        copyInto(res.trailer, ctx.responseTrailer);
        return res.message;
      }) as AnyImpl;
    case "server_streaming":
      return async function* (req: unknown, ctx: HandlerContext) {
        const res = await call(createAsyncIterable([req]), ctx);
        yield* res.message;
        copyInto(res.trailer, ctx.responseTrailer);
      } as unknown as AnyImpl;
    case "client_streaming":
      return (async (reqs: AsyncIterable<unknown>, ctx: HandlerContext) => {
        const res = await call(reqs, ctx);
        let last: unknown;
        for await (const message of res.message) last = message;
        copyInto(res.trailer, ctx.responseTrailer);
        return last;
      }) as AnyImpl;
    case "bidi_streaming":
      return async function* (reqs: AsyncIterable<unknown>, ctx: HandlerContext) {
        const res = await call(reqs, ctx);
        yield* res.message;
        copyInto(res.trailer, ctx.responseTrailer);
      } as unknown as AnyImpl;
  }
}

/**
 * The standalone proxy for clients that do not embed the balancer: serves
 * the allow-listed contracts (by default the public ones only; gRPC and
 * Connect, through the kit's listeners; any other path is not found) and
 * forwards each call through the balancer to an instance of the service its
 * proto package names, routing key and request id included.
 */
export function createProxyApp(options: { balancer: Balancer; services?: readonly DescService[] }) {
  const services = options.services ?? allowedServices();
  return {
    routes(router: ConnectRouter) {
      for (const service of services) {
        const target = targetOf(service);
        if (!target) continue;
        const transport = options.balancer.transport(target);
        for (const method of service.methods)
          router.rpc(method as never, forwarder(method, transport) as never);
      }
    },
    health: () => null,
    close: () => options.balancer.close(),
  };
}
