/**
 * The loop both reminder scanners run: `scanOnce` every intervalMs, never two
 * at once, the first within a second; a failed scan is handed to `onError`
 * and the loop goes on. stop() waits for the scan in progress.
 */
export function createScanLoop(scanOnce: () => Promise<unknown>, onError: (error: unknown) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  return {
    /** Scans every intervalMs (never two scans at once) until stop(); 0 or less does nothing. */
    start(intervalMs: number) {
      if (intervalMs <= 0) return;
      stopped = false;
      const tick = () => {
        running = scanOnce()
          .catch(onError)
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, intervalMs);
          });
      };
      timer = setTimeout(tick, Math.min(intervalMs, 1000));
    },
    /** Stops the loop and waits for the scan in progress. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
