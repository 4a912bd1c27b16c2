import { describe, expect, it } from 'vitest';
import { normalise, skeletonOf } from './normalise.js';

const letters = (text: string): string => normalise(text).units.map((u) => u.syms[0]).join('');

describe(normalise.name, () => {
  it('folds case, fullwidth, mathematical and circled letters, and diacritics', () => {
    expect(letters('FuCk')).toBe('fuck');
    expect(letters('ｆｕｃｋ')).toBe('fuck');
    expect(letters('𝐟𝐮𝐜𝐤')).toBe('fuck');
    expect(letters('ⓕⓤⓒⓚ')).toBe('fuck');
    expect(letters('fúçk')).toBe('fuck');
  });

  it('drops zero-width characters and soft hyphens without splitting the word, and keeps them inside the span', () => {
    const sut = normalise('f\u200Bu\u00ADck');
    expect(sut.units.map((u) => u.syms[0]).join('')).toBe('fuck');
    expect(sut.chunks).toHaveLength(1);
    expect(sut.units[0]).toMatchObject({ start: 0, end: 2 });
  });

  it('reads Cyrillic and Greek look-alikes as Latin inside Latin-looking words only', () => {
    expect(letters('fuсk')).toBe('fuck'); // Cyrillic с
    expect(letters('ѕһіt')).toBe('shit'); // all look-alikes
    expect(letters('привет')).toBe('привет'); // plain Russian stays Russian
  });

  it('reads leetspeak only in words that have a real letter', () => {
    expect(normalise('sh1t').units.map((u) => u.syms)).toEqual([['s'], ['h'], ['i', 'l', '1'], ['t']]);
    expect(normalise('$hit').units[0]).toMatchObject({ syms: ['s'], kind: 'weak' });
    expect(normalise('455').units.map((u) => u.syms)).toEqual([['4'], ['5'], ['5']]);
    expect(normalise('$$$').units).toEqual([]);
    expect(normalise('f*ck').units[1]).toMatchObject({ kind: 'wild' });
  });

  it('maps units back to the original UTF-16 spans, astral characters included', () => {
    const sut = normalise('a 𝐟!');
    expect(sut.units.map((u) => [u.syms[0], u.start, u.end])).toEqual([
      ['a', 0, 1],
      ['f', 2, 4],
      ['i', 4, 5],
    ]);
  });

  it('brings composed syllables, typed jamo and NFD jamo to the same letters', () => {
    const composed = letters('씨발');
    expect(composed).toBe('ㅆㅣㅂㅏㄹ');
    expect(letters('ㅆㅣㅂㅏㄹ')).toBe(composed);
    expect(letters('씨발'.normalize('NFD'))).toBe(composed);
    expect(letters('ㅄ')).toBe('ㅂㅅ');
    expect(letters('쒸')).toBe('ㅆㅜㅣ');
  });

  it('marks jamo typed alone, and counts them by the syllables they spell', () => {
    const typed = normalise('ㅂㅏㄹ ㅅㅂ');
    expect(typed.units.every((u) => u.standalone)).toBe(true);
    expect(typed.units.filter((u) => u.lead).map((u) => u.syms[0])).toEqual(['ㅂ', 'ㅅ', 'ㅂ']);
    expect(normalise('발').units.some((u) => u.standalone)).toBe(false);
  });

  it('folds syllables that only stretch the previous one', () => {
    expect(letters('씨이이발')).toBe(letters('씨발'));
    expect(letters('조오온나')).toBe(letters('존나'));
    expect(letters('아이')).toBe('ㅇㅏㅇㅣ'); // a different vowel is a different syllable
  });

  it('splits chunks at whitespace and punctuation', () => {
    expect(normalise('f.u c-k').chunks).toHaveLength(4);
    expect(normalise('hello,world').chunks).toHaveLength(2);
  });
});

describe(skeletonOf.name, () => {
  it('ignores case, spacing and symbols but keeps digits', () => {
    expect(skeletonOf(normalise('Hello!!'))).toBe(skeletonOf(normalise('hello')));
    expect(skeletonOf(normalise('h e l l o'))).toBe('hello');
    expect(skeletonOf(normalise('room 1'))).not.toBe(skeletonOf(normalise('room 2')));
  });
});
