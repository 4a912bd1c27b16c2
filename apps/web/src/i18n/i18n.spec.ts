import { describe, expect, it } from 'vitest';
import en from './en.json';
import ko from './ko.json';
import { detectLanguage } from './i18n';

function keys(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, child]) =>
    typeof child === 'object' && child !== null
      ? keys(child as object, `${prefix}${key}.`)
      : // Plural forms differ by language (Korean has only "other"), so compare the base key.
        [`${prefix}${key.replace(/_(zero|one|two|few|many|other)$/, '')}`],
  );
}

describe(detectLanguage.name, () => {
  it('prefers the stored choice over the browser languages', () => {
    expect(detectLanguage('en', ['ko-KR', 'ko'])).toBe('en');
  });

  it('gives Korean browsers Korean and others English', () => {
    expect(detectLanguage(null, ['ko-KR'])).toBe('ko');
    expect(detectLanguage(null, ['de-DE', 'ko'])).toBe('ko');
    expect(detectLanguage(null, ['fr-FR'])).toBe('en');
    expect(detectLanguage('xx', [])).toBe('en');
  });
});

describe('translations', () => {
  it('have the same keys in Korean and English', () => {
    expect([...new Set(keys(ko))].sort()).toEqual([...new Set(keys(en))].sort());
  });
});
