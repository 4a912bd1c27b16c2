import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiOptions } from '../common/tokens.js';
import { MediaAccessService } from './media-access.service.js';
import type { PlaybackRepository } from './playback.repository.js';

const SESSION = '0192f0c4-1111-7222-8333-444455556666';
const key = `live/${SESSION}/360p/index.m3u8`;

/** The repository as the database answers it: a visibility, an error (down) or never (partitioned). */
function repoAnswering(answer: () => Promise<string | null>) {
  const calls = { n: 0 };
  const repo = { sessionVisibility: () => (calls.n++, answer()), vodVisibility: () => (calls.n++, answer()) } as unknown as PlaybackRepository;
  return { repo, calls };
}

const down = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

describe(MediaAccessService.name, () => {
  afterEach(() => vi.useRealTimers());

  it('asks the database once per few seconds per session', async () => {
    const { repo, calls } = repoAnswering(() => Promise.resolve('public'));
    const sut = new MediaAccessService(repo, { secret: 's'.repeat(32) } as ApiOptions);
    expect(await sut.unsignedAllowed(key)).toBe(true);
    expect(await sut.unsignedAllowed(key.replace('index.m3u8', 'seg_00001.ts'))).toBe(true);
    expect(calls.n).toBe(1);
  });

  it('keeps the last answer while the database is down or does not answer, and takes the new one when it is back', async () => {
    let answer: () => Promise<string | null> = () => Promise.resolve('public');
    const { repo, calls } = repoAnswering(() => answer());
    const sut = new MediaAccessService(repo, { secret: 's'.repeat(32) } as ApiOptions);
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await sut.unsignedAllowed(key)).toBe(true);
    // Down (connections refused): the running broadcast stays playable.
    answer = down;
    vi.setSystemTime(Date.now() + 6000);
    expect(await sut.unsignedAllowed(key)).toBe(true);
    // Partitioned (the query hangs): answered from the cache after a short wait, not after the driver's timeout.
    answer = () => new Promise(() => undefined);
    vi.setSystemTime(Date.now() + 6000);
    const t = performance.now();
    expect(await sut.unsignedAllowed(key)).toBe(true);
    expect(performance.now() - t).toBeLessThan(3000);
    // Back: the channel went private meanwhile (it could only once the database took writes again); the
    // lookup the partition holds is not waited for forever.
    answer = () => Promise.resolve('private');
    vi.setSystemTime(Date.now() + 11_000);
    expect(await sut.unsignedAllowed(key)).toBe(false);
    expect(calls.n).toBe(4);
  });

  it('leaves no deadline timer behind when the database answers in time', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    let answer: () => Promise<string | null> = () => Promise.resolve('public');
    const { repo, calls } = repoAnswering(() => answer());
    const sut = new MediaAccessService(repo, { secret: 's'.repeat(32) } as ApiOptions);
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await sut.unsignedAllowed(key)).toBe(true);
    const before = timers();
    // A refresh (the entry is stale) races the lookup against the 1 s deadline: the lookup wins, its timer goes.
    answer = () => Promise.resolve('private');
    vi.setSystemTime(Date.now() + 6000);
    expect(await sut.unsignedAllowed(key)).toBe(false);
    expect(calls.n).toBe(2);
    // A failed lookup (down) clears it too, and the last answer stands.
    answer = down;
    vi.setSystemTime(Date.now() + 6000);
    expect(await sut.unsignedAllowed(key)).toBe(false);
    expect(timers()).toBe(before);
  });

  it('gives up on a lookup that hangs at the 1 s deadline, not before', async () => {
    let answer: () => Promise<string | null> = () => Promise.resolve('public');
    const { repo } = repoAnswering(() => answer());
    const sut = new MediaAccessService(repo, { secret: 's'.repeat(32) } as ApiOptions);
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    expect(await sut.unsignedAllowed(key)).toBe(true);
    answer = () => new Promise(() => undefined);
    vi.setSystemTime(Date.now() + 6000);
    let settled = false;
    const waiting = sut.unsignedAllowed(key).then((allowed) => ((settled = true), allowed));
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses what it never looked up while the database is down (the media route answers 503)', async () => {
    const { repo } = repoAnswering(down);
    const sut = new MediaAccessService(repo, { secret: 's'.repeat(32) } as ApiOptions);
    await expect(sut.unsignedAllowed(key)).rejects.toThrow(/ECONNREFUSED/);
  });
});
