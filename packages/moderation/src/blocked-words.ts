import { WordMatcher, type MatchMode } from './matcher.js';
import { normalise } from './normalise.js';

/**
 * A channel's blocked words, matched after the same normalisation as the built-in list (so 'spam' also catches
 * 'S P A M' and '$pam'). Where a word matches:
 * - plain Latin (or other spaced-script) word: as a whole word ('ban' does not block 'banana');
 * - a word with Hangul, Chinese or Japanese letters: anywhere, since those scripts attach endings without spaces;
 * - `word*`: at the start of a word, any ending ('spam*' blocks 'spammer');
 * - `*word*` (or `*word`): anywhere inside words.
 */
export function parseBlockedWord(entry: string): { word: string; mode: MatchMode } {
  const trimmed = entry.trim();
  const lead = trimmed.startsWith('*');
  const trail = trimmed.endsWith('*') && trimmed.length > 1;
  const word = trimmed.replace(/^\*+|\*+$/g, '').trim();
  if (lead) return { word, mode: 'infix' };
  if (trail) return { word, mode: 'prefix' };
  const unspaced = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(word);
  return { word, mode: unspaced ? 'infix' : 'word' };
}

/** Why a blocked word cannot be used, or null when it is fine. */
export function validateBlockedWord(entry: string): string | null {
  const { word } = parseBlockedWord(entry);
  if (!normalise(word, { leet: false }).units.length) return 'has no letters or digits once normalised';
  return null;
}

/** Compiles a channel's blocked words; unusable ones are skipped and listed in `rejected`. */
export function compileBlockedWords(entries: readonly string[]): { matcher: WordMatcher; rejected: Array<{ index: number; word: string; error: string }> } {
  const matcher = new WordMatcher();
  const rejected: Array<{ index: number; word: string; error: string }> = [];
  entries.forEach((entry, index) => {
    const { word, mode } = parseBlockedWord(entry);
    if (!matcher.add(word, 'blocked-word', mode)) rejected.push({ index, word: entry, error: 'has no letters or digits once normalised' });
  });
  return { matcher, rejected };
}
