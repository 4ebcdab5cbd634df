/**
 * CPU time per request, per process, from /proc/<pid>/task/<tid>/schedstat
 * (nanoseconds per thread; /proc/<pid>/stat's utime + stime where there is none):
 * unlike requests/s, the CPU one request costs a process barely moves when
 * the machine is busy (a slower run is a longer run, not a costlier request),
 * so it is the bench's headline figure. The bench's own process (the load
 * generator) is read the same way, from /proc/self.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second (USER_HZ), the unit of utime/stime; 100 on every Linux we run. */
function clockTicksPerSecond(): number {
  const out = Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim();
  const ticks = Number(out);
  return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
}
const TICK_MS = 1000 / clockTicksPerSecond();

/** The fields of a /proc/<pid>/stat line after the command name, which may hold spaces and ')'. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in clock ticks. */
export function cpuTicksOfStat(stat: string): number {
  // The first field after the name is field 3 (state): utime is the 12th, stime the 13th.
  const fields = statFields(stat);
  return Number(fields[11]) + Number(fields[12]);
}

/** utime + stime of a process in milliseconds; undefined once it is gone (or off Linux). */
export function readCpuMs(pid: number | "self"): number | undefined {
  try {
    return cpuTicksOfStat(readFileSync(`/proc/${pid}/stat`, "utf8")) * TICK_MS;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of each thread of a process in milliseconds, from `/proc/<pid>/task/<tid>/schedstat` (its
 * first field: nanoseconds on a CPU), keyed by tid; undefined once the process is gone (or off Linux,
 * or without schedstat). Nanoseconds, where utime+stime count 10 ms ticks: a 2 s window of a gateway at
 * a few hundred requests/s spends ~200 ms, which ticks would measure to ±5 %.
 */
export function readThreadCpuMs(pid: number | "self"): Map<string, number> | undefined {
  try {
    const threads = new Map<string, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
        if (Number.isFinite(ns)) threads.set(tid, ns / 1e6);
      } catch {
        // the thread ended meanwhile
      }
    }
    return threads.size > 0 ? threads : undefined;
  } catch {
    return undefined;
  }
}

/** The pids whose parent is `pid` (e.g. nginx's workers under its master), read from /proc. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(statFields(readFileSync(`/proc/${entry}/stat`, "utf8"))[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** CPU of one group (a named set of pids) over one measured window. */
export interface CpuShare {
  group: string;
  ms: number;
  /** CPU microseconds per completed request. */
  usPerRequest: number;
}

/** The CPU every group spent during one run, per request. */
export interface CpuRun {
  id: string;
  label: string;
  mode: "throughput" | "fixed-rate";
  requests: number;
  wallMs: number;
  groups: CpuShare[];
  /** The group that served the row (the gateway, nginx, the owners...), shown first in the table. */
  front?: string;
}

/**
 * Named groups of pids; `window()` starts a measurement and its `end()` gives the per-request figures.
 * After `measureIdle`, each group's idle CPU rate (timers, heartbeats, GC with no load) times the window's
 * length is taken off its figure: at a low request rate that background would otherwise dominate.
 */
export function createCpuMeter() {
  const groups = new Map<string, Array<number | "self">>();
  const idleMsPerS = new Map<string, number>();
  // Per thread (per pid without schedstat), so a process or thread that exits inside a window (nginx's
  // cache loader, a Bun worker thread) adds nothing instead of a negative.
  const read = () => {
    const totals = new Map<string, Map<string, number>>();
    for (const [name, pids] of groups) {
      const perPid = new Map<string, number>();
      for (const pid of pids) {
        const threads = readThreadCpuMs(pid);
        if (threads) for (const [tid, ms] of threads) perPid.set(`${pid}/${tid}`, ms);
        else {
          const ms = readCpuMs(pid);
          if (ms !== undefined) perPid.set(`${pid}`, ms);
        }
      }
      totals.set(name, perPid);
    }
    return totals;
  };
  const spentBetween = (before: Map<string, number> | undefined, after: Map<string, number>) => {
    let spent = 0;
    for (const [pid, ms] of after) {
      const start = before?.get(pid);
      if (start !== undefined) spent += ms - start;
    }
    return spent;
  };
  return {
    /** Adds a pid to a group (several pids, e.g. both owner instances, may share one). */
    add(group: string, pid: number | "self") {
      groups.set(group, [...(groups.get(group) ?? []), pid]);
    },
    groupNames(): string[] {
      return [...groups.keys()];
    },
    /** Reads every group's CPU over `ms` of no load, the background later windows subtract. */
    async measureIdle(ms: number) {
      const before = read();
      const startedAt = performance.now();
      await Bun.sleep(ms);
      const after = read();
      const seconds = (performance.now() - startedAt) / 1000;
      for (const [group, perPid] of after)
        idleMsPerS.set(group, spentBetween(before.get(group), perPid) / seconds);
    },
    /** The idle CPU rate of each group (ms of CPU per second), as measured. */
    idleRates(): Record<string, number> {
      return Object.fromEntries(idleMsPerS);
    },
    /** Reads every group now; call `end` with the requests the window completed. */
    window() {
      const before = read();
      const startedAt = performance.now();
      return {
        end(meta: { id: string; label: string; mode: CpuRun["mode"] }, requests: number): CpuRun {
          const after = read();
          const wallMs = performance.now() - startedAt;
          return {
            ...meta,
            requests,
            wallMs,
            groups: [...after].map(([group, perPid]) => {
              const background = ((idleMsPerS.get(group) ?? 0) * wallMs) / 1000;
              const spent = Math.max(0, spentBetween(before.get(group), perPid) - background);
              return {
                group,
                ms: spent,
                usPerRequest: requests > 0 ? (spent * 1000) / requests : Number.NaN,
              };
            }),
          };
        },
      };
    },
  };
}
