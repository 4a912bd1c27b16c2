import { describe, expect, it } from 'vitest';
import { InMemoryRecentMessages } from './recent.js';

describe(InMemoryRecentMessages.name, () => {
  it('returns the earlier messages of the same author within the window, oldest first', () => {
    const sut = new InMemoryRecentMessages();
    expect(sut.remember('a', { fingerprint: 'x', at: 1000 }, 5000)).toEqual([]);
    expect(sut.remember('b', { fingerprint: 'x', at: 1500 }, 5000)).toEqual([]);
    sut.remember('a', { fingerprint: 'y', at: 2000 }, 5000);
    expect(sut.remember('a', { fingerprint: 'z', at: 6500 }, 5000)).toEqual([{ fingerprint: 'y', at: 2000 }]);
  });

  it('keeps at most maxPerAuthor messages per author', () => {
    const sut = new InMemoryRecentMessages({ maxPerAuthor: 3 });
    for (let i = 0; i < 10; i++) sut.remember('a', { fingerprint: String(i), at: i }, 1000);
    expect(sut.remember('a', { fingerprint: 'last', at: 10 }, 1000).map((m) => m.fingerprint)).toEqual(['7', '8', '9']);
  });

  it('forgets the least recently active author beyond maxAuthors', () => {
    const sut = new InMemoryRecentMessages({ maxAuthors: 2 });
    sut.remember('a', { fingerprint: 'x', at: 1 }, 1000);
    sut.remember('b', { fingerprint: 'x', at: 2 }, 1000);
    sut.remember('a', { fingerprint: 'y', at: 3 }, 1000);
    sut.remember('c', { fingerprint: 'x', at: 4 }, 1000);
    expect(sut.size).toBe(2);
    expect(sut.remember('b', { fingerprint: 'x', at: 5 }, 1000)).toEqual([]);
    expect(sut.remember('c', { fingerprint: 'y', at: 6 }, 1000)).toHaveLength(1);
  });
});
