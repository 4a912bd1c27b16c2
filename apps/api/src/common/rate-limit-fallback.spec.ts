import { describe, expect, it } from 'vitest';
import { FallbackRateLimiter } from './rate-limit-fallback.js';

describe(FallbackRateLimiter.name, () => {
  it('limits per node while the shared store is unreachable, and goes back to it when it answers', async () => {
    let down = false;
    const sharedHits: string[] = [];
    const shared = {
      hit: async (key: string) => {
        if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
        sharedHits.push(key);
        return { allowed: true, retryAfterSeconds: 0 };
      },
    };
    const sut = new FallbackRateLimiter(shared, { limit: 2, windowMs: 60_000 });
    expect(await sut.hit('a')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    down = true;
    expect((await sut.hit('a')).allowed).toBe(true);
    expect((await sut.hit('a')).allowed).toBe(true);
    // Still limited while degraded: the node's own window holds.
    expect(await sut.hit('a')).toMatchObject({ allowed: false });
    down = false;
    expect((await sut.hit('a')).allowed).toBe(true);
    expect(sharedHits).toEqual(['a', 'a']);
  });

  it('does not hide other failures', async () => {
    const sut = new FallbackRateLimiter({ hit: async () => Promise.reject(new Error('ERR unknown command')) }, { limit: 1, windowMs: 1000 });
    await expect(sut.hit('a')).rejects.toThrow('unknown command');
  });
});
