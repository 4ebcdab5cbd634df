import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** A load's state: what a screen renders (never blank: loading, the data, or the error). */
export type AsyncState<T> =
  | { status: "loading"; data?: T }
  | { status: "ok"; data: T }
  | { status: "error"; error: unknown; data?: T };

/**
 * Runs `load` when `deps` change and on `reload()`; a stale answer (deps
 * changed meanwhile) is dropped. A reload keeps the last data (a list does
 * not flash empty); a change of deps starts from nothing.
 */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  const lastDeps = useRef<string | undefined>(undefined);
  // The caller's deps decide when to load again; tick forces a reload.
  useEffect(() => {
    const mine = ++generation.current;
    const key = JSON.stringify(deps);
    // A reload keeps what is shown; other deps (another owner, another pet) must never show the old data.
    const sameSubject = lastDeps.current === key;
    lastDeps.current = key;
    setState((previous) => ({ status: "loading", data: sameSubject ? previous.data : undefined }));
    load().then(
      (data) => {
        if (mine === generation.current) setState({ status: "ok", data });
      },
      (error: unknown) => {
        if (mine === generation.current)
          setState((previous) => ({ status: "error", error, data: previous.data }));
      },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** A form action's state: idle, busy, done with a message, or failed with the error. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const run = useCallback(async (action: () => Promise<string | undefined>) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await action());
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setError(undefined);
    setDone(undefined);
  }, []);
  return { busy, error, done, run, clear };
}
