import { readFileSync, statSync } from "node:fs";

/** The process's notion of "now"; injected everywhere so tests move time instead of sleeping. */
export type Clock = () => Date;

/**
 * The clock of a real process: the system time plus CLOCK_OFFSET_MS plus the
 * integer in CLOCK_OFFSET_FILE (re-read when its mtime changes; a missing or
 * unreadable file counts as 0). Cross-process tests write that file to move a
 * running veterinary process through reminder stages.
 */
export function createProcessClock(options: { offsetMs?: number; offsetFile?: string }): Clock {
  const base = options.offsetMs ?? 0;
  const file = options.offsetFile;
  if (!file) return () => new Date(Date.now() + base);
  let seenMtime = -1;
  let fileOffset = 0;
  return () => {
    try {
      const mtime = statSync(file).mtimeMs;
      if (mtime !== seenMtime) {
        seenMtime = mtime;
        const value = Number(readFileSync(file, "utf8").trim());
        fileOffset = Number.isSafeInteger(value) ? value : 0;
      }
    } catch {
      seenMtime = -1;
      fileOffset = 0;
    }
    return new Date(Date.now() + base + fileOffset);
  };
}
