import { describe, expect, it } from 'vitest';
import { validateModerationSettings } from './settings.js';

describe(validateModerationSettings.name, () => {
  it('accepts usable words and patterns', () => {
    expect(validateModerationSettings({ blockedWords: ['spoiler', '스포*', '*spam*'], blockedPatterns: ['buy\\s+followers'] })).toEqual([]);
    expect(validateModerationSettings({})).toEqual([]);
  });

  it('addresses each unusable entry by field and index, with a reason', () => {
    const sut = validateModerationSettings({ blockedWords: ['ok', '***', '?!'], blockedPatterns: ['fine', '(a+)+', '(', 'x*'] });
    expect(sut.map((i) => i.path)).toEqual([
      ['blockedWords', 1],
      ['blockedWords', 2],
      ['blockedPatterns', 1],
      ['blockedPatterns', 2],
      ['blockedPatterns', 3],
    ]);
    expect(sut[2]?.message).toMatch(/nested quantifiers/);
    expect(sut[3]?.message).toMatch(/invalid regular expression/);
    expect(sut[4]?.message).toMatch(/every message/);
  });
});
