import type { Problem } from '@onda/contracts';

/** One dependency a role needs to do its work (database, API, Redis, storage). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects, or outlives the timeout, when it does not. */
  check(signal: AbortSignal): Promise<unknown>;
  /**
   * A shared dependency whose loss degrades the node but does not make another node any better (S3, Redis
   * for every API node): reported, but the node stays ready. Failing it would take EVERY replica out of the
   * balancer at once and turn a partial outage (media, chat fan-out) into a whole one.
   */
  degradesOnly?: boolean;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  degradesOnly?: boolean;
  ms: number;
  /** Safe to show to anyone: "timed out after 3000 ms", "HTTP 502", or "unreachable". */
  reason?: string;
  /** The underlying error, for the log only (may name hosts and ports). */
  error?: unknown;
}

export interface ReadinessReport {
  ready: boolean;
  checks: CheckResult[];
}

/** An error whose message is safe to put in a public readiness answer. */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Runs every check in parallel, each bounded by `timeoutMs` (default 3 s). */
export async function checkReadiness(checks: readonly ReadinessCheck[], opts: { timeoutMs?: number } = {}): Promise<ReadinessReport> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const results = await Promise.all(checks.map(async (c): Promise<CheckResult> => {
    const started = performance.now();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new CheckFailure(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(() => c.check(abort.signal)), timeout]);
      return { name: c.name, ok: true, ms: Math.round(performance.now() - started) };
    } catch (error) {
      const reason = error instanceof CheckFailure ? error.message : 'unreachable';
      return { name: c.name, ok: false, ms: Math.round(performance.now() - started), reason, error, ...(c.degradesOnly ? { degradesOnly: true } : {}) };
    } finally {
      clearTimeout(timer);
    }
  }));
  return { ready: results.every((r) => r.ok || r.degradesOnly), checks: results };
}

/** The dependency answers a GET of `url` with a 2xx (e.g. the API's /healthz). */
export function httpCheck(name: string, url: string): ReadinessCheck {
  return {
    name,
    async check(signal) {
      const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
      await res.body?.cancel();
      if (!res.ok) throw new CheckFailure(`HTTP ${res.status}`);
    },
  };
}

/** Storage answers a HEAD of a probe key (absent is fine: the store answered). */
export function storageCheck(storage: { head(key: string): Promise<unknown> }, key = 'readyz-probe'): ReadinessCheck {
  return { name: 'storage', check: () => storage.head(key) };
}

/** The body of a ready answer: each check's name and `ok` (or why not: `degraded` when a degradesOnly check failed). */
export interface ReadyBody {
  status: 'ready' | 'degraded';
  checks: Record<string, string>;
}

export type ReadinessAnswer =
  | { status: 200; contentType: 'application/json'; body: ReadyBody }
  | { status: 503; contentType: 'application/problem+json'; body: Problem & { errors: Array<{ path: string; message: string }> } };

/** What /readyz answers: `{status: 'ready', checks}` or a 503 problem naming the failed checks. */
export function readinessBody(report: ReadinessReport): ReadinessAnswer {
  const checks = Object.fromEntries(report.checks.map((c) => [c.name, c.ok ? 'ok' : c.reason ?? 'unreachable']));
  if (report.ready) return { status: 200, contentType: 'application/json', body: { status: report.checks.every((c) => c.ok) ? 'ready' : 'degraded', checks } };
  const failed = report.checks.filter((c) => !c.ok);
  const problem = {
    type: 'https://onda.dev/problems/unavailable',
    title: 'Service unavailable',
    status: 503,
    code: 'unavailable' as const,
    detail: `Not ready: ${failed.map((c) => `${c.name} (${c.reason ?? 'unreachable'})`).join(', ')}`,
    errors: failed.map((c) => ({ path: c.name, message: c.reason ?? 'unreachable' })),
  };
  return { status: 503, contentType: 'application/problem+json', body: problem };
}
