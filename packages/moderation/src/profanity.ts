import { ALLOW, ENGLISH, KOREAN } from './lexicon.js';
import { WordMatcher, type WordMatch } from './matcher.js';
import { normalise, type NormalisedText } from './normalise.js';

let builtIn: { words: WordMatcher; allow: WordMatcher } | null = null;

function lists(): { words: WordMatcher; allow: WordMatcher } {
  if (!builtIn) {
    const words = new WordMatcher();
    for (const [w, mode] of KOREAN) words.add(w, 'profanity:ko', mode);
    for (const [w, mode] of ENGLISH) words.add(w, 'profanity:en', mode);
    const allow = new WordMatcher();
    for (const w of ALLOW) allow.add(w, 'allow', 'infix');
    builtIn = { words, allow };
  }
  return builtIn;
}

/** Removes matches that lie wholly inside an allowed word ('시발' in '시발점'). */
export function withoutAllowed(matches: WordMatch[], allowed: WordMatch[]): WordMatch[] {
  if (!allowed.length) return matches;
  return matches.filter((m) => !allowed.some((a) => a.start <= m.start && m.end <= a.end));
}

/** Built-in Korean and English profanity/hate terms in `text` (hit names `profanity:ko`, `profanity:en`), with their spans in the original. */
export function findProfanity(text: string | NormalisedText): WordMatch[] {
  const n = typeof text === 'string' ? normalise(text) : text;
  const { words, allow } = lists();
  const found = words.find(n);
  return found.length ? withoutAllowed(found, allow.find(n)) : found;
}
