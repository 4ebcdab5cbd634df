/**
 * Scenario (a), the baseline: the smallest Bun.serve JSON hello-world, run as
 * its own process like every other target so the load generator and the
 * server share the machine the same way in every scenario.
 */
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.HTTP_PORT ?? 0),
  fetch: () => Response.json({ message: "ok" }),
});
// The same "listening" line the kit writes, so tests/support/process.ts can start it.
console.log(JSON.stringify({ msg: "listening", httpPort: server.port }));
process.on("SIGTERM", () => {
  void server.stop(true).then(() => process.exit(0));
});
