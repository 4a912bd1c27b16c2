import type { Logger } from '@nestjs/common';
import { MemoryRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { isDependencyDown } from './dependency-down.js';

/**
 * A shared (Redis) rate limiter that falls back to this node's own window while Redis is unreachable:
 * requests keep being limited, per node instead of across nodes, rather than every request failing with
 * the limiter (a Redis outage would otherwise take the whole REST API, the media routes included, down).
 * Any other error still propagates.
 */
export class FallbackRateLimiter implements RateLimiter {
  private readonly local: MemoryRateLimiter;
  private degraded = false;

  constructor(
    private readonly shared: RateLimiter,
    options: RateLimitOptions,
    private readonly logger?: Pick<Logger, 'warn' | 'log'>,
  ) {
    this.local = new MemoryRateLimiter(options);
  }

  async hit(key: string): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    try {
      const verdict = await this.shared.hit(key);
      if (this.degraded) {
        this.degraded = false;
        this.logger?.log('rate limiting shared across nodes again');
      }
      return verdict;
    } catch (err) {
      if (!isDependencyDown(err)) throw err;
      if (!this.degraded) {
        this.degraded = true;
        this.logger?.warn(`rate limiting per node while the shared store is unreachable: ${(err as Error).message}`);
      }
      return this.local.hit(key);
    }
  }
}
