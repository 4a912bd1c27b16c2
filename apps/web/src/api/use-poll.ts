import { useEffect, useRef, useState } from 'react';

/** The latest outcome of a polled request. */
export interface PollState<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first response (success or failure) arrives. */
  loading: boolean;
}

/**
 * Calls `load` now and again after `intervalMs(lastData)` following each completion, so a slow
 * server never sees overlapping requests. `key` restarts the loop (e.g. a new slug).
 */
export function usePoll<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  intervalMs: (data: T | undefined, error: unknown) => number,
): PollState<T> {
  const [state, setState] = useState<PollState<T> & { key: string }>({ key, data: undefined, error: undefined, loading: true });
  // Refs keep the loop stable while callers pass fresh closures on every render.
  const loadRef = useRef(load);
  const intervalRef = useRef(intervalMs);
  loadRef.current = load;
  intervalRef.current = intervalMs;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastData: T | undefined;

    const tick = async () => {
      let error: unknown;
      try {
        lastData = await loadRef.current(controller.signal);
        error = undefined;
      } catch (caught) {
        if (controller.signal.aborted) return;
        error = caught;
      }
      if (controller.signal.aborted) return;
      setState({ key, data: lastData, error, loading: false });
      timer = setTimeout(() => void tick(), intervalRef.current(lastData, error));
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key]);

  // A stale state from the previous key must not leak into the new one.
  return state.key === key ? state : { data: undefined, error: undefined, loading: true };
}
