/** Decides whether one more request of a caller fits its window; `retryAfterSeconds` when it does not. */
export interface RateLimiter {
  hit(key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
}

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

/**
 * Sliding window log per key, in this process only: right for embedded mode (one API process).
 * Memory is bounded by callers x limit timestamps; idle keys are swept.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  hit(key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const now = this.now();
    const since = now - this.options.windowMs;
    if (now - this.lastSweep > this.options.windowMs) this.sweep(since, now);
    const log = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (log.length >= this.options.limit) {
      this.hits.set(key, log);
      return Promise.resolve({ allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((log[0]! + this.options.windowMs - now) / 1000)) });
    }
    log.push(now);
    this.hits.set(key, log);
    return Promise.resolve({ allowed: true, retryAfterSeconds: 0 });
  }

  private sweep(since: number, now: number): void {
    this.lastSweep = now;
    for (const [key, log] of this.hits) if ((log.at(-1) ?? 0) <= since) this.hits.delete(key);
  }
}

/** The part of an ioredis client the Redis limiter needs. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

// Sliding window log in a sorted set, atomically: trim, count, add if room, answer the oldest hit.
const SCRIPT = `
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2])}
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return {1, 0}`;

/** The same window shared by every API node through Redis (scale-out). */
export class RedisRateLimiter implements RateLimiter {
  private seq = 0;

  constructor(
    private readonly redis: RedisEval,
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const now = this.now();
    const member = `${now}-${process.pid}-${++this.seq}`;
    const [allowed, oldest] = (await this.redis.eval(SCRIPT, 1, `onda:ratelimit:${key}`, now, this.options.windowMs, this.options.limit, member)) as [number, number];
    if (allowed === 1) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.options.windowMs - now) / 1000)) };
  }
}
