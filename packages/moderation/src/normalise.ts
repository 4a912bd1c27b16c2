import { conjoiningToCompat, decomposeSyllable, isCompatJamo, isConsonant, isHangulSyllable, splitJamo } from './hangul.js';

/**
 * The matching view of a chat message: a flat list of letter units, each remembering the span of the original
 * text it came from, so a match found here masks exactly the right characters of what the viewer typed.
 *
 * What the normaliser folds (so the word lists stay short):
 * - NFKC per character (fullwidth, mathematical, circled letters, ligatures) and lower case; Latin diacritics dropped;
 * - zero-width and format characters, combining marks: dropped, and they do not break a word;
 * - Cyrillic/Greek letters that look Latin, inside a word that reads as Latin (Latin letters present, or only look-alikes);
 * - leetspeak digits and symbols (sh1t, $hit, 5hit, @ss), only inside a word that has at least one real letter,
 *   so numbers such as 455 stay numbers (they still match listed digits literally); `*` is a wildcard for one letter (f*ck);
 * - Hangul down to compatibility jamo (see hangul.ts); a syllable that only stretches the previous one
 *   ('씨이이발', '조오온나') is folded into it.
 * Whitespace and other punctuation are separators: they split the text into chunks. The matcher may run across
 * chunks, under rules that stop ordinary neighbouring words from spelling a bad one (see matcher.ts).
 */

export type UnitKind = 'letter' | 'weak' | 'wild';

export interface Unit {
  /** Letters this unit can stand for; the first one is its canonical reading. */
  syms: readonly string[];
  /** `letter`: a real letter; `weak`: a digit or symbol read as a letter; `wild`: `*`. */
  kind: UnitKind;
  /** UTF-16 span in the original text (the whole character it came from, including marks and invisible characters after it). */
  start: number;
  end: number;
  /** Index of the character (a Hangul syllable, a Latin letter...) the unit belongs to; a match must begin and end on its boundaries. */
  glyph: number;
  /**
   * Starts a character for counting word lengths: the first unit of a glyph, except that jamo typed on their own
   * count by the syllable they spell ('ㅂㅏㄹ' is one, like '발'; 'ㅅㅂ' is two).
   */
  lead: boolean;
  chunk: number;
  hangul: boolean;
  /** A Hangul letter typed on its own (ㅅ, ㅂ), not inside a syllable. */
  standalone: boolean;
}

export interface Chunk {
  first: number;
  last: number;
}

export interface NormalisedText {
  text: string;
  units: Unit[];
  chunks: Chunk[];
}

export interface NormaliseOptions {
  /** Read digits and symbols as letters (true for messages; false for word lists, which are written plainly). */
  leet?: boolean;
}

const LEET: Record<string, readonly string[]> = {
  '0': ['o', '0'], '1': ['i', 'l', '1'], '2': ['2'], '3': ['e', '3'], '4': ['a', '4'], '5': ['s', '5'], '6': ['g', 'b', '6'],
  '7': ['t', '7'], '8': ['b', '8'], '9': ['g', '9'], '@': ['a'], $: ['s'], '!': ['i'], '|': ['l', 'i'], '+': ['t'],
};

/** Lower-case Cyrillic and Greek letters that pass for Latin ones. */
const HOMOGLYPHS = new Map<string, string>(Object.entries({
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ь: 'b',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ӏ: 'l', ԛ: 'q', ԝ: 'w', һ: 'h', ɡ: 'g', ɑ: 'a',
  ƒ: 'f', ս: 'u', օ: 'o', հ: 'h', ո: 'n',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
}));

const WILD: readonly string[] = ['*'];
const symsCache = new Map<string, readonly string[]>();
/** Shared one-letter sym arrays (units are many; their arrays need not be). */
function symsOf(ch: string): readonly string[] {
  let syms = symsCache.get(ch);
  if (!syms) {
    syms = [ch];
    if (symsCache.size < 10_000) symsCache.set(ch, syms);
  }
  return syms;
}

const INVISIBLE = /^[\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0]$/u;
const WHITESPACE = /^[\s\u2800]$/u;
const LETTER = /^\p{L}$/u;
const LATIN = /^\p{Script=Latin}$/u;
const MARKS = /\p{M}/gu;

type PieceClass = 'letter' | 'digit' | 'leet' | 'wild' | 'sep';
interface Piece {
  ch: string;
  cls: PieceClass;
}

type Glyph =
  | { type: 'space'; start: number; end: number }
  | { type: 'sep'; start: number; end: number }
  | { type: 'char'; start: number; end: number; pieces: Piece[]; token: number }
  | { type: 'hangul'; start: number; end: number; jamo: string[]; syllable: boolean; conjoining: boolean; token: number };

interface TokenInfo {
  letters: boolean;
  latin: boolean;
  hangul: boolean;
  foreign: boolean;
}

const pieceCache = new Map<number, Piece[]>();
const ASCII_PIECES: Piece[][] = Array.from({ length: 0x80 }, (_, cp) => {
  const ch = String.fromCharCode(cp);
  const cls = classifyAscii(ch);
  return cls === 'sep' ? [] : [{ ch: ch.toLowerCase(), cls }];
});

function classifyAscii(ch: string): PieceClass {
  if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) return 'letter';
  if (ch >= '0' && ch <= '9') return 'digit';
  if (ch === '*') return 'wild';
  return ch in LEET ? 'leet' : 'sep';
}

/** Pieces of one non-Hangul character after NFKC, lower case and diacritic removal. */
function piecesOf(cp: number): Piece[] {
  const cached = pieceCache.get(cp);
  if (cached) return cached;
  const folded = String.fromCodePoint(cp).normalize('NFKC').toLowerCase();
  const pieces: Piece[] = [];
  for (const raw of folded) {
    if (raw.charCodeAt(0) < 0x80) {
      pieces.push({ ch: raw.toLowerCase(), cls: classifyAscii(raw) });
      continue;
    }
    const ch = LATIN.test(raw) ? raw.normalize('NFD').replace(MARKS, '') || raw : raw;
    pieces.push({ ch, cls: LETTER.test(ch) ? 'letter' : 'sep' });
  }
  const result = pieces.some((p) => p.cls !== 'sep') ? pieces.filter((p) => p.cls !== 'sep') : [];
  if (pieceCache.size < 10_000) pieceCache.set(cp, result);
  return result;
}

function scan(text: string): { glyphs: Glyph[]; tokens: TokenInfo[] } {
  const glyphs: Glyph[] = [];
  const tokens: TokenInfo[] = [{ letters: false, latin: false, hangul: false, foreign: false }];
  let token = 0;
  const newToken = (): void => {
    if (glyphs.length && glyphs[glyphs.length - 1]?.type !== 'space') {
      token++;
      tokens.push({ letters: false, latin: false, hangul: false, foreign: false });
    }
  };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const len = cp > 0xffff ? 2 : 1;
    const end = i + len;
    const ch = text.slice(i, end);
    const info = tokens[token] as TokenInfo;
    const last = glyphs[glyphs.length - 1];
    if (cp < 0x80) {
      if (cp === 0x20 || (cp >= 0x09 && cp <= 0x0d)) {
        newToken();
        glyphs.push({ type: 'space', start: i, end });
      } else {
        const pieces = ASCII_PIECES[cp] as Piece[];
        if (!pieces.length) glyphs.push({ type: 'sep', start: i, end });
        else {
          if ((pieces[0] as Piece).cls === 'letter') info.letters = info.latin = true;
          glyphs.push({ type: 'char', start: i, end, pieces, token });
        }
      }
    } else if (isHangulSyllable(cp)) {
      const parts = decomposeSyllable(cp);
      info.letters = info.hangul = true;
      glyphs.push({ type: 'hangul', start: i, end, jamo: [parts.initial, ...parts.vowel, ...parts.final], syllable: true, conjoining: false, token });
    } else if (isCompatJamo(cp)) {
      info.letters = info.hangul = true;
      glyphs.push({ type: 'hangul', start: i, end, jamo: splitJamo(ch), syllable: false, conjoining: false, token });
    } else if ((cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xffa1 && cp <= 0xffdc)) {
      const conj = conjoiningToCompat(cp >= 0xffa1 ? (ch.normalize('NFKC').codePointAt(0) as number) : cp);
      if (!conj) {
        glyphs.push({ type: 'sep', start: i, end });
      } else {
        info.letters = info.hangul = true;
        const joins = cp < 0xffa1 && conj.role !== 'initial' && last?.type === 'hangul' && last.conjoining && last.end === i;
        if (joins) {
          last.jamo.push(...splitJamo(conj.jamo));
          last.syllable = true;
          last.end = end;
        } else {
          glyphs.push({ type: 'hangul', start: i, end, jamo: splitJamo(conj.jamo), syllable: false, conjoining: cp < 0xffa1, token });
        }
      }
    } else if (INVISIBLE.test(ch)) {
      if (cp === 0x3164 || cp === 0xffa0) {
        newToken();
        glyphs.push({ type: 'space', start: i, end });
      } else if (last && last.type !== 'space') last.end = end;
    } else if (WHITESPACE.test(ch)) {
      newToken();
      glyphs.push({ type: 'space', start: i, end });
    } else {
      const pieces = piecesOf(cp);
      if (!pieces.length) glyphs.push({ type: 'sep', start: i, end });
      else {
        for (const p of pieces) {
          if (p.cls !== 'letter') continue;
          info.letters = true;
          if (p.ch < '\u0250') info.latin = true;
          else if (!HOMOGLYPHS.has(p.ch)) info.foreign = true;
        }
        glyphs.push({ type: 'char', start: i, end, pieces, token });
      }
    }
    i = end;
  }
  return { glyphs, tokens };
}

/** Builds the matching view of `text` (see the module comment). */
export function normalise(text: string, options: NormaliseOptions = {}): NormalisedText {
  const leet = options.leet ?? true;
  const { glyphs, tokens } = scan(text);
  const units: Unit[] = [];
  let glyphId = -1;
  let chunk = 0;
  let chunkOpen = false;
  // The previous syllable, while it is the last thing emitted: a following 'ㅇ + same vowel' only stretches it.
  let prev: { glyph: number; vowel: string; final: boolean } | null = null;
  const closeChunk = (): void => {
    if (chunkOpen) chunk++;
    chunkOpen = false;
    prev = null;
  };
  // One object shape for every unit (no spreads): this loop runs per character of every chat message.
  const push = (syms: readonly string[], kind: UnitKind, g: { start: number; end: number }, glyph: number, hangul: boolean, standalone: boolean): void => {
    units.push({ syms, kind, start: g.start, end: g.end, glyph, lead: true, chunk, hangul, standalone });
    chunkOpen = true;
  };
  for (const g of glyphs) {
    if (g.type === 'space' || g.type === 'sep') {
      closeChunk();
      continue;
    }
    if (g.type === 'hangul') {
      const standalone = !g.syllable;
      const vowels = g.jamo.filter((j) => !isConsonant(j));
      const initialIsSilent = g.syllable && g.jamo[0] === 'ㅇ';
      const stretch = prev && !prev.final && initialIsSilent && vowels.length === 1 && vowels[0] === prev.vowel;
      if (stretch && prev) {
        const finals = g.jamo.slice(2);
        for (const j of finals) push(symsOf(j), 'letter', g, prev.glyph, true, false);
        if (finals.length) prev.final = true;
        continue;
      }
      glyphId++;
      for (const j of g.jamo) push(symsOf(j), 'letter', g, glyphId, true, standalone);
      const lastVowel = vowels[vowels.length - 1];
      prev = g.syllable && lastVowel ? { glyph: glyphId, vowel: lastVowel, final: g.jamo.length > 1 + vowels.length } : null;
      continue;
    }
    const info = tokens[g.token] as TokenInfo;
    const readsLatin = info.latin || !info.foreign;
    // Digits always count (as themselves, so a listed '1588' or '씨8' can match); symbols only as leetspeak inside words.
    const asLetters = leet && info.letters;
    if (!g.pieces.some((p) => p.cls === 'letter' || p.cls === 'digit' || asLetters)) {
      closeChunk();
      continue;
    }
    glyphId++;
    prev = null;
    for (const p of g.pieces) {
      if (p.cls === 'letter') {
        const ch = readsLatin ? (HOMOGLYPHS.get(p.ch) ?? p.ch) : p.ch;
        push(info.hangul && leet && (ch === 'l' || ch === 'i') ? [ch, 'ㅣ'] : symsOf(ch), 'letter', g, glyphId, false, false);
      } else if (!asLetters) {
        if (p.cls === 'digit') push(symsOf(p.ch), leet ? 'weak' : 'letter', g, glyphId, false, false);
      } else if (p.cls === 'wild') {
        push(WILD, 'wild', g, glyphId, false, false);
      } else {
        const syms = LEET[p.ch] ?? symsOf(p.ch);
        push(info.hangul && (p.ch === '1' || p.ch === '|') ? [...syms, 'ㅣ'] : syms, 'weak', g, glyphId, false, false);
      }
    }
  }
  markLeads(units);
  return { text, units, chunks: chunksOf(units) };
}

function markLeads(units: Unit[]): void {
  const jamo = (u: Unit | undefined, chunk: number, vowel: boolean): boolean =>
    !!u && u.standalone && u.chunk === chunk && isConsonant(u.syms[0] as string) !== vowel;
  units.forEach((u, k) => {
    const prev = units[k - 1];
    if (!u.standalone) u.lead = prev?.glyph !== u.glyph;
    else if (isConsonant(u.syms[0] as string)) u.lead = !(jamo(prev, u.chunk, true) && !jamo(units[k + 1], u.chunk, true));
    else u.lead = !(jamo(prev, u.chunk, true) || jamo(prev, u.chunk, false));
  });
}

function chunksOf(units: Unit[]): Chunk[] {
  const chunks: Chunk[] = [];
  units.forEach((u, i) => {
    const c = chunks[u.chunk];
    if (!c) chunks[u.chunk] = { first: i, last: i };
    else c.last = i;
  });
  return chunks;
}

/** The letters and digits of a normalised text, for comparing messages (duplicates) regardless of case, spacing, symbols or disguise. */
export function skeletonOf(n: NormalisedText): string {
  let out = '';
  for (const u of n.units) {
    if (u.kind === 'letter') out += u.syms[0];
    else if (u.kind === 'weak') {
      const digit = u.syms.find((sym) => sym >= '0' && sym <= '9');
      if (digit) out += digit;
    }
  }
  return out;
}
