import type { ChatLanguage } from '@onda/contracts';

// Hangul syllables, jamo and compatibility jamo (ㅋㅋ is Korean chat too).
const HANGUL = /[\uAC00-\uD7A3\u1100-\u11FF\u3130-\u318F]/gu;
const LATIN = /[A-Za-z\u00C0-\u024F]/gu;

/**
 * The language of a chat message, cheaply, by script: Korean when Hangul outweighs Latin letters (a Hangul syllable
 * counts twice: it holds what two or three Latin letters do, so "오늘 stream 최고" is Korean), English otherwise (a
 * Latin-script message is assumed to be English: only Korean and English are translated), and nothing to translate
 * without letters (emoji, digits, punctuation). No model, no dictionary: two regex counts per message.
 */
export function detectLanguage(text: string): ChatLanguage | null {
  const hangul = text.match(HANGUL)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  if (hangul === 0 && latin === 0) return null;
  return hangul * 2 >= latin ? 'ko' : 'en';
}
