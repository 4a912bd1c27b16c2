import { normalise, type NormalisedText, type Unit } from './normalise.js';

/**
 * Where a listed word may match inside the text:
 * - `word`: the whole word only ('ass' in "kiss my ass", not in "class" or "assistant");
 * - `prefix`: at the start of a word, any ending ('cunt' in "cunts", not in "Scunthorpe");
 * - `infix`: anywhere ('fuck' in "motherfucker"; Korean words, which take particles and compounds).
 */
export type MatchMode = 'word' | 'prefix' | 'infix';

export interface Term {
  word: string;
  /** Hit name reported for a match (`profanity:ko`, `blocked-word`...). */
  hit: string;
  mode: MatchMode;
  hangul: boolean;
  /** Made only of Hangul consonants (ㅅㅂ): matches only letters typed on their own, never the inside of syllables. */
  jamoOnly: boolean;
  /** Several words (a phrase): its own spaces, so the rule for words spelled across spaces does not apply. */
  phrase: boolean;
}

export interface WordMatch {
  term: Term;
  /** First and last unit of the match in the normalised text. */
  first: number;
  last: number;
  /** UTF-16 span in the original text. */
  start: number;
  end: number;
}

interface Node {
  next: Map<string, Node>;
  /** Hangul: a syllable of the word abbreviated to its initial consonant (ㅆ발, 개ㅅㄲ) jumps over the syllable. */
  abbr?: Map<string, Node[]>;
  terms?: Term[];
}

/**
 * Endings that may follow a Korean word spelled across spaces or matched as a whole word ('개 새끼야', '병신아').
 * Deliberately short: '씨 발라' (peel the seeds) must not read as '씨발'.
 */
const KO_PARTICLES = new Set([
  '아', '야', '이', '가', '은', '는', '을', '를', '들', '도', '만', '놈', '년', '들아', '이야', '이냐', '이네', '임', '새끼', '같은', '같이',
]);

/** Most characters a chunk may contribute to a word spelled across spaces or punctuation ('f u c k', 'fu ck', '씨 발', '개 새끼'). */
const SPREAD_CHUNK_MAX = 2;
/** Search steps per starting letter: bounds the work on hostile input (long runs of `*` or repeated letters). */
const STEP_BUDGET = 400;

const newNode = (): Node => ({ next: new Map() });

/** A trie of words over normalised letters, matched with the evasion rules of normalise.ts and the span rules above. */
export class WordMatcher {
  private readonly root = newNode();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a word; false when nothing is left of it after normalisation (only punctuation, say). */
  add(word: string, hit: string, mode: MatchMode): boolean {
    const n = normalise(word, { leet: false });
    if (!n.units.length) return false;
    const hangul = n.units.some((u) => u.hangul);
    const term: Term = {
      word,
      hit,
      mode,
      hangul,
      jamoOnly: n.units.every((u) => u.standalone),
      phrase: n.chunks.length > 1,
    };
    const groups = groupByGlyph(n.units);
    const syllables = groups.filter((g) => g[0]?.hangul && !g[0].standalone).length;
    let node = this.root;
    for (const group of groups) {
      const from = node;
      for (const u of group) {
        const sym = u.syms[0] as string;
        let child = node.next.get(sym);
        if (!child) node.next.set(sym, (child = newNode()));
        node = child;
      }
      const head = group[0];
      if (syllables >= 2 && head && head.hangul && !head.standalone) {
        const initial = head.syms[0] as string;
        from.abbr ??= new Map();
        const targets = from.abbr.get(initial) ?? [];
        if (!targets.includes(node)) targets.push(node);
        from.abbr.set(initial, targets);
      }
    }
    (node.terms ??= []).push(term);
    this.count++;
    return true;
  }

  /** Every acceptable match in `n`, in order of start (several per start when words nest). */
  find(n: NormalisedText): WordMatch[] {
    const out: WordMatch[] = [];
    const { units } = n;
    for (let i = 0; i < units.length; i++) {
      const u = units[i] as Unit;
      const prev = units[i - 1];
      if (u.kind === 'wild' || prev?.glyph === u.glyph) continue;
      // Inside a run of the same letter ('aaaa', 'ㅅㅅㅅ') a match from here is covered by the one from the run's start.
      if (prev && prev.syms[0] === u.syms[0] && prev.chunk === u.chunk && prev.kind === u.kind && units[i - 2]?.glyph !== prev.glyph) continue;
      this.walk(n, i, out);
    }
    return out;
  }

  private walk(n: NormalisedText, first: number, out: WordMatch[]): void {
    const { units } = n;
    let budget = STEP_BUDGET;
    const visit = (node: Node, j: number, last: string | null, plain: number, wilds: number, abbrs: number, standalone: boolean): void => {
      if (--budget < 0) return;
      if (node.terms && j > first) {
        for (const term of node.terms) {
          if (wilds > plain || (wilds > 0 && plain < 2)) continue;
          if (abbrs > 0 && plain === abbrs) continue;
          if (term.jamoOnly && !standalone) continue;
          if (accept(n, first, j - 1, term)) out.push(spanOf(n, term, first, j - 1));
        }
      }
      const u = units[j];
      if (!u) return;
      const alone = standalone && u.standalone;
      if (u.kind === 'wild') {
        if (wilds >= plain + 1) return;
        for (const [sym, child] of node.next) visit(child, j + 1, sym, plain, wilds + 1, abbrs, false);
        if (last !== null) visit(node, j + 1, last, plain, wilds + 1, abbrs, false);
        return;
      }
      for (const sym of u.syms) {
        const child = node.next.get(sym);
        if (child) visit(child, j + 1, sym, plain + 1, wilds, abbrs, alone);
        if (sym === last) {
          // A repeated letter ('fuuuck'): take the whole run in one step, so long runs cost one step, not one per letter.
          let k = j + 1;
          let both = alone;
          for (let r = units[k]; r && r.kind !== 'wild' && r.syms.includes(last); r = units[++k]) both &&= r.standalone;
          visit(node, k, last, plain + (k - j), wilds, abbrs, both);
        }
      }
      const targets = u.standalone ? node.abbr?.get(u.syms[0] as string) : undefined;
      if (targets) for (const t of targets) visit(t, j + 1, null, plain + 1, wilds, abbrs + 1, alone);
    };
    visit(this.root, first, null, 0, 0, 0, true);
  }
}

/**
 * The span to mask. Korean keeps its particles and endings visible ('**놈아'); a word in a spaced script is
 * masked whole ('shitty' -> '******', not '****ty'), since its ending tells what the word was.
 */
function spanOf(n: NormalisedText, term: Term, first: number, last: number): WordMatch {
  const { units, chunks } = n;
  let from = first;
  let to = last;
  if (!term.hangul) {
    const head = chunks[(units[first] as Unit).chunk];
    const tail = chunks[(units[last] as Unit).chunk];
    if (head) while (from > head.first && (units[from - 1] as Unit).kind !== 'wild') from--;
    if (tail) for (let k = tail.last; k > to; k--) if ((units[k] as Unit).kind === 'letter') to = k;
  }
  return { term, first, last, start: (units[from] as Unit).start, end: (units[to] as Unit).end };
}

function groupByGlyph(units: Unit[]): Unit[][] {
  const groups: Unit[][] = [];
  for (const u of units) {
    const g = groups[groups.length - 1];
    if (g && g[0]?.glyph === u.glyph) g.push(u);
    else groups.push([u]);
  }
  return groups;
}

/** Whether units[from..to] are all of the given kinds (an empty range is). */
function only(units: Unit[], from: number, to: number, test: (u: Unit) => boolean): boolean {
  for (let k = from; k <= to; k++) if (!test(units[k] as Unit)) return false;
  return true;
}

const notLetter = (u: Unit): boolean => u.kind !== 'letter';
const isWild = (u: Unit): boolean => u.kind === 'wild';

/** Whether what follows a match in its chunk is an acceptable ending: symbols, letters typed alone (ㅋㅋ), or a Korean particle. */
function tailOk(n: NormalisedText, last: number, chunkLast: number, term: Term): boolean {
  const { units } = n;
  if (only(units, last + 1, chunkLast, notLetter)) return true;
  if (!term.hangul || term.jamoOnly) return false;
  if (only(units, last + 1, chunkLast, (u) => notLetter(u) || u.standalone)) return true;
  const rest = n.text.slice((units[last] as Unit).end, (units[chunkLast] as Unit).end).replace(/[^\p{L}]/gu, '').normalize('NFC');
  return KO_PARTICLES.has(rest);
}

/** Characters in units[from..to], jamo typed alone counted by the syllables they spell. */
function charactersIn(units: Unit[], from: number, to: number): number {
  let count = 0;
  for (let k = from; k <= to; k++) if (k === from || units[k]?.lead) count++;
  return count;
}

/** The span rules that keep ordinary text from matching (see WordMatcher and MatchMode). */
function accept(n: NormalisedText, first: number, last: number, term: Term): boolean {
  const { units, chunks } = n;
  const a = units[first] as Unit;
  const b = units[last] as Unit;
  if (units[last + 1]?.glyph === b.glyph) return false;
  const firstChunk = chunks[a.chunk];
  const lastChunk = chunks[b.chunk];
  if (!firstChunk || !lastChunk) return false;
  const clean = only(units, firstChunk.first, first - 1, isWild);
  if (a.chunk !== b.chunk && !term.phrase) {
    // Spelled across spaces or punctuation: every piece short and wholly part of the word, so that
    // "has hit" or "수박씨 발라" never spell a word out of the ends of ordinary ones.
    if (!clean || !tailOk(n, last, lastChunk.last, term)) return false;
    for (let c = a.chunk; c <= b.chunk; c++) {
      const chunk = chunks[c];
      if (!chunk || charactersIn(units, Math.max(chunk.first, first), Math.min(chunk.last, last)) > SPREAD_CHUNK_MAX) return false;
    }
    return true;
  }
  switch (term.mode) {
    case 'infix':
      return true;
    case 'prefix':
      return clean;
    case 'word':
      return clean && tailOk(n, last, lastChunk.last, term);
  }
}
