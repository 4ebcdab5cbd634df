import { expect, test } from "bun:test";
import { createLogger } from "@vetmesh/kit";
import { createRedis } from "./redis.ts";

test("an unreachable Redis is said once in the log, however many reconnects fail", async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", sink: (line) => lines.push(line) });
  const redis = createRedis("redis://127.0.0.1:1", 100, logger);
  await Bun.sleep(700);
  redis.disconnect();
  const messages = lines.map((line) => JSON.parse(line).msg as string);
  expect(messages).toEqual([
    "redis unreachable: rate limits and cache fall back to this process until it returns",
  ]);
});

test.skipIf(process.env.VETMESH_NO_REDIS === "1")(
  "a reachable Redis is said once (skipped when make tests found no Redis)",
  async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", sink: (line) => lines.push(line) });
    const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", 500, logger);
    // Wait for the connection (a busy machine takes longer than any fixed sleep), then a little more
    // so that a second line, if the code ever wrote one, would be seen.
    await new Promise((ready) => redis.once("ready", ready));
    await Bun.sleep(100);
    redis.disconnect();
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
      "redis reachable: shared rate limits and cache in use",
    ]);
  },
);
