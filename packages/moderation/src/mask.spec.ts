import { describe, expect, it } from 'vitest';
import { maskSpans, mergeSpans } from './mask.js';

describe(maskSpans.name, () => {
  it('replaces each character of the span with one star and keeps the rest', () => {
    expect(maskSpans('oh fuck no', [{ start: 3, end: 7 }])).toBe('oh **** no');
  });

  it('counts a Hangul syllable once, composed or decomposed', () => {
    const nfd = '씨발'.normalize('NFD');
    expect(nfd).toHaveLength(5);
    expect(maskSpans(`${nfd}아`, [{ start: 0, end: nfd.length }])).toBe('**아');
    expect(maskSpans('씨발아', [{ start: 0, end: 2 }])).toBe('**아');
  });

  it('counts an emoji sequence and a letter with combining marks once, and keeps whitespace', () => {
    const family = 'a 👩‍👩‍👧 b';
    expect(maskSpans(family, [{ start: 0, end: family.length }])).toBe('* * *');
    expect(maskSpans('e\u0301x', [{ start: 0, end: 3 }])).toBe('**');
    expect(maskSpans('씨 발', [{ start: 0, end: 3 }])).toBe('* *');
  });

  it('merges overlapping spans and leaves the text alone without spans', () => {
    expect(maskSpans('abcdef', [{ start: 1, end: 3 }, { start: 2, end: 5 }])).toBe('a****f');
    expect(maskSpans('abc', [])).toBe('abc');
  });
});

describe(mergeSpans.name, () => {
  it('sorts and merges touching spans', () => {
    expect(mergeSpans([{ start: 5, end: 6 }, { start: 0, end: 2 }, { start: 2, end: 3 }])).toEqual([{ start: 0, end: 3 }, { start: 5, end: 6 }]);
  });
});
