/**
 * `make stop`: stops exactly the processes `make run` started (by recorded pid,
 * checked against the command line), SIGTERM first so they drain, SIGKILL after
 * a bound, and removes their pid files.
 */
import { rmSync } from "node:fs";
import { pidFile, readAlivePid } from "./process-control.ts";
import { buildProcesses, layoutFromEnv } from "./processes.ts";

const layout = layoutFromEnv();
const processes = buildProcesses(layout);

const GRACE_MS = 15_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const running = processes.flatMap((spec) => {
  const pid = readAlivePid(spec, layout.runDir);
  return pid ? [{ spec, pid }] : [];
});

for (const { pid } of running) process.kill(pid, "SIGTERM");
const deadline = Date.now() + GRACE_MS;
while (running.some(({ pid }) => alive(pid)) && Date.now() < deadline) await Bun.sleep(100);
for (const { spec, pid } of running) {
  if (alive(pid)) {
    console.log(`${spec.name} (pid ${pid}) did not stop within ${GRACE_MS} ms: killing it`);
    process.kill(pid, "SIGKILL");
  }
}
for (const spec of processes) rmSync(pidFile(spec, layout.runDir), { force: true });
rmSync(`${layout.runDir}/processes.json`, { force: true });
// The next run gets a new discovery secret.
rmSync(`${layout.runDir}/discovery-token`, { force: true });
console.log(
  running.length === 0 ? "nothing was running" : `stopped ${running.map(({ spec }) => spec.name).join(", ")}`,
);
