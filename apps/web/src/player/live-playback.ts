import type { HlsConfig } from 'hls.js';
import { EdgePlaylistLoader } from './edge-playlist-loader';

/**
 * Live tuning for 2 s segments (normal latency mode). Traced with the live-latency bench:
 * - liveSyncDuration 2.5: sit 2.5 s behind the newest published media; with a new segment found within
 *   ~0.25 s of its publication (EdgePlaylistLoader) and ~0.7 s from a frame's end of segment to its
 *   publication, that is ~3.5 s glass-to-glass, and still 0.5 s of buffer when the next 2 s segment lands.
 * - lowLatencyMode true: hls.js adjusts the playback rate toward the target ONLY in low-latency mode
 *   (with it off, maxLiveSyncPlaybackRate did nothing and a viewer stayed wherever it started). The
 *   playlists have no parts, so nothing else changes.
 * - a stall raises the target by 1 s (hls.js liveSyncOnStallIncrease), so a viewer on a poor link
 *   settles further back instead of stalling again.
 * Measured on a saturated 2-core box (360p source, where the transcoder itself ran late): viewers that
 * started 8-9 s behind came down to ~3 s glass-to-glass at 1.25x without a stall.
 */
export const LiveHlsConfig: Partial<HlsConfig> = {
  lowLatencyMode: true,
  liveSyncDuration: 2.5,
  liveMaxLatencyDuration: 8,
  // hls.js's curve gives ~1.2x at 0.5 s behind the target and reaches 1.5x only past ~1.5 s: small drifts
  // are corrected gently, a late start or a stall is caught up in seconds rather than tens of seconds.
  maxLiveSyncPlaybackRate: 1.5,
  maxBufferLength: 12,
  backBufferLength: 30,
  enableWorker: true,
  pLoader: EdgePlaylistLoader,
};
