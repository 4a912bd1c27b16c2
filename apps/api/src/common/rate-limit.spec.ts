import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryRateLimiter, RedisRateLimiter } from './rate-limit.js';

describe(MemoryRateLimiter.name, () => {
  it('allows `limit` hits per sliding window and says when the next one fits', async () => {
    let now = 1_000_000;
    const sut = new MemoryRateLimiter({ limit: 2, windowMs: 10_000 }, () => now);
    expect((await sut.hit('a')).allowed).toBe(true);
    now += 4000;
    expect((await sut.hit('a')).allowed).toBe(true);
    expect(await sut.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect((await sut.hit('b')).allowed).toBe(true);
    now += 6001;
    expect((await sut.hit('a')).allowed).toBe(true);
  });
});

describe(RedisRateLimiter.name, () => {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  afterAll(() => redis.quit());

  it('shares one window between limiters (API nodes) through Redis', async () => {
    const key = `test-${Date.now()}-${Math.random()}`;
    const nodeA = new RedisRateLimiter(redis, { limit: 3, windowMs: 60_000 });
    const nodeB = new RedisRateLimiter(redis, { limit: 3, windowMs: 60_000 });
    expect((await nodeA.hit(key)).allowed).toBe(true);
    expect((await nodeB.hit(key)).allowed).toBe(true);
    expect((await nodeA.hit(key)).allowed).toBe(true);
    const refused = await nodeB.hit(key);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
  });
});
