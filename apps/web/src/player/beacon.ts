import type { Beacon, BeaconEvent } from '@onda/contracts';

/** What one playback reports on: a live session or a VOD (exactly one). */
export type BeaconTarget = { liveSessionId: string } | { vodId: string };

/** Sends a batch; resolves false when it did not arrive (the reporter then sends it again with the next one). */
export type BeaconSend = (beacons: Beacon[], options: { unload: boolean }) => Promise<boolean>;

export interface BeaconReporterOptions {
  target: BeaconTarget;
  /** Per browser (localStorage); makes "unique viewers". */
  viewerId: string;
  /** Per playback (this player and this source). */
  playbackId: string;
  send: BeaconSend;
  /** The player position: seconds since the broadcast started (live) or on the VOD timeline; null while unknown. */
  position(): number | null;
  /** Monotonic milliseconds; tests pass a fake clock. */
  now?: () => number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  /** Beacon period while something happens. */
  intervalMs?: number;
}

/** The period of the regular beacon; the server's 10-second buckets are built from it. */
export const BeaconIntervalMs = 10_000;
/** Limits of the contract (BeaconSchema / BeaconBatchSchema). */
const MaxEvents = 50;
const MaxRanges = 50;
const MaxBatch = 100;
const MaxWatchedSeconds = 600;
const MaxPosition = 7 * 86_400;
/** Failed beacons kept for the next attempt; older ones are dropped rather than grow without bound. */
const MaxRetained = 20;
/** A timeupdate further than this from the last one is a jump (seek, gap), not continuous play. */
const MaxContinuousStep = 3;

type State = 'loading' | 'playing' | 'stalled' | 'seeking' | 'paused' | 'ended';

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Collects what one playback experiences and reports it in small beacons: every ~10 s while something
 * happens (nothing while paused and idle), and once more at unload through the unload transport.
 *
 * The player (or `attachBeacons`) tells it what the video does: `playing`, `waiting` (a stall),
 * `seeking`, `paused`, `ended`, `time` (timeupdate), `rendition`, `error`. From that it derives:
 * - startup time: from `start()` (or the viewer's play request after a refused autoplay) to the first frame;
 * - rebuffers: stalls after the first frame, not caused by a seek. A stall still running at beacon time is
 *   reported with `ongoing: true` and the part of its duration since the last beacon; the part after that
 *   comes with the next beacon, and the final part without `ongoing`. So durations add up, and counting the
 *   events without `ongoing` counts every stall once;
 * - watched seconds: time in the playing state since the previous beacon;
 * - VOD played ranges: continuous stretches of the timeline played since the previous beacon.
 */
export class BeaconReporter {
  private readonly now: () => number;
  private readonly trackRanges: boolean;
  private state: State = 'loading';
  private seq = 0;
  private timer: unknown = null;
  private stopped = false;
  private startClock = 0;
  private started = false;
  /** Autoplay was refused before the first frame: the startup clock restarts at the viewer's play. */
  private held = false;
  /** A seek is being served: waiting until the next `playing` is the seek's, not a rebuffer. */
  private seekPending = false;
  private playingSince: number | null = null;
  private watchedMs = 0;
  private stallStart: number | null = null;
  private stallPosition = 0;
  private stallReportedMs = 0;
  private events: BeaconEvent[] = [];
  private rendition: string | null = null;
  private ranges: Array<[number, number]> = [];
  private openRange: [number, number] | null = null;
  private retained: Beacon[] = [];

  constructor(private readonly options: BeaconReporterOptions) {
    this.now = options.now ?? (() => performance.now());
    this.trackRanges = 'vodId' in options.target;
  }

  /** The player starts loading now: starts the startup clock and the beacon timer. */
  start(): void {
    this.startClock = this.now();
    const set = this.options.setInterval ?? ((callback: () => void, ms: number) => setInterval(callback, ms));
    this.timer = set(() => this.flush(false), this.options.intervalMs ?? BeaconIntervalMs);
  }

  /** The viewer (or the player) asked to play; after a refused autoplay the startup clock starts here. */
  playRequested(): void {
    if (!this.started && this.held) {
      this.held = false;
      this.startClock = this.now();
    }
  }

  /** Frames are moving (the video's `playing`, or time advancing after a stall). */
  playing(): void {
    const now = this.now();
    if (!this.started) {
      this.started = true;
      this.events.push({ type: 'start', startupMs: Math.min(600_000, Math.max(0, Math.round(now - this.startClock))) });
    }
    this.endStall(now);
    this.seekPending = false;
    if (this.playingSince === null) this.playingSince = now;
    if (this.trackRanges && !this.openRange) {
      const at = this.options.position();
      if (at !== null) this.openRange = [at, at];
    }
    this.state = 'playing';
  }

  /** The video waits for data: a rebuffer once playback has started, unless a seek caused it. */
  waiting(): void {
    if (!this.started || this.state === 'paused' || this.state === 'ended') return;
    const now = this.now();
    this.accrue(now);
    this.playingSince = null;
    if (this.seekPending || this.state === 'seeking') {
      this.state = 'seeking';
      return;
    }
    if (this.stallStart === null) {
      this.stallStart = now;
      this.stallReportedMs = 0;
      this.stallPosition = this.options.position() ?? 0;
    }
    this.state = 'stalled';
  }

  /** The viewer jumps: closes the played range; buffering until the next frame is not a rebuffer. */
  seeking(): void {
    this.closeRange();
    if (!this.started) return;
    const now = this.now();
    this.accrue(now);
    this.endStall(now);
    this.playingSince = null;
    this.seekPending = true;
    if (this.state !== 'paused' && this.state !== 'ended') this.state = 'seeking';
  }

  /** Paused by the viewer, or autoplay was refused (before the first frame). */
  paused(): void {
    if (!this.started) {
      this.held = true;
      return;
    }
    this.halt('paused');
  }

  ended(): void {
    if (this.started) this.halt('ended');
  }

  /** A timeupdate: extends the VOD played range, and ends a stall the video never announced the end of. */
  time(currentTime: number): void {
    if (this.state === 'stalled' && currentTime > this.stallPosition + 0.2) this.playing();
    if (!this.trackRanges || this.state !== 'playing') return;
    const open = this.openRange;
    if (open && currentTime >= open[1] - 0.01 && currentTime - open[1] <= MaxContinuousStep) {
      open[1] = Math.max(open[1], currentTime);
    } else {
      this.closeRange();
      this.openRange = [currentTime, currentTime];
    }
  }

  /** The rendition being shown (e.g. "720p"); reported when it changes. */
  renditionChanged(name: string): void {
    const rendition = name.slice(0, 16);
    if (rendition === this.rendition) return;
    this.rendition = rendition;
    this.events.push({ type: 'rendition', rendition });
  }

  error(code: string, fatal: boolean): void {
    this.events.push({ type: 'error', code: code.slice(0, 64) || 'unknown', fatal });
  }

  /**
   * Sends what happened since the last beacon, if anything did. `unload` uses the unload transport
   * (navigator.sendBeacon), for pagehide and hidden tabs.
   */
  flush(unload: boolean): void {
    if (this.stopped) return;
    const beacon = this.collect();
    const batch = [...this.retained, ...(beacon ? [beacon] : [])].slice(-MaxBatch);
    if (batch.length === 0) return;
    this.retained = [];
    void this.options.send(batch, { unload }).then(
      (ok) => ok || this.retain(batch),
      () => this.retain(batch),
    );
  }

  /** The player goes away: one last beacon with an `end` event, and no more after it. */
  stop(): void {
    if (this.stopped) return;
    const now = this.now();
    this.accrue(now);
    this.endStall(now);
    this.playingSince = null;
    if (this.started) this.events.push({ type: 'end' });
    this.flush(true);
    this.stopped = true;
    if (this.timer !== null) (this.options.clearInterval ?? ((handle) => clearInterval(handle as ReturnType<typeof setInterval>)))(this.timer);
    this.timer = null;
  }

  private halt(state: 'paused' | 'ended'): void {
    const now = this.now();
    this.accrue(now);
    // A stall the viewer gave up on by pausing still happened; it ends here.
    this.endStall(now);
    this.playingSince = null;
    this.closeRange();
    this.state = state;
  }

  /** Adds the time played since `playingSince` to the watched total. */
  private accrue(now: number): void {
    if (this.playingSince === null) return;
    this.watchedMs += Math.max(0, now - this.playingSince);
    this.playingSince = now;
  }

  private endStall(now: number): void {
    if (this.stallStart === null) return;
    const remaining = Math.max(0, now - this.stallStart - this.stallReportedMs);
    this.events.push({ type: 'rebuffer', durationMs: Math.min(3_600_000, Math.round(remaining)) });
    this.stallStart = null;
    if (this.state === 'stalled') this.state = 'playing';
  }

  private closeRange(): void {
    const open = this.openRange;
    this.openRange = null;
    if (open && open[1] > open[0]) this.ranges.push([open[0], open[1]]);
  }

  /** The beacon for everything since the last one, or null when nothing happened. */
  private collect(): Beacon | null {
    const now = this.now();
    this.accrue(now);
    if (this.stallStart !== null) {
      const part = Math.max(0, now - this.stallStart - this.stallReportedMs);
      this.stallReportedMs += part;
      this.events.push({ type: 'rebuffer', durationMs: Math.min(3_600_000, Math.round(part)), ongoing: true });
    }
    let played: Array<[number, number]> | undefined;
    if (this.trackRanges) {
      const open = this.openRange;
      if (open && open[1] > open[0]) {
        this.ranges.push([open[0], open[1]]);
        this.openRange = [open[1], open[1]];
      }
      if (this.ranges.length > 0) played = mergeRanges(this.ranges).slice(0, MaxRanges);
      this.ranges = [];
    }
    const watchedSeconds = Math.min(MaxWatchedSeconds, round(this.watchedMs / 1000));
    this.watchedMs = 0;
    const events = this.events.splice(0, MaxEvents);
    if (watchedSeconds === 0 && events.length === 0 && !played) return null;
    const position = this.options.position();
    const beacon: Beacon = {
      playbackId: this.options.playbackId,
      viewerId: this.options.viewerId,
      ...this.options.target,
      seq: this.seq,
      position: round(Math.min(MaxPosition, Math.max(0, position !== null && Number.isFinite(position) ? position : 0))),
      watchedSeconds,
      ...(played ? { played } : {}),
      rendition: this.rendition,
      events,
    };
    this.seq += 1;
    return beacon;
  }

  private retain(batch: Beacon[]): void {
    if (this.stopped) return;
    this.retained = [...batch, ...this.retained].slice(-MaxRetained);
  }
}

/** Sorted, overlapping or touching ranges joined, rounded to milliseconds. */
export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = ranges.map(([a, b]) => [round(Math.max(0, a)), round(Math.max(0, b))] as [number, number]).filter(([a, b]) => b > a);
  sorted.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1] + 0.05) last[1] = Math.max(last[1], range[1]);
    else merged.push(range);
  }
  return merged;
}
