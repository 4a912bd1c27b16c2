import { BEACON_BUCKET_SECONDS, type Beacon } from '@onda/contracts';

/**
 * How beacons become aggregates, as pure functions (the ingest runs them inside the transaction that holds the
 * playbacks' row locks, so what they read is current on every API node).
 *
 * Live: a beacon received at T (server clock) shows its playback active over [T - a, T), a = watched + stalled
 * seconds it reports (at most 60, at least the instant T), in seconds since the session's t = 0. The playback
 * counts once in every 10-second bucket and every minute that interval touches; a watermark per playback (the
 * last bucket / minute counted) makes repeated or overlapping beacons count once, and a one-bucket hole between
 * two beacons (clock jitter) is filled. Beacons that arrive out of order below the watermark add watch time only.
 *
 * VOD: the `played` ranges (or [position - watched, position] without them) mark timeline buckets; a bitmap per
 * playback makes each bucket count once per playback however often it is replayed or sought over.
 */

export const BUCKET_SECONDS = BEACON_BUCKET_SECONDS;
export const BUCKETS_PER_MINUTE = 60 / BUCKET_SECONDS;
/** Longest activity one live beacon can vouch for (a beacon is sent about every 10 s). */
const MAX_ACTIVE_SECONDS = 60;
/** Longest played range one VOD beacon may report. */
const MAX_RANGE_SECONDS = 600;
/** Timeline cap: 7 days of 10-second buckets. */
export const MAX_BUCKET = (7 * 86_400) / BUCKET_SECONDS;

export type StatsTarget =
  | { kind: 'live'; id: string; channelId: string; startMs: number; endMs: number | null }
  | { kind: 'vod'; id: string; durationSeconds: number | null };

export interface ReceivedBeacon {
  beacon: Beacon;
  receivedAt: number;
  country: string | null;
}

/** What the ingest keeps per playback between beacons (a row of stats_playbacks). */
export interface PlaybackState {
  lastBucket: number;
  lastMinute: number;
  vodBuckets: Uint8Array | null;
  renditionSeconds: Record<string, number>;
  startupMs: number | null;
  ended: boolean;
}

export interface PlaybackUpdate {
  state: PlaybackState;
  beacons: number;
  watchSeconds: number;
  stallMs: number;
  rebufferEvents: number;
  errors: number;
  fatalErrors: number;
  lastAt: number;
  /** Buckets / minutes / VOD buckets in which this playback counts for the first time. */
  liveBuckets: number[];
  liveMinutes: number[];
  vodBuckets: number[];
}

export const newPlaybackState = (): PlaybackState => ({ lastBucket: -1, lastMinute: -1, vodBuckets: null, renditionSeconds: {}, startupMs: null, ended: false });

/** Buckets of the half-open interval [from, to) seconds; an empty interval is the instant `to`. */
export function bucketSpan(from: number, to: number): [number, number] {
  const last = to > from ? Math.ceil(to / BUCKET_SECONDS) - 1 : Math.floor(to / BUCKET_SECONDS);
  return [Math.floor(from / BUCKET_SECONDS), Math.max(Math.floor(from / BUCKET_SECONDS), last)];
}

/** The live buckets a beacon received at `atMs` shows its playback active in; null when it is past the end of the session. */
export function liveSpan(atMs: number, activeSeconds: number, target: { startMs: number; endMs: number | null }): [number, number] | null {
  const end = target.endMs === null ? Infinity : (target.endMs - target.startMs) / 1000;
  const at = Math.max(0, (atMs - target.startMs) / 1000);
  const from = Math.max(0, at - Math.min(MAX_ACTIVE_SECONDS, Math.max(0, activeSeconds)));
  if (from > end) return null;
  const to = Math.min(at, end);
  const [b1, b2] = bucketSpan(from, to);
  return [Math.min(b1, MAX_BUCKET), Math.min(b2, MAX_BUCKET)];
}

const hasBit = (bits: Uint8Array | null, n: number): boolean => bits !== null && n >> 3 < bits.length && (bits[n >> 3]! & (1 << (n & 7))) !== 0;

function setBit(bits: Uint8Array | null, n: number): Uint8Array {
  let out = bits ?? new Uint8Array(0);
  if (n >> 3 >= out.length) {
    const grown = new Uint8Array(Math.max((n >> 3) + 1, out.length * 2));
    grown.set(out);
    out = grown;
  }
  out[n >> 3]! |= 1 << (n & 7);
  return out;
}

/** Timeline buckets a VOD beacon reports as played, capped at the VOD's last bucket when its duration is known. */
export function vodSpans(beacon: Beacon, durationSeconds: number | null): Array<[number, number]> {
  const ranges = beacon.played ?? [[Math.max(0, beacon.position - beacon.watchedSeconds), beacon.position]];
  const lastBucket = durationSeconds === null ? MAX_BUCKET : Math.max(0, Math.ceil(durationSeconds / BUCKET_SECONDS) - 1);
  const spans: Array<[number, number]> = [];
  for (const [a, b] of ranges) {
    const from = Math.min(a, b);
    const to = Math.min(Math.max(a, b), from + MAX_RANGE_SECONDS);
    if (to <= from) continue;
    const [b1, b2] = bucketSpan(from, to);
    if (b1 > lastBucket) continue;
    spans.push([b1, Math.min(b2, lastBucket)]);
  }
  return spans;
}

/** Applies a playback's new beacons (any order; applied by seq) to its state. */
export function applyBeacons(previous: PlaybackState, received: ReceivedBeacon[], target: StatsTarget): PlaybackUpdate {
  const state: PlaybackState = { ...previous, renditionSeconds: { ...previous.renditionSeconds } };
  const out: PlaybackUpdate = { state, beacons: 0, watchSeconds: 0, stallMs: 0, rebufferEvents: 0, errors: 0, fatalErrors: 0, lastAt: 0, liveBuckets: [], liveMinutes: [], vodBuckets: [] };
  for (const { beacon, receivedAt } of [...received].sort((x, y) => x.beacon.seq - y.beacon.seq)) {
    out.beacons++;
    out.lastAt = Math.max(out.lastAt, receivedAt);
    out.watchSeconds += beacon.watchedSeconds;
    if (beacon.watchedSeconds > 0) {
      const rendition = beacon.rendition ?? 'unknown';
      state.renditionSeconds[rendition] = (state.renditionSeconds[rendition] ?? 0) + beacon.watchedSeconds;
    }
    const ends = beacon.events.some((e) => e.type === 'end');
    let stallMs = 0;
    for (const event of beacon.events) {
      if (event.type === 'start' && state.startupMs === null) state.startupMs = event.startupMs;
      else if (event.type === 'rebuffer') {
        stallMs += event.durationMs;
        if (!event.ongoing || ends) out.rebufferEvents++;
      } else if (event.type === 'error') {
        out.errors++;
        if (event.fatal) out.fatalErrors++;
      } else if (event.type === 'end') state.ended = true;
    }
    out.stallMs += stallMs;
    if (target.kind === 'live') {
      const span = liveSpan(receivedAt, beacon.watchedSeconds + stallMs / 1000, target);
      if (!span) continue;
      let [b1] = span;
      const b2 = span[1];
      if (state.lastBucket >= 0 && b1 === state.lastBucket + 2) b1 = state.lastBucket + 1;
      for (let b = Math.max(b1, state.lastBucket + 1); b <= b2; b++) out.liveBuckets.push(b);
      for (let m = Math.max(Math.floor(b1 / BUCKETS_PER_MINUTE), state.lastMinute + 1); m <= Math.floor(b2 / BUCKETS_PER_MINUTE); m++) out.liveMinutes.push(m);
      state.lastBucket = Math.max(state.lastBucket, b2);
      state.lastMinute = Math.max(state.lastMinute, Math.floor(b2 / BUCKETS_PER_MINUTE));
    } else {
      for (const [b1, b2] of vodSpans(beacon, target.durationSeconds)) {
        for (let b = b1; b <= b2; b++) {
          if (hasBit(state.vodBuckets, b)) continue;
          state.vodBuckets = setBit(state.vodBuckets, b);
          out.vodBuckets.push(b);
        }
      }
    }
  }
  return out;
}
