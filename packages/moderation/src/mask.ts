export interface Span {
  start: number;
  end: number;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const SPACE = /^\s+$/u;

/** Merges overlapping or touching spans, sorted by start. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/**
 * Replaces every visible character (grapheme: a Hangul syllable, even in decomposed jamo, or an emoji sequence
 * counts once) inside the spans by one `*`; whitespace is kept so a spaced-out word stays spaced ('씨 발' -> '* *').
 */
export function maskSpans(text: string, spans: readonly Span[]): string {
  if (!spans.length) return text;
  let out = '';
  let at = 0;
  for (const s of mergeSpans(spans)) {
    out += text.slice(at, s.start);
    for (const { segment } of graphemes.segment(text.slice(s.start, s.end))) out += SPACE.test(segment) ? segment : '*';
    at = s.end;
  }
  return out + text.slice(at);
}
