import { describe, expect, it } from 'vitest';
import { emptyMediaPlaylist, type MediaPlaylist } from './m3u8.js';
import { mergeTimeline, slidingWindow } from './m3u8-window.js';

const timeline = (n: number, discontinuityAt: number[] = [], duration = 2): MediaPlaylist => ({
  ...emptyMediaPlaylist(2),
  segments: Array.from({ length: n }, (_, i) => ({ uri: `s${i}.ts`, duration, discontinuity: discontinuityAt.includes(i) })),
});

describe(slidingWindow.name, () => {
  it('keeps the newest segments covering the window and numbers them as in the whole timeline', () => {
    const sut = slidingWindow(timeline(100, [10, 40, 95]), 10);
    expect(sut.segments.map((s) => s.uri)).toEqual(['s95.ts', 's96.ts', 's97.ts', 's98.ts', 's99.ts']);
    expect(sut.mediaSequence).toBe(95);
    // Two discontinuity tags left with the removed segments; the one on s95 is still in the playlist.
    expect(sut.discontinuitySequence).toBe(2);
    expect(sut.segments[0]!.discontinuity).toBe(true);
    expect(sut.playlistType).toBeNull();
  });

  it('keeps at least three segments, and everything while the timeline is shorter than the window', () => {
    expect(slidingWindow(timeline(10, [], 6), 4).segments).toHaveLength(3);
    const short = slidingWindow(timeline(4), 300);
    expect([short.mediaSequence, short.segments.length]).toEqual([0, 4]);
  });
});

describe(mergeTimeline.name, () => {
  it('appends the window\'s segments newer than the stored whole timeline', () => {
    const full = timeline(50);
    const whole = timeline(60);
    const sut = mergeTimeline(full, slidingWindow(whole, 20))!;
    expect(sut.segments.map((s) => s.uri)).toEqual(whole.segments.map((s) => s.uri));
  });

  it('marks a hole when the window starts after the stored timeline ends', () => {
    const sut = mergeTimeline(timeline(10), slidingWindow(timeline(60), 20))!;
    expect(sut.segments).toHaveLength(20);
    expect(sut.segments[10]).toMatchObject({ uri: 's50.ts', discontinuity: true });
  });

  it('takes whichever exists alone', () => {
    expect(mergeTimeline(null, timeline(3))!.segments).toHaveLength(3);
    expect(mergeTimeline(timeline(3), null)!.segments).toHaveLength(3);
    expect(mergeTimeline(null, null)).toBeNull();
  });
});
