import { useEffect, useRef, useState } from 'react';

/** The latest outcome of a polled request. */
export interface PollState<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first response (success or failure) arrives. */
  loading: boolean;
}

/** A poll's state, and a way to ask again now (e.g. the server pushed that something changed). */
export type PollHandle<T> = PollState<T> & { refresh: () => void };

/**
 * Calls `load` now and again after `intervalMs(lastData)` following each completion, so a slow
 * server never sees overlapping requests. `key` restarts the loop (e.g. a new slug).
 */
export function usePoll<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  intervalMs: (data: T | undefined, error: unknown) => number,
): PollHandle<T> {
  const [state, setState] = useState<PollState<T> & { key: string }>({ key, data: undefined, error: undefined, loading: true });
  // Refs keep the loop stable while callers pass fresh closures on every render.
  const loadRef = useRef(load);
  const intervalRef = useRef(intervalMs);
  loadRef.current = load;
  intervalRef.current = intervalMs;
  const refreshRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastData: T | undefined;
    let inFlight = false;
    let again = false;

    const tick = async () => {
      inFlight = true;
      let error: unknown;
      try {
        lastData = await loadRef.current(controller.signal);
        error = undefined;
      } catch (caught) {
        if (controller.signal.aborted) return;
        error = caught;
      }
      inFlight = false;
      if (controller.signal.aborted) return;
      setState({ key, data: lastData, error, loading: false });
      // A refresh asked for during this request: its answer may predate the change, so ask again now.
      const delay = again ? 0 : intervalRef.current(lastData, error);
      again = false;
      timer = setTimeout(() => void tick(), delay);
    };
    refreshRef.current = () => {
      if (inFlight) {
        again = true;
        return;
      }
      clearTimeout(timer);
      void tick();
    };
    void tick();
    return () => {
      refreshRef.current = () => undefined;
      controller.abort();
      clearTimeout(timer);
    };
  }, [key]);

  const refresh = useRef(() => refreshRef.current()).current;
  // A stale state from the previous key must not leak into the new one.
  return state.key === key ? { ...state, refresh } : { data: undefined, error: undefined, loading: true, refresh };
}
