import { describe, expect, it } from 'vitest';
import { fingerprint, isRepetitive } from './flood.js';
import { normalise, skeletonOf } from './normalise.js';

const print = (text: string): string => fingerprint(skeletonOf(normalise(text)), text);

describe(isRepetitive.name, () => {
  it.each(['ㅋ'.repeat(40), '😂'.repeat(30), 'spam '.repeat(10), 'a'.repeat(60), 'ㅋㅎ'.repeat(20)])('flags %s', (text) => {
    expect(isRepetitive(text)).toBe(true);
  });

  it.each(['ㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋ', '😂😂😂', '오늘 방송 진짜 재밌었어요 다음에 또 올게요 ㅋㅋㅋㅋ', 'The quick brown fox jumps over the lazy dog'])('leaves %s alone', (text) => {
    expect(isRepetitive(text)).toBe(false);
  });
});

describe(fingerprint.name, () => {
  it('is equal for messages that differ only in case, spacing, symbols or disguise', () => {
    expect(print('Hello!!')).toBe(print('hello'));
    expect(print('h e l l o')).toBe(print('HELLO'));
    expect(print('ｈｅｌｌｏ')).toBe(print('hello'));
    expect(print('안녕하세요')).toBe(print('안녕 하세요!'));
  });

  it('differs for different messages, digits included, and works without letters', () => {
    expect(print('hello')).not.toBe(print('hallo'));
    expect(print('room 1')).not.toBe(print('room 2'));
    expect(print('👍')).toBe(print(' 👍 '));
    expect(print('👍')).not.toBe(print('👎'));
  });
});
