/**
 * Memory of every process under test, from /proc/<pid>/status: VmRSS (now)
 * and VmHWM (the kernel's high-water mark of RSS over the process's life, so
 * no peak is missed between samples).
 */
import { readFileSync } from "node:fs";

/** Resident memory of one process, in MB. */
export interface Rss {
  rssMb: number;
  hwmMb: number;
}

/** Reads VmRSS and VmHWM of a pid; undefined once the process is gone (or off Linux). */
export function readRss(pid: number): Rss | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/** Per-process memory as the report shows it. */
export interface ProcessMemory {
  name: string;
  pid: number;
  /** RSS after start and warm-up, before any measured load. */
  idleMb: number;
  /** Highest RSS over the whole run (VmHWM read at the end). */
  peakMb: number;
}

/** Tracks a set of named pids: idle snapshot on demand, peaks read last. */
export function createRssTracker() {
  const processes = new Map<string, { pid: number; idleMb: number; peakMb: number }>();
  return {
    add(name: string, pid: number) {
      processes.set(name, { pid, idleMb: Number.NaN, peakMb: 0 });
    },
    /** Records the current RSS of every process as its idle figure. */
    snapshotIdle() {
      for (const one of processes.values()) one.idleMb = readRss(one.pid)?.rssMb ?? Number.NaN;
    },
    /** Refreshes the peaks (call before the processes are stopped). */
    sample() {
      for (const one of processes.values()) {
        const now = readRss(one.pid);
        if (now) one.peakMb = Math.max(one.peakMb, now.hwmMb, now.rssMb);
      }
    },
    report(): ProcessMemory[] {
      return [...processes].map(([name, one]) => ({
        name,
        pid: one.pid,
        idleMb: one.idleMb,
        peakMb: one.peakMb,
      }));
    },
  };
}
