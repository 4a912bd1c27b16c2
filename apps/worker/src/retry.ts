import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Total attempts including the first. */
  attempts: number;
  /** First delay; doubles per attempt up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** No new attempt starts later than this many ms after the first (default: attempts alone decide). */
  deadlineMs?: number;
  /** Whether an error is worth another attempt (default: every error). */
  retryable?: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Delay before retry number `attempt` (1-based): `baseMs` doubling per attempt, at most `maxMs`. */
export const backoffMs = (attempt: number, baseMs: number, maxMs: number): number => Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);

/** Runs `fn` until it succeeds or the attempts run out, with exponential backoff between attempts. */
export async function retry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const deadline = opts.deadlineMs === undefined ? Infinity : Date.now() + opts.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= opts.attempts || (opts.retryable && !opts.retryable(err))) throw err;
      const delay = backoffMs(attempt, opts.baseMs, opts.maxMs);
      if (Date.now() + delay > deadline) throw err;
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
