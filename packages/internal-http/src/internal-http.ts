import { setTimeout as sleep } from 'node:timers/promises';
import { ProblemSchema, type ErrorCode } from '@onda/contracts';

/** How calls are made: time per attempt, attempts in all, and the backoff between them. */
export interface InternalHttpPolicy {
  /** Per attempt, the answer's body included. */
  timeoutMs: number;
  /** Attempts in all (1 = no retry). Only no answer, a 5xx or a 429 is tried again; another 4xx never is. */
  attempts: number;
  /** Delay before the first retry, doubling per retry up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

/** The policy a client starts from; each role overrides what differs. */
const DEFAULT_POLICY: Readonly<InternalHttpPolicy> = Object.freeze({ timeoutMs: 5_000, attempts: 4, baseMs: 250, maxMs: 4_000 });

/** One call's overrides of the client's policy, and `parse` to check the JSON answer. */
export interface InternalCallOptions<T> {
  timeoutMs?: number;
  attempts?: number;
  /** Checks the answer (JSON, or null when empty); a throw becomes an InternalHttpError, never retried. */
  parse?: (body: unknown) => T;
}

/** A role's client of another role's `/internal/...` routes: bearer internal token, JSON both ways. */
export interface InternalHttpClient {
  get<T = unknown>(path: string, options?: InternalCallOptions<T>): Promise<T>;
  post<T = unknown>(path: string, body: unknown, options?: InternalCallOptions<T>): Promise<T>;
}

/** A role-to-role call that failed: no answer (`status` null: refused, reset, timed out), an error status, or an invalid answer. */
export class InternalHttpError extends Error {
  /** No answer, a 5xx or a 429: another attempt may succeed. Any other status will not. */
  readonly retryable: boolean;

  constructor(
    readonly method: string,
    /** The path called, without the host. */
    readonly path: string,
    /** The HTTP status; null when no answer came. */
    readonly status: number | null,
    /** The problem+json `detail`, else the start of the body, else why no answer came. */
    readonly detail: string,
    /** The problem+json `code`, when the answer had one. */
    readonly code?: ErrorCode,
  ) {
    super(`${method} ${path} ${status === null ? 'got no answer' : `answered ${status}`}${detail ? `: ${detail}` : ''}`);
    this.name = 'InternalHttpError';
    this.retryable = status === null || status >= 500 || status === 429;
  }
}

/**
 * Delay before retry `retry` (1-based): `baseMs` doubling per retry up to `maxMs`, then jittered down to as little
 * as half, so that the callers an API restart failed together do not all come back in the same instant.
 */
export function retryDelayMs(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const full = Math.min(baseMs * 2 ** (retry - 1), maxMs);
  return Math.round(full / 2 + (random() * full) / 2);
}

/** A client of `baseUrl` (the API's root URL; a trailing slash is fine) sending `Bearer <token>`. */
export function createInternalHttpClient(baseUrl: string, token: string, policy: Partial<InternalHttpPolicy> = {}): InternalHttpClient {
  const base = baseUrl.replace(/\/+$/, '');
  const defaults: InternalHttpPolicy = { ...DEFAULT_POLICY, ...policy };

  async function attempt(method: string, path: string, body: unknown, timeoutMs: number): Promise<{ status: number; answer: unknown }> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      throw new InternalHttpError(method, path, null, whyNoAnswer(e, timeoutMs));
    }
    if (!res.ok) {
      const problem = problemOf(text);
      throw new InternalHttpError(method, path, res.status, problem.detail, problem.code);
    }
    if (text.length === 0) return { status: res.status, answer: null };
    try {
      return { status: res.status, answer: JSON.parse(text) };
    } catch {
      throw new InternalHttpError(method, path, res.status, 'invalid body: not JSON');
    }
  }

  async function call<T>(method: string, path: string, body: unknown, options: InternalCallOptions<T> = {}): Promise<T> {
    const attempts = options.attempts ?? defaults.attempts;
    const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
    for (let n = 1; ; n++) {
      let got: { status: number; answer: unknown };
      try {
        got = await attempt(method, path, body, timeoutMs);
      } catch (e) {
        if (!(e as InternalHttpError).retryable || n >= attempts) throw e;
        await sleep(retryDelayMs(n, defaults.baseMs, defaults.maxMs));
        continue;
      }
      if (!options.parse) return got.answer as T;
      try {
        return options.parse(got.answer);
      } catch (e) {
        throw new InternalHttpError(method, path, got.status, `invalid body: ${String((e as Error).message ?? e).slice(0, 200)}`);
      }
    }
  }

  return {
    get: (path, options) => call('GET', path, undefined, options),
    post: (path, body, options) => call('POST', path, body, options),
  };
}

/** The `detail` and `code` of a problem+json answer; otherwise the start of whatever came. */
function problemOf(text: string): { detail: string; code?: ErrorCode } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
  const problem = ProblemSchema.safeParse(json);
  return problem.success ? { detail: problem.data.detail, code: problem.data.code } : { detail: text.slice(0, 200) };
}

function whyNoAnswer(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { message?: string } };
  if (err.name === 'TimeoutError') return `timed out after ${timeoutMs} ms`;
  // undici says "fetch failed" and keeps the reason (ECONNREFUSED, a reset...) in `cause`.
  return err.cause?.message ? `${err.message} (${err.cause.message})` : String(err.message ?? e);
}
