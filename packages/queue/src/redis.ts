import { Redis } from 'ioredis';

/**
 * What a Redis connection is for, which decides how long a command waits out a Redis outage:
 * - `request`: serves an HTTP request or a chat event; a command fails after 2 retries, so the caller gets an
 *   error instead of hanging.
 * - `producer`: enqueues jobs; ioredis's default retries per request, then fails.
 * - `subscriber`: pub/sub or BullMQ's blocking reads; retries forever (BullMQ requires it for its workers).
 */
export type RedisUse = 'request' | 'producer' | 'subscriber';

/** The one place Onda makes a Redis client. */
export function createRedisClient(url: string, use: RedisUse): Redis {
  if (use === 'producer') return new Redis(url);
  return new Redis(url, { maxRetriesPerRequest: use === 'request' ? 2 : null });
}
