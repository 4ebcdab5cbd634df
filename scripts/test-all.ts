/**
 * `make tests`: typecheck (server code and the web app), lint, buf lint, the
 * web app's bundle, then every test — unit tests beside
 * the code and the cross-process suites in tests/. Makes sure a Redis answers
 * (REDIS_URL, else a private redis-server on a free port), and ends with one
 * line `N passed, N failed` that sums every check and test it ran.
 */

import { readFileSync } from "node:fs";
import { type Subprocess, spawn } from "bun";
// Relative: scripts/ is no workspace package; free-port.ts needs nothing but node:net.
import { freePort } from "../packages/service-kit/src/testing/free-port.ts";

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}
const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];

/** The budget of a test that names none (bun's own default is 5 s). */
const TEST_TIMEOUT_MS = 20_000;

async function check(name: string, cmd: string[]): Promise<void> {
  process.stdout.write(`\n== ${name}: ${cmd.join(" ")}\n`);
  const proc = spawn({ cmd, stdout: "inherit", stderr: "inherit" });
  if ((await proc.exited) === 0) tally.passed++;
  else {
    tally.failed++;
    failures.push(name);
  }
}

/** Runs `bun test` on some paths, echoing its output and adding its counts. */
async function bunTest(
  name: string,
  paths: string[],
  env: Record<string, string>,
  ignore: string[] = [],
): Promise<void> {
  // Bun 1.4.5 reads no test timeout from bunfig.toml: without the flag every test had 5 s, too
  // short for one that starts processes on a busy machine. Tests that need longer say so themselves.
  const flags = [`--timeout=${TEST_TIMEOUT_MS}`, ...ignore.map((file) => `--path-ignore-patterns=${file}`)];
  process.stdout.write(`\n== ${name}: bun test ${paths.join(" ")}\n`);
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  // No Redis answers: children must not be pointed at one (discovery would pick its Redis mode).
  if (env.VETMESH_NO_REDIS === "1") delete childEnv.REDIS_URL;
  const proc = spawn({
    cmd: [process.execPath, "test", ...flags, ...paths],
    env: childEnv,
    stdout: "inherit",
    stderr: "pipe",
  });
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of proc.stderr) {
    const piece = decoder.decode(chunk, { stream: true });
    text += piece;
    process.stderr.write(piece);
  }
  const code = await proc.exited;
  const count = (word: string) => Number(text.match(new RegExp(`^\\s*(\\d+) ${word}$`, "m"))?.[1] ?? 0);
  const pass = count("pass");
  const fail = count("fail");
  tally.passed += pass;
  tally.failed += fail;
  tally.skipped += count("skip");
  if (code !== 0 && fail === 0) {
    tally.failed++;
    failures.push(`${name} (bun test exited ${code})`);
  } else if (fail > 0) failures.push(`${name} (${fail} failed)`);
}

async function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  try {
    const socket = await Bun.connect({
      hostname,
      port: Number(port || 6379),
      socket: { data() {}, error() {} },
    });
    socket.end();
    return true;
  } catch {
    return false;
  }
}

async function ensureRedis(): Promise<{ env: Record<string, string>; stop: () => void }> {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  if (await redisAnswers(url)) return { env: { REDIS_URL: url }, stop: () => {} };
  if (!Bun.which("redis-server")) {
    console.log(
      `\nNo Redis answers at ${url} and redis-server is not installed: tests that need Redis are skipped.` +
        " Install redis-server (apt-get install redis-server) or set REDIS_URL to enable them.",
    );
    return { env: { VETMESH_NO_REDIS: "1" }, stop: () => {} };
  }
  const port = await freePort();
  const server: Subprocess = spawn({
    cmd: ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "ignore",
    stderr: "ignore",
  });
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(privateUrl)); i++) await Bun.sleep(100);
  console.log(`\nStarted a private redis-server for the tests at ${privateUrl}`);
  return { env: { REDIS_URL: privateUrl }, stop: () => server.kill() };
}

const bunx = [process.execPath, "x"];
await check("typecheck", [...bunx, "tsc", "-p", "tsconfig.json", "--noEmit"]);
// The web app has its own program: DOM types and Preact's JSX stay out of the server code's.
await check("typecheck web", [...bunx, "tsc", "-p", "packages/web/tsconfig.json", "--noEmit"]);
await check("lint", [...bunx, "biome", "ci", "."]);
await check("buf lint", [...bunx, "buf", "lint", "proto"]);

// The gateway serves packages/web/dist and the browser tests drive it: build it from this checkout.
await check("build web", [process.execPath, "packages/web/build.ts"]);

const redis = await ensureRedis();
// Without any Redis, the test files that talk to one (they read REDIS_URL) are left out, by name.
const needRedis =
  redis.env.VETMESH_NO_REDIS === "1"
    ? [...new Bun.Glob("{packages,mesh,tests}/**/*.test.ts").scanSync(".")].filter(
        (file) => !file.includes("node_modules") && readFileSync(file, "utf8").includes("REDIS_URL"),
      )
    : [];
if (needRedis.length > 0) console.log(`Skipped for want of Redis:\n  ${needRedis.join("\n  ")}`);
try {
  // "./" makes each a folder, not a substring filter: a bare "mesh" also ran tests/mesh/ here, twice in all.
  await bunTest("unit tests", ["./packages", "./mesh", "./scripts", "./bench"], redis.env, needRedis);
  await bunTest("cross-process tests", ["tests"], redis.env, needRedis);
} finally {
  redis.stop();
}

if (failures.length > 0) console.log(`\nFailed: ${failures.join("; ")}`);
console.log(
  `\n${tally.passed} passed, ${tally.failed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ""}`,
);
process.exit(tally.failed > 0 ? 1 : 0);
