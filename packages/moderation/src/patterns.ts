import { sharedPatternRunner, type PatternRunner, type PatternVerdict } from './pattern-worker.js';

/**
 * Per-channel blocked patterns: JavaScript regular expressions, case-insensitive (flags `iu`).
 *
 * Regular expressions can take exponential (`(a+)+b`) or high polynomial (`a*a*a*b`) time on hostile input, and a
 * regex blocks the event loop of the whole API while it runs. So:
 * 1. `validateBlockedPattern` (call it when settings are saved) refuses invalid syntax, patterns that match the
 *    empty string (they would drop every message), backreferences, lookaround, nested quantifiers (star height > 1)
 *    and repeated alternations such as (a|aa)+ (exponential when branches overlap);
 * 2. patterns with at most one unbounded quantifier run directly: at most quadratic in the input, which is capped
 *    at PATTERN_INPUT_MAX characters;
 * 3. the rest (several unbounded quantifiers: polynomial) run on a worker thread with a per-message budget (see
 *    PatternRunner), never on the event loop; running out of time holds the message for review.
 */

export const PATTERN_INPUT_MAX = 1000;
export const PATTERN_FLAGS = 'iu';

interface Analysis {
  error?: string;
  /** Needs the time-limited runner. */
  guarded: boolean;
}

interface Group {
  quantified: boolean;
  alternation: boolean;
}

/** A light scan of regex syntax for the constructs that make backtracking explode (the syntax itself is checked by RegExp). */
function analyse(source: string): Analysis {
  const stack: Group[] = [{ quantified: false, alternation: false }];
  let last: Group | 'atom' | null = null;
  let unbounded = 0;
  let guarded = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const top = stack[stack.length - 1] as Group;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<')) return { error: 'backreferences (\\1, \\k<name>) are not allowed', guarded };
      i += 1;
      if ((next === 'u' || next === 'p' || next === 'P' || next === 'x') && source[i + 1] === '{') i = source.indexOf('}', i);
      if (i < 0) break;
      last = 'atom';
    } else if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      last = 'atom';
    } else if (c === '(') {
      stack.push({ quantified: false, alternation: false });
      if (/^\(\?<?[=!]/.test(source.slice(i, i + 4))) return { error: 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not allowed', guarded };
      if (source[i + 1] === '?') {
        const named = /^\?<(?![=!])[^>]*>/.exec(source.slice(i + 1));
        i += named ? named[0].length : source[i + 2] === '<' ? 3 : 2;
      }
      last = null;
    } else if (c === ')') {
      last = stack.length > 1 ? (stack.pop() as Group) : 'atom';
      const parent = stack[stack.length - 1] as Group;
      if (last !== 'atom' && last.quantified) parent.quantified = true;
      // ((a|aa))+ repeats the alternation as much as (a|aa)+ does.
      if (last !== 'atom' && last.alternation) parent.alternation = true;
    } else if (c === '|') {
      top.alternation = true;
      last = null;
    } else if (c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)))) {
      let min = c === '+' ? 1 : 0;
      let max = c === '?' ? 1 : Infinity;
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i)) as RegExpExecArray;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
        i += m[0].length - 1;
      }
      if (source[i + 1] === '?') i++;
      if (last && last !== 'atom' && max > 1) {
        if (last.quantified) return { error: 'nested quantifiers such as (a+)+ are not allowed: they can take exponential time', guarded };
        if (last.alternation) return { error: 'a repeated alternation such as (a|aa)+ is not allowed: it can take exponential time; list the words without repeating the group', guarded };
      }
      if (max === Infinity && ++unbounded > 1) guarded = true;
      // Only a quantifier that can match different lengths makes an enclosing repetition ambiguous.
      if (min !== max) top.quantified = true;
      last = null;
    } else {
      last = 'atom';
    }
  }
  return { guarded };
}

/** Why `source` cannot be a blocked pattern, or null when it is fine. For the API to call when settings are saved. */
export function validateBlockedPattern(source: string): string | null {
  let re: RegExp;
  try {
    re = new RegExp(source, PATTERN_FLAGS);
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
  const { error } = analyse(source);
  if (error) return error;
  if (re.test('')) return 'the pattern matches an empty message, so it would block every message';
  return null;
}

export type { PatternVerdict } from './pattern-worker.js';

/** Compiled blocked patterns of one channel. Invalid or refused ones are skipped and listed in `rejected`. */
export class BlockedPatterns {
  readonly rejected: Array<{ index: number; pattern: string; error: string }> = [];
  private readonly direct: RegExp[] = [];
  private readonly guarded: string[] = [];

  constructor(
    patterns: readonly string[],
    /** Time budget of one message's check on the pattern worker. */
    private readonly timeoutMs = 50,
    private readonly runner: PatternRunner = sharedPatternRunner(),
  ) {
    patterns.forEach((pattern, index) => {
      const error = validateBlockedPattern(pattern);
      if (error) this.rejected.push({ index, pattern, error });
      else if (analyse(pattern).guarded) this.guarded.push(pattern);
      else this.direct.push(new RegExp(pattern, PATTERN_FLAGS));
    });
  }

  get size(): number {
    return this.direct.length + this.guarded.length;
  }

  /** Tests the texts (the message and its folded form) against every pattern. */
  async test(texts: readonly string[]): Promise<PatternVerdict> {
    const capped = [...new Set(texts.map((t) => t.slice(0, PATTERN_INPUT_MAX)))];
    if (this.direct.some((re) => capped.some((t) => re.test(t)))) return 'match';
    if (!this.guarded.length) return 'none';
    return this.runner.run(this.guarded, PATTERN_FLAGS, capped, this.timeoutMs);
  }
}
