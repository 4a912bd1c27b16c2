import { describe, expect, it } from 'vitest';
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
    ['(?<n>x)\\k<n>', /backreferences/],
    ['a*', /empty message/],
    ['|', /empty message/],
  ])('refuses %s', (source, message) => {
    expect(validateBlockedPattern(source)).toMatch(message);
  });
});

describe(BlockedPatterns.name, () => {
  it('matches case-insensitively and reports the patterns it refused', () => {
    const sut = new BlockedPatterns(['buy\\s+followers', '(a+)+', '[']);
    expect(sut.size).toBe(1);
    expect(sut.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(sut.test(['BUY   Followers now'])).toBe('match');
    expect(sut.test(['hello'])).toBe('none');
  });

  it('runs patterns with several unbounded quantifiers in the sandbox, with the same answers', () => {
    const sut = new BlockedPatterns(['cheap.*pills.*now', '(ha|he)+!']);
    expect(sut.test(['Cheap blue pills, order now'])).toBe('match');
    expect(sut.test(['hehaha!'])).toBe('match');
    expect(sut.test(['pills are cheap'])).toBe('none');
  });

  it('stops a pattern that backtracks for too long and says so', () => {
    // Not refused by validation (no nested quantifier), but exponential: every split of the a's into a|aa is tried.
    const sut = new BlockedPatterns(['(a|aa)+b'], 20);
    expect(sut.test(['a'.repeat(64) + 'c'])).toBe('timeout');
    // The same pattern answers ordinary input (with a limit generous enough for a loaded machine).
    expect(new BlockedPatterns(['(a|aa)+b'], 5000).test(['aab'])).toBe('match');
  });

  it('caps the input it scans', () => {
    const sut = new BlockedPatterns(['needle']);
    expect(sut.test(['x'.repeat(2000) + 'needle'])).toBe('none');
  });
});
