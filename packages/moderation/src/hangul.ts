/**
 * Hangul at the level of its letters (jamo). Matching works on compatibility jamo (the ones a keyboard types
 * one by one: ㅅ, ㅂ, ㅏ...), so '씨발' (two syllables), 'ㅆㅣㅂㅏㄹ' (five typed jamo) and the same word in
 * NFD conjoining jamo all become the same letter sequence. Compound letters are split (ㅄ -> ㅂㅅ, ㅟ -> ㅜㅣ)
 * so typing them as two keys or one gives the same sequence too.
 */

const SYLLABLE_FIRST = 0xac00;
const SYLLABLE_LAST = 0xd7a3;

const INITIALS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const VOWELS = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ';
/** Index 0 = no final consonant. */
const FINALS = ['', ...'ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ'];

const SPLIT: Record<string, string> = {
  ㄳ: 'ㄱㅅ', ㄵ: 'ㄴㅈ', ㄶ: 'ㄴㅎ', ㄺ: 'ㄹㄱ', ㄻ: 'ㄹㅁ', ㄼ: 'ㄹㅂ', ㄽ: 'ㄹㅅ', ㄾ: 'ㄹㅌ', ㄿ: 'ㄹㅍ', ㅀ: 'ㄹㅎ', ㅄ: 'ㅂㅅ',
  ㅘ: 'ㅗㅏ', ㅙ: 'ㅗㅐ', ㅚ: 'ㅗㅣ', ㅝ: 'ㅜㅓ', ㅞ: 'ㅜㅔ', ㅟ: 'ㅜㅣ', ㅢ: 'ㅡㅣ',
};

const CONSONANTS = new Set('ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ');
const VOWEL_SET = new Set(VOWELS);

/** Splits a compatibility jamo into its simple letters ('ㅄ' -> ['ㅂ', 'ㅅ']). */
export function splitJamo(jamo: string): string[] {
  const split = SPLIT[jamo];
  return split ? [...split] : [jamo];
}

export function isHangulSyllable(cp: number): boolean {
  return cp >= SYLLABLE_FIRST && cp <= SYLLABLE_LAST;
}

/** Compatibility jamo block (what a keyboard types alone). Archaic letters after ㅣ are left as they are. */
export function isCompatJamo(cp: number): boolean {
  return cp >= 0x3131 && cp <= 0x3163;
}

export function isConsonant(jamo: string): boolean {
  return CONSONANTS.has(jamo);
}

export function isVowel(jamo: string): boolean {
  return VOWEL_SET.has(jamo);
}

/** A precomposed syllable as [initial, vowel letters..., final letters...] in compatibility jamo, compounds split. */
export interface SyllableParts {
  initial: string;
  vowel: string[];
  final: string[];
}

export function decomposeSyllable(cp: number): SyllableParts {
  const index = cp - SYLLABLE_FIRST;
  const initial = INITIALS[Math.floor(index / 588)] as string;
  const vowel = VOWELS[Math.floor((index % 588) / 28)] as string;
  const final = FINALS[index % 28] as string;
  return { initial, vowel: splitJamo(vowel), final: final ? splitJamo(final) : [] };
}

/** Conjoining jamo (U+1100 block, used by NFD text and what NFKC makes of halfwidth jamo) -> compatibility jamo. */
export function conjoiningToCompat(cp: number): { jamo: string; role: 'initial' | 'vowel' | 'final' } | null {
  if (cp >= 0x1100 && cp <= 0x1112) return { jamo: INITIALS[cp - 0x1100] as string, role: 'initial' };
  if (cp >= 0x1161 && cp <= 0x1175) return { jamo: VOWELS[cp - 0x1161] as string, role: 'vowel' };
  if (cp >= 0x11a8 && cp <= 0x11c2) return { jamo: FINALS[cp - 0x11a8 + 1] as string, role: 'final' };
  return null;
}
