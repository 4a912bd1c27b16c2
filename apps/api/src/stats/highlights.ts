import { BEACON_BUCKET_SECONDS, type HighlightSignal, type TimelineBucket } from '@onda/contracts';

/**
 * Highlight detector: which moments of a broadcast the audience reacted to.
 *
 * Per 10-second bucket b, activity a = chat messages + REACTION_WEIGHT x reactions, compared with its rolling
 * baseline: the mean m of the previous BASELINE_BUCKETS buckets (2 minutes). The chat score is a Poisson-style
 * z-score, (a - m) / sqrt(m + 1): counts of independent messages vary about as much as their mean, and the +1
 * keeps a quiet stretch from turning two messages into a spike. Buckets with fewer than MIN_ACTIVITY messages
 * never score on chat. Viewers add VIEWER_WEIGHT x the same z-score of the live viewer count over its baseline,
 * plus PEAK_BONUS on the bucket where the session reached its most viewers. A bucket is high when its score is at
 * least THRESHOLD; high buckets no more than MERGE_GAP buckets apart merge into one moment (score = its best
 * bucket's). A moment starts LEAD_IN_BUCKETS before its first high bucket, because chat answers what was on screen
 * a few seconds earlier (glass-to-glass latency plus typing), and ends with its last high bucket. The TOP_K moments
 * by score are returned, best first.
 */
export const HIGHLIGHT_PARAMS = {
  BASELINE_BUCKETS: 12,
  REACTION_WEIGHT: 0.5,
  MIN_ACTIVITY: 3,
  VIEWER_WEIGHT: 0.5,
  PEAK_BONUS: 1,
  THRESHOLD: 3,
  MERGE_GAP: 1,
  LEAD_IN_BUCKETS: 1,
  TOP_K: 5,
} as const;

export interface Moment {
  start: number;
  end: number;
  score: number;
  reasons: string[];
  signals: HighlightSignal[];
}

type Series = Pick<TimelineBucket, 'chatMessages' | 'reactions' | 'viewers'>;

interface Scored {
  score: number;
  signals: HighlightSignal[];
}

/** The English wording of a signal (the API's `reasons`; clients translate `signals` themselves). */
export function describeSignal(s: HighlightSignal): string {
  switch (s.kind) {
    case 'chat-ratio':
      return `chat x${s.ratio.toFixed(1)} over baseline`;
    case 'chat-burst':
      return `chat burst: ${s.messages} messages in ${s.seconds} s`;
    case 'viewers-rise':
      return `viewers +${s.delta} over baseline`;
    case 'viewer-peak':
      return `viewer peak (${s.viewers})`;
  }
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
const round1 = (x: number): number => Math.round(x * 10) / 10;

function scoreBuckets(buckets: Series[]): Scored[] {
  const p = HIGHLIGHT_PARAMS;
  const activity = buckets.map((b) => b.chatMessages + p.REACTION_WEIGHT * b.reactions);
  const viewers = buckets.map((b) => b.viewers);
  const peak = Math.max(0, ...viewers);
  const peakAt = peak > 0 ? viewers.indexOf(peak) : -1;
  return buckets.map((b, i) => {
    const from = Math.max(0, i - p.BASELINE_BUCKETS);
    const signals: HighlightSignal[] = [];
    let score = 0;
    const base = mean(activity.slice(from, i));
    const chatZ = (activity[i]! - base) / Math.sqrt(base + 1);
    if (b.chatMessages >= p.MIN_ACTIVITY && chatZ > 0) {
      score += chatZ;
      signals.push(base >= 0.5 ? { kind: 'chat-ratio', ratio: round1(activity[i]! / base) } : { kind: 'chat-burst', messages: b.chatMessages, seconds: BEACON_BUCKET_SECONDS });
    }
    const viewerBase = mean(viewers.slice(from, i));
    const viewerZ = i > 0 ? (viewers[i]! - viewerBase) / Math.sqrt(viewerBase + 1) : 0;
    if (viewerZ > 0) {
      score += p.VIEWER_WEIGHT * viewerZ;
      if (viewerZ >= 2) signals.push({ kind: 'viewers-rise', delta: Math.round(viewers[i]! - viewerBase) });
    }
    if (i === peakAt) {
      score += p.PEAK_BONUS;
      signals.push({ kind: 'viewer-peak', viewers: peak });
    }
    return { score, signals };
  });
}

/** The top moments of a timeline of BEACON_BUCKET_SECONDS buckets (index = bucket number), best first. */
export function detectHighlights(buckets: Series[]): Moment[] {
  const p = HIGHLIGHT_PARAMS;
  const scored = scoreBuckets(buckets);
  const moments: Array<{ first: number; last: number; best: number }> = [];
  scored.forEach((s, i) => {
    if (s.score < p.THRESHOLD) return;
    const open = moments.at(-1);
    if (open && i - open.last <= p.MERGE_GAP + 1) {
      open.last = i;
      if (s.score > scored[open.best]!.score) open.best = i;
    } else moments.push({ first: i, last: i, best: i });
  });
  return moments
    .map((m) => ({
      start: Math.max(0, m.first - p.LEAD_IN_BUCKETS) * BEACON_BUCKET_SECONDS,
      end: (m.last + 1) * BEACON_BUCKET_SECONDS,
      score: Math.round(scored[m.best]!.score * 100) / 100,
      reasons: scored[m.best]!.signals.map(describeSignal),
      signals: scored[m.best]!.signals,
    }))
    .sort((a, b) => b.score - a.score || a.start - b.start)
    .slice(0, p.TOP_K);
}
