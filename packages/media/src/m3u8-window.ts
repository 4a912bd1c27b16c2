import type { MediaPlaylist } from './m3u8.js';

/**
 * The live view of a whole timeline: its newest segments covering at least `windowSeconds` (and never
 * fewer than `minSegments`, so players keep the three target durations RFC 8216 6.2.2 asks for).
 * EXT-X-MEDIA-SEQUENCE counts the segments left out, EXT-X-DISCONTINUITY-SEQUENCE the discontinuity tags
 * they carried (RFC 8216 4.3.3.2-3), so the numbers of every segment stay the same in both views. A
 * sliding playlist has no PLAYLIST-TYPE: EVENT promises that segments are never removed.
 */
export function slidingWindow(full: MediaPlaylist, windowSeconds: number, minSegments = 3): MediaPlaylist {
  let first = full.segments.length;
  let seconds = 0;
  while (first > 0 && (seconds < windowSeconds || full.segments.length - first < minSegments)) {
    first--;
    seconds += full.segments[first]!.duration;
  }
  const removed = full.segments.slice(0, first);
  return {
    ...full,
    playlistType: null,
    mediaSequence: full.mediaSequence + first,
    discontinuitySequence: full.discontinuitySequence + removed.filter((s) => s.discontinuity).length,
    segments: full.segments.slice(first),
  };
}

/**
 * Joins a stored whole timeline with a live window that may be newer (the whole one is written less often):
 * segments of the window past the timeline's end are appended, matched by media sequence number.
 */
export function mergeTimeline(full: MediaPlaylist | null, window: MediaPlaylist | null): MediaPlaylist | null {
  if (!full) return window;
  if (!window) return full;
  const end = full.mediaSequence + full.segments.length;
  const extra = window.segments.filter((_, i) => window.mediaSequence + i >= end);
  // A window that starts after the timeline's end left a hole we cannot fill: mark it.
  const gap = window.mediaSequence > end;
  return {
    ...full,
    targetDuration: Math.max(full.targetDuration, window.targetDuration),
    segments: [...full.segments, ...extra.map((s, i) => (i === 0 && gap ? { ...s, discontinuity: true } : s))],
  };
}
