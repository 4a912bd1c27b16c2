import { describe, expect, it } from 'vitest';
import type { Beacon } from '@onda/contracts';
import { applyBeacons, bucketSpan, liveSpan, newPlaybackState, vodSpans, type ReceivedBeacon, type StatsTarget } from './stats.aggregate.js';

const live: StatsTarget = { kind: 'live', id: 's', channelId: 'c', startMs: 0, endMs: null };
const vod: StatsTarget = { kind: 'vod', id: 'v', durationSeconds: 60 };
const beacon = (seq: number, over: Partial<Beacon> = {}): Beacon => ({ playbackId: 'playback-1', viewerId: 'viewer-1', seq, position: 0, watchedSeconds: 10, rendition: '720p', events: [], ...over });
const at = (seconds: number, b: Beacon): ReceivedBeacon => ({ beacon: b, receivedAt: seconds * 1000, country: null });

describe('stats aggregation', () => {
  it('maps half-open intervals onto 10-second buckets', () => {
    expect(bucketSpan(5, 15)).toEqual([0, 1]);
    expect(bucketSpan(10, 20)).toEqual([1, 1]);
    expect(bucketSpan(20, 20)).toEqual([2, 2]);
    expect(liveSpan(15_000, 10, live)).toEqual([0, 1]);
    expect(liveSpan(15_000, 100, live)).toEqual([0, 1]);
    // Past the end of the session only what was before the end counts; a beacon wholly after it is out.
    expect(liveSpan(125_000, 10, { startMs: 0, endMs: 120_000 })).toEqual([11, 11]);
    expect(liveSpan(140_000, 10, { startMs: 0, endMs: 120_000 })).toBeNull();
  });

  it('counts a live playback once per bucket and minute it was active, across minute borders', () => {
    const u = applyBeacons(newPlaybackState(), [at(55, beacon(0, { watchedSeconds: 5 })), at(65, beacon(1)), at(75, beacon(2))], live);
    expect(u.liveBuckets).toEqual([5, 6, 7]);
    expect(u.liveMinutes).toEqual([0, 1]);
    expect(u.watchSeconds).toBe(25);
    // A later batch never counts those buckets again.
    const again = applyBeacons(u.state, [at(76, beacon(3, { watchedSeconds: 1 }))], live);
    expect(again.liveBuckets).toEqual([]);
    expect(again.liveMinutes).toEqual([]);
  });

  it('fills a one-bucket hole between beacons but not a longer pause', () => {
    const first = applyBeacons(newPlaybackState(), [at(10, beacon(0))], live);
    expect(first.liveBuckets).toEqual([0]);
    const jitter = applyBeacons(first.state, [at(29, beacon(1, { watchedSeconds: 8 }))], live);
    expect(jitter.liveBuckets).toEqual([1, 2]);
    const paused = applyBeacons(jitter.state, [at(100, beacon(2, { watchedSeconds: 5 }))], live);
    expect(paused.liveBuckets).toEqual([9]);
  });

  it('counts stalls, one rebuffer event per stall, errors and the first startup time', () => {
    const u = applyBeacons(newPlaybackState(), [
      at(10, beacon(0, { events: [{ type: 'start', startupMs: 900 }, { type: 'rebuffer', durationMs: 3000, ongoing: true }] })),
      at(20, beacon(1, { events: [{ type: 'rebuffer', durationMs: 1000 }, { type: 'error', code: 'frag', fatal: false }, { type: 'start', startupMs: 5 }] })),
      at(30, beacon(2, { rendition: '480p', events: [{ type: 'rebuffer', durationMs: 500, ongoing: true }, { type: 'error', code: 'net', fatal: true }, { type: 'end' }] })),
    ], live);
    expect(u).toMatchObject({ stallMs: 4500, rebufferEvents: 2, errors: 2, fatalErrors: 1, beacons: 3 });
    expect(u.state).toMatchObject({ startupMs: 900, ended: true, renditionSeconds: { '720p': 20, '480p': 10 } });
  });

  it('counts each VOD bucket once per playback however often it is played', () => {
    const u = applyBeacons(newPlaybackState(), [at(1, beacon(0, { played: [[0, 25]] })), at(2, beacon(1, { played: [[20, 30], [5, 8]] }))], vod);
    expect(u.vodBuckets).toEqual([0, 1, 2]);
    const later = applyBeacons(u.state, [at(3, beacon(2, { played: [[28, 45], [50, 90]] }))], vod);
    expect(later.vodBuckets).toEqual([3, 4, 5]);
    expect(vodSpans(beacon(0, { position: 30, watchedSeconds: 10 }), 60)).toEqual([[2, 2]]);
    expect(vodSpans(beacon(0, { position: 30, watchedSeconds: 0 }), 60)).toEqual([]);
  });
});
