/**
 * Test helpers every package shares (imported by tests only, never by a
 * main.ts), so no package imports another's testing code or app to test itself.
 */
export { expectFailure, failureCode, failureParts } from "./expect-failure.ts";
export { freePort } from "./free-port.ts";
export { hasRedisServer, type PrivateRedis, startPrivateRedis } from "./private-redis.ts";
export { kitRouterTransport, lateTransport } from "./router-transport.ts";
export { createTestClock, type TestClock } from "./test-clock.ts";
