import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Total attempts including the first. */
  attempts: number;
  /** First delay; doubles per attempt up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** Whether an error is worth another attempt (default: every error). */
  retryable?: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `fn` until it succeeds or the attempts run out, with exponential backoff between attempts. */
export async function retry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= opts.attempts || (opts.retryable && !opts.retryable(err))) throw err;
      const delay = Math.min(opts.baseMs * 2 ** (attempt - 1), opts.maxMs);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
