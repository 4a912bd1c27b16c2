import { Events } from 'hls.js';
import type Hls from 'hls.js';

/** hls.js as the live rules see it. */
export type LiveHls = Pick<Hls, 'on' | 'off' | 'targetLatency' | 'latestLevelDetails'>;
/** hls.js as the catch-up rule sees it: also where a viewer at the target would stand now. */
export type CatchUpHls = LiveHls & Pick<Hls, 'maxLatency' | 'liveSyncPosition'>;
type Media = Pick<HTMLVideoElement, 'buffered' | 'currentTime'>;

/**
 * Share of hls.js's target latency the playhead must be behind the live edge before playback starts: all of
 * it. Normal mode's target (2.5 s) is what keeps ~0.3 s of buffer when the next 2 s segment lands; less
 * starts a waiting viewer with no margin at all.
 */
export const START_TARGET_SHARE = 1;
/** How often the start rule looks again between hls.js events (the edge estimate grows with the playlist's age). */
const START_CHECK_MS = 100;

/** Seconds of media buffered from the playhead on (0 when the playhead is outside every buffered range). */
export function bufferedAhead(video: Media): number {
  const { buffered, currentTime } = video;
  for (let i = 0; i < buffered.length; i++) {
    if (buffered.start(i) <= currentTime + 0.1 && buffered.end(i) > currentTime) return buffered.end(i) - currentTime;
  }
  return 0;
}

/**
 * Where the playhead stands against the live edge, as hls.js's latency controller reckons it: `behind` is the
 * newest media the playlist names plus the time since the playlist last moved (media published since then),
 * minus the playhead; `missing` is how much of the listed media is not buffered yet. Null before a playlist.
 */
export function edgeDistance(hls: LiveHls, video: Media): { behind: number; missing: number; target: number } | null {
  const details = hls.latestLevelDetails;
  const target = hls.targetLatency;
  if (!details || target == null) return null;
  const listed = details.edge - video.currentTime;
  return { behind: listed + details.age, missing: Math.max(0, listed - bufferedAhead(video)), target };
}

/**
 * The live start rule, both latency modes: calls `play` once the playhead is START_TARGET_SHARE of hls.js's
 * target latency behind the live edge with everything up to the newest listed media buffered (or after
 * `maxWaitMs`). A viewer who joins a broadcast in progress is placed there by hls.js and plays at once. A
 * viewer waiting on the channel page gets the stream from its first playable playlist: in normal mode a 0.5 s
 * first segment followed by a 1.5 s one about 1.5 s later, in low-latency mode one part followed by two. Playing at once puts
 * that viewer about a second behind the source, where the next segment always lands after the buffer has run
 * dry: it stalls until the stalls have pushed it back to where a segment arrives in time, and each stall raises
 * hls.js's target by a second. So the first picture is shown at once and playback begins when the viewer stands
 * where a joining viewer would (the HLS specification has clients start no closer to the end of the playlist
 * than HOLD-BACK/PART-HOLD-BACK for the same reason). `play` is told which ended the wait. Returns what
 * cancels the wait.
 */
export function playAtTarget(hls: LiveHls, video: Media, play: (reason: 'target' | 'timeout') => void, maxWaitMs: number): () => void {
  let waiting = true;
  const stop = (): void => {
    waiting = false;
    clearTimeout(timer);
    clearInterval(poll);
    hls.off(Events.BUFFER_APPENDED, check);
    hls.off(Events.LEVEL_UPDATED, check);
  };
  const start = (reason: 'target' | 'timeout'): void => {
    if (!waiting) return;
    stop();
    play(reason);
  };
  function check(): void {
    const d = edgeDistance(hls, video);
    if (!d || bufferedAhead(video) <= 0) return;
    // A part (LL) or a fraction of a second (normal) may still be in flight: the next tick sees it.
    const tolerance = hls.latestLevelDetails?.partTarget || 0.25;
    // A second of buffer covers loading the rest of the listed media (a joining viewer placed early in a segment).
    const buffered = d.missing <= tolerance || bufferedAhead(video) >= 1;
    if (d.behind >= START_TARGET_SHARE * d.target - 0.05 && buffered) start('target');
  }
  const timer = setTimeout(() => start('timeout'), maxWaitMs);
  const poll = setInterval(check, START_CHECK_MS);
  hls.on(Events.BUFFER_APPENDED, check);
  hls.on(Events.LEVEL_UPDATED, check);
  check();
  return stop;
}

/** Stall-free time before the catch-up rule moves the target (a viewer who just stalled is left alone). */
export const STALL_FREE_MS = 15_000;
/** Time between two steps of the target toward its base. */
export const STEP_MS = 5000;
/** One step, the size of hls.js's stall penalty (liveSyncOnStallIncrease). */
const STEP_S = 1;
/** Within this of its target the viewer counts as caught up, and the next step may follow. */
const AT_TARGET_S = 0.5;
const CHECK_MS = 1000;
/**
 * Seconds beyond its target past which a viewer is brought back by a jump, not by playback rate: closing 15 s
 * at hls.js's rates takes minutes of sped-up picture and sound (a 30 s stall on a saturated box left a
 * low-latency viewer 39 s behind for the rest of the 30-minute drift run). Normal mode's hls.js jumps earlier
 * by itself (liveMaxLatencyDuration 8 s).
 */
export const FAR_BEHIND_S = 15;

/**
 * The live catch-up rule, both latency modes. hls.js changes the playback rate toward its target only while
 * the viewer is less than its target plus a target duration behind it (further back it takes the viewer for a
 * DVR viewer), and it raises the target by a second per stall (up to a target duration) for the rest of the
 * broadcast. So one early
 * stall left a viewer up to 2 s further back for good, and a viewer who fell further behind (a busy encoder, a
 * tab in the background) never came back in low-latency mode, which never jumps. This rule, like ExoPlayer's
 * live speed control, moves hls.js's target instead: a viewer further back than hls.js's range gets a target
 * one step closer than where it stands, and a viewer at its target gets it lowered a step every STEP_MS, down
 * to the base (the target when playback started: liveSyncDuration or PART-HOLD-BACK); hls.js closes each step
 * by playback rate (at most maxLiveSyncPlaybackRate), never by a jump. Nothing moves within STALL_FREE_MS of a
 * stall (a viewer on a poor link stays back), nor for a viewer not following the edge (DVR). The one jump: a
 * playing viewer FAR_BEHIND_S or more behind its base goes straight to hls.js's live sync position (a long
 * stall upstream leaves nothing worth watching at 1.5x for minutes). Returns what stops it.
 */
export function catchUpToTarget(hls: CatchUpHls, video: Media & Pick<HTMLVideoElement, 'paused'>, following: () => boolean, now: () => number = Date.now): () => void {
  let base: number | null = hls.targetLatency;
  let lastStall = Number.NEGATIVE_INFINITY;
  let lastStep = Number.NEGATIVE_INFINITY;
  const onError = (_event: string, data: { details?: string }): void => {
    if (data.details === 'bufferStalledError') lastStall = now();
  };
  const tick = (): void => {
    const d = edgeDistance(hls, video);
    const details = hls.latestLevelDetails;
    if (!d || !details) return;
    base ??= d.target;
    const t = now();
    // A paused viewer is not moved: a resume without DVR jumps to the edge at the target.
    if (video.paused || !following() || t - lastStep < STEP_MS) return;
    const over = d.behind - d.target;
    // Far behind and playing (not in a stall): back to the base target at once, whatever the stalls were.
    if (d.behind - base >= FAR_BEHIND_S && bufferedAhead(video) > 0) {
      // The sync position follows the target: set it first.
      hls.targetLatency = base;
      const sync = hls.liveSyncPosition;
      if (sync != null && Number.isFinite(sync) && sync > video.currentTime) video.currentTime = sync;
      lastStep = t;
      return;
    }
    if (t - lastStall < STALL_FREE_MS) return;
    let next: number | null = null;
    // hls.js's own range (latency-controller.ts): within it, hls.js catches up by itself.
    if (over >= Math.min(hls.maxLatency, d.target + details.targetduration)) next = d.behind - STEP_S;
    else if (d.target > base + 0.01 && over < AT_TARGET_S) next = Math.max(base, d.target - STEP_S);
    if (next === null) return;
    hls.targetLatency = next;
    lastStep = t;
  };
  const timer = setInterval(tick, CHECK_MS);
  hls.on(Events.ERROR, onError);
  return () => {
    clearInterval(timer);
    hls.off(Events.ERROR, onError);
  };
}
