import type { HlsConfig } from 'hls.js';

/**
 * hls.js tuning for low-latency (LL-HLS) broadcasts. The target latency is the playlist's
 * PART-HOLD-BACK (three parts, about 1 s behind the newest part): no liveSyncDuration here, it would
 * override it. hls.js never speeds up with its default maxLiveSyncPlaybackRate of 1, so a viewer who
 * joins or stalls would stay behind for good; 1.5x catches up within seconds. No
 * liveMaxLatencyDuration: hls.js would jump on a passing spike of its latency estimate. Catching up is by
 * playback rate, except for a viewer FAR_BEHIND_S behind (live-start.ts), who jumps.
 */
export const LowLatencyHlsConfig: Partial<HlsConfig> = {
  lowLatencyMode: true,
  maxLiveSyncPlaybackRate: 1.5,
  // A few seconds ahead is all a low-latency player can have anyway.
  maxBufferLength: 4,
  backBufferLength: 30,
  enableWorker: true,
};
