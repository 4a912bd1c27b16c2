/** Flood and duplicate helpers: what makes two messages "the same" and a message "mostly repeated characters". */

export interface RepeatRule {
  /** Visible characters (code points, whitespace excluded) a message needs before the rule applies. */
  minLength: number;
  /** Distinct characters / visible characters at or below which the message is a repeat flood. */
  maxDistinctRatio: number;
}

export const DEFAULT_REPEAT_RULE: RepeatRule = { minLength: 30, maxDistinctRatio: 0.15 };

/**
 * Whether a message is mostly the same few characters: "ㅋㅋㅋ…" or "😂😂😂…" or "spam spam spam …" at length.
 * Short laughter (ㅋㅋㅋㅋㅋ) is ordinary Korean chat and stays below minLength.
 */
export function isRepetitive(text: string, rule: RepeatRule = DEFAULT_REPEAT_RULE): boolean {
  let visible = 0;
  const distinct = new Set<number>();
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || /\s/u.test(ch)) continue;
    visible++;
    distinct.add(cp);
  }
  return visible >= rule.minLength && distinct.size / visible <= rule.maxDistinctRatio;
}

/**
 * A short stable hash (cyrb53) of a message's normalised letters, for duplicate detection: compact enough to keep
 * in Redis per author; falls back to the whitespace-collapsed text for messages without letters (emoji only).
 */
export function fingerprint(skeleton: string, text: string): string {
  const basis = skeleton || text.trim().replace(/\s+/gu, ' ');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < basis.length; i++) {
    const ch = basis.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
