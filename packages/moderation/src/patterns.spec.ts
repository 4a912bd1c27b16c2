import { describe, expect, it } from 'vitest';
import { PatternRunner } from './pattern-worker.js';
import { BlockedPatterns, validateBlockedPattern } from './patterns.js';

describe(validateBlockedPattern.name, () => {
  it.each(['buy\\s+followers', 'free\\s*v[i1]agra', '\\d{3}-\\d{4}-\\d{4}', '(https?://)?spam', '\\p{Script=Han}{5,}', '(ab)+c', '(?<word>cheap)'])('accepts %s', (source) => {
    expect(validateBlockedPattern(source)).toBeNull();
  });

  it.each([
    ['[', /invalid regular expression/],
    ['(', /invalid regular expression/],
    ['a{2,1}', /invalid regular expression/],
    ['(a+)+b', /nested quantifiers/],
    ['(a*)*', /nested quantifiers/],
    ['((ab?)c)+', /nested quantifiers/],
    ['(\\w+\\s?)+$', /nested quantifiers/],
    ['(x)\\1', /backreferences/],
    // Finding 7: exponential or unbounded constructs are refused when saved.
    ['(a|aa)+b', /repeated alternation/],
    ['((a|aa))+b', /repeated alternation/],
    ['(?:x|xx){2,}y', /repeated alternation/],
    ['(?=a)b', /lookahead and lookbehind/],
    ['a(?!b)', /lookahead and lookbehind/],
    ['(?<=a)b', /lookahead and lookbehind/],
    ['(?<!a)b', /lookahead and lookbehind/],
    ['(?<n>x)\\k<n>', /backreferences/],
    ['a*', /empty message/],
    ['|', /empty message/],
  ])('refuses %s', (source, message) => {
    expect(validateBlockedPattern(source)).toMatch(message);
  });
});

describe(BlockedPatterns.name, () => {
  it('matches case-insensitively and reports the patterns it refused', async () => {
    const sut = new BlockedPatterns(['buy\\s+followers', '(a+)+', '[']);
    expect(sut.size).toBe(1);
    expect(sut.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(await sut.test(['BUY   Followers now'])).toBe('match');
    expect(await sut.test(['hello'])).toBe('none');
  });

  it('runs patterns with several unbounded quantifiers on the worker, with the same answers', async () => {
    const sut = new BlockedPatterns(['cheap.*pills.*now', '(ha|he)!']);
    expect(await sut.test(['Cheap blue pills, order now'])).toBe('match');
    expect(await sut.test(['ha!'])).toBe('match');
    expect(await sut.test(['pills are cheap'])).toBe('none');
  });

  it('caps the input it scans', async () => {
    const sut = new BlockedPatterns(['needle']);
    expect(await sut.test(['x'.repeat(2000) + 'needle'])).toBe('none');
  });
});

describe(`${PatternRunner.name} (finding 7)`, () => {
  // Accepted by validation (polynomial, not exponential) but O(n^5) on a long run of a's.
  const hostile = 'a*a*a*a*a*b';

  it('stops a pattern past its budget without blocking the event loop, then answers the next message', async () => {
    const runner = new PatternRunner({ budgetMs: 50, maxQueue: 8 });
    const sut = new BlockedPatterns([hostile], 50, runner);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    try {
      const verdicts = await Promise.all([1, 2, 3].map(() => sut.test(['a'.repeat(1000) + 'c'])));
      expect(verdicts).toEqual(['timeout', 'timeout', 'timeout']);
      // Three budgets of 50 ms went by on the worker while the event loop kept ticking (a blocked loop ticks ~once).
      expect(ticks).toBeGreaterThan(5);
      expect(runner.timeouts).toBe(3);
      // A fresh worker answers ordinary messages after the old one was terminated.
      expect(await new BlockedPatterns([hostile], 2000, runner).test(['aaab'])).toBe('match');
    } finally {
      clearInterval(ticker);
      await runner.close();
    }
  });

  it('answers timeout at once when too many messages wait (held, not queued without bound)', async () => {
    const runner = new PatternRunner({ budgetMs: 100, maxQueue: 2 });
    const sut = new BlockedPatterns([hostile], 100, runner);
    try {
      const started = Date.now();
      const pending = [1, 2, 3, 4, 5].map(() => sut.test(['a'.repeat(1000)]));
      // The 4th and 5th exceed the queue (one running, two waiting) and settle without waiting for the worker.
      expect(await Promise.race([pending[4]!, new Promise((r) => setTimeout(() => r('late'), 50))])).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(100);
      expect(await Promise.all(pending)).toEqual(['timeout', 'timeout', 'timeout', 'timeout', 'timeout']);
    } finally {
      await runner.close();
    }
  });
});
