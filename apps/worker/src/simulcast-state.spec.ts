import { describe, expect, it } from 'vitest';
import { backoffMs } from './retry.js';
import { PushState } from './simulcast-state.js';

describe(PushState.name, () => {
  it('retries with exponential backoff up to the cap, then fails with the reason', () => {
    const sut = new PushState({ baseMs: 1000, capMs: 8000, maxAttempts: 6 });
    expect(sut.connect()).toEqual({ state: 'connecting', reason: null });
    const delays = [1, 2, 3, 4, 5].map(() => sut.ended('the destination refused the connection').delayMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(sut.state).toBe('retrying');
    expect(sut.ended('the destination refused the connection')).toEqual({ state: 'failed', reason: 'the destination refused the connection (gave up after 6 attempts)' });
  });

  it('starts over at the shortest delay once frames flowed again', () => {
    const sut = new PushState({ baseMs: 500, capMs: 30_000 });
    sut.connect();
    sut.ended('x');
    sut.ended('x');
    expect(sut.ended('x').delayMs).toBe(2000);
    expect(sut.flowing()).toEqual({ state: 'live', reason: null });
    expect(sut.ended('the destination closed the connection')).toEqual({ state: 'retrying', reason: 'the destination closed the connection', delayMs: 500 });
  });

  it('fails at once when retrying cannot help, and does not count attempts while the source is away', () => {
    const away = new PushState({ maxAttempts: 2 });
    for (let i = 0; i < 5; i++) expect(away.ended('the source is not on the ingest', { sourceAway: true }).state).toBe('retrying');
    expect(away.attempts).toBe(0);
    expect(new PushState().ended('refused: the host resolves to a private address', { permanent: true })).toEqual({ state: 'failed', reason: 'refused: the host resolves to a private address' });
  });

  it('is idle when stopped', () => {
    const sut = new PushState();
    sut.flowing();
    expect(sut.stopped()).toEqual({ state: 'idle', reason: null });
  });
});

describe('backoffMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, 1000, 30_000))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });
});
