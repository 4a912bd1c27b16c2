import type { MediaPlaylist, MediaSegment } from './m3u8.js';

/** The segments covering a time range of a playlist and where the range starts in the first of them. */
export interface ClipCover {
  segments: MediaSegment[];
  /** Seconds from the first segment's start to the range's start. */
  offsetSeconds: number;
}

/** Why a range cannot be cut from a playlist. */
export type ClipCoverProblem = 'outside' | 'discontinuity';

/**
 * The segments of `playlist` covering [start, end) seconds, counted from the playlist's first segment. A range
 * reaching past the playlist (or before it) is `outside`; one crossing a discontinuity (an encoder reconnect, a
 * new ffmpeg run) is refused too, since its timestamps jump and a stream copy cannot join them into one file.
 */
export function coverRange(playlist: MediaPlaylist, start: number, end: number, tolerance = 0.25): ClipCover | ClipCoverProblem {
  const total = playlist.segments.reduce((sum, s) => sum + s.duration, 0);
  if (start < 0 || end <= start || end > total + tolerance) return 'outside';
  let t = 0;
  let first = -1;
  let offset = 0;
  const segments: MediaSegment[] = [];
  for (const [i, s] of playlist.segments.entries()) {
    const from = t;
    t += s.duration;
    if (t <= start) continue;
    if (from >= end) break;
    if (first < 0) {
      first = i;
      offset = start - from;
    } else if (s.discontinuity) {
      return 'discontinuity';
    }
    segments.push(s);
  }
  return segments.length === 0 ? 'outside' : { segments, offsetSeconds: Math.max(0, offset) };
}

/**
 * Where a stream copy of the range can start: the last keyframe at or before `startSeconds` (the moment asked
 * for is never lost; the clip gets up to one keyframe interval longer), or the first keyframe when none comes
 * before it. Times are seconds from the start of the file. Null when the file has no keyframe at all.
 */
export function keyframeAtOrBefore(keyframes: readonly number[], startSeconds: number): number | null {
  if (keyframes.length === 0) return null;
  // Timestamps read back from ffprobe are rounded to the microsecond: allow a millisecond.
  const before = keyframes.filter((k) => k <= startSeconds + 0.001);
  return before.length > 0 ? before[before.length - 1]! : keyframes[0]!;
}

/**
 * Cuts [fromSeconds, fromSeconds + durationSeconds) of `input` into an MP4 by stream copy (no decode, no encode).
 * `fromSeconds` must be a keyframe's time from the start of the file: seeking on the output side drops every packet
 * before it, so the first video packet written is that keyframe.
 */
export function buildClipCutArgs(input: string, fromSeconds: number, durationSeconds: number, output: string): string[] {
  return [
    '-i', input,
    // Output-side seek: reads from the start (the input is a minute of segments) and drops packets before the
    // keyframe, exactly; an input-side seek on MPEG-TS lands wherever the demuxer's bisection finds a timestamp.
    // A millisecond early, so the keyframe's own rounded timestamp is never dropped.
    '-ss', Math.max(0, fromSeconds - 0.001).toFixed(3),
    '-t', durationSeconds.toFixed(3),
    // The first video and (when there is one) the first audio stream; no data or subtitle streams.
    '-map', '0:v:0',
    '-map', '0:a:0?',
    '-c', 'copy',
    // Timestamps start at zero (the live source's run from the start of the broadcast).
    '-avoid_negative_ts', 'make_zero',
    // moov at the front: the file plays while it downloads.
    '-movflags', '+faststart',
    output,
  ];
}

/** Repackages a clip MP4 as a one-rendition HLS VOD playlist (`<dir>/index.m3u8`, `<dir>/seg_NNN.ts`) by stream copy. */
export function buildClipHlsArgs(input: string, dir: string, segmentSeconds = 2): string[] {
  return [
    '-i', input,
    '-map', '0',
    '-c', 'copy',
    '-f', 'hls',
    // Segments end on the source's keyframes at or after each target length.
    '-hls_time', String(segmentSeconds),
    '-hls_list_size', '0',
    '-hls_playlist_type', 'vod',
    '-hls_flags', 'independent_segments',
    '-hls_segment_type', 'mpegts',
    '-hls_segment_filename', `${dir}/seg_%03d.ts`,
    `${dir}/index.m3u8`,
  ];
}
