/** One look at a running live ffmpeg: its output media time and (when known) the CPU time it has used. */
export interface OverloadSample {
  atMs: number;
  /** ffmpeg's out_time: media seconds written so far in this run. */
  outTimeSeconds: number | null;
  /** CPU seconds (user + system) the ffmpeg process has used so far, when the OS tells. */
  cpuSeconds?: number | null;
}

export interface OverloadControllerOptions {
  /** Deepest step (maxShedLevel of the planned ladder). */
  maxLevel: number;
  /** Step the broadcast starts at. */
  level?: number;
  /** Cores this broadcast may use (the admission's free capacity). */
  capacityCores: number;
  /** Estimated cores of a step (ladderCost of shedLadder(level)); only ratios between steps are used. */
  costOf: (level: number) => number;
  /** Below this media-s per wall-s, the broadcast is not keeping real time (default 0.97). */
  slowSpeed?: number;
  /** How long the speed must stay low before shedding (default 10 s). */
  slowForMs?: number;
  /**
   * Sheds at once when output falls this many seconds behind its best (default 3 s: past that a viewer
   * 2.5 s behind the live edge has stalled; the bench's 1080p60 run on 2 cores drifted 6.6 s in 20 s
   * before the old 6 s bound and 10 s of slowness shed anything).
   */
  maxLagSeconds?: number;
  /** Window over which speed is measured (default 5 s). */
  speedWindowMs?: number;
  /** Ignore a run's first moments: probing, the ingest's GOP burst (default 4 s). */
  warmupMs?: number;
  /** Time at a shed step, keeping real time, before trying the step above (default 60 s; doubles after a failed try). */
  upAfterMs?: number;
  /** Largest wait between step-up tries (default 10 min). */
  maxUpAfterMs?: number;
}

export type OverloadDecision = { action: 'shed' | 'restore'; level: number; reason: string } | null;

/**
 * Decides, from ffmpeg's progress, when a live broadcast sheds load and when it steps back up. Pure: the
 * live session feeds samples and restarts ffmpeg at the new step. Speed is measured over a short window
 * from out_time (ffmpeg's own `speed=` is an average since the start and reacts far too slowly); lag is
 * how far behind wall-clock the output has fallen since its best moment in this run.
 */
export class OverloadController {
  private levelNow: number;
  private readonly samples: OverloadSample[] = [];
  private runStartMs = 0;
  private slowSinceMs: number | null = null;
  private bestOffset: number | null = null;
  private upAfterMs: number;
  private lastRestoreMs: number | null = null;
  private readonly o: Required<Omit<OverloadControllerOptions, 'level'>>;

  constructor(opts: OverloadControllerOptions) {
    this.o = {
      slowSpeed: 0.97, slowForMs: 10_000, maxLagSeconds: 3, speedWindowMs: 5000, warmupMs: 4000, upAfterMs: 60_000, maxUpAfterMs: 600_000, ...opts,
    };
    this.levelNow = opts.level ?? 0;
    this.upAfterMs = this.o.upAfterMs;
  }

  get level(): number {
    return this.levelNow;
  }

  /** A new ffmpeg run started (at the current level): forget the previous run's timing. */
  runStarted(atMs: number): void {
    this.runStartMs = atMs;
    this.samples.length = 0;
    this.slowSinceMs = null;
    this.bestOffset = null;
  }

  /** Feeds one sample; returns the step to move to, if any (the caller restarts ffmpeg and calls runStarted). */
  sample(s: OverloadSample): OverloadDecision {
    if (s.outTimeSeconds === null || s.atMs - this.runStartMs < this.o.warmupMs) return null;
    this.samples.push(s);
    while (this.samples.length > 2 && this.samples[0]!.atMs < s.atMs - this.o.speedWindowMs) this.samples.shift();
    // Lag counts from the first sample after the warm-up, not from when the speed window is full.
    const offset = (s.atMs - this.runStartMs) / 1000 - s.outTimeSeconds;
    this.bestOffset = this.bestOffset === null ? offset : Math.min(this.bestOffset, offset);
    const lag = offset - this.bestOffset;

    const first = this.samples[0]!;
    const span = (s.atMs - first.atMs) / 1000;
    if (span < Math.min(2, this.o.speedWindowMs / 1000)) return null;
    const speed = (s.outTimeSeconds - first.outTimeSeconds!) / span;

    if (speed < this.o.slowSpeed) this.slowSinceMs ??= s.atMs;
    else this.slowSinceMs = null;
    const slowFor = this.slowSinceMs === null ? 0 : s.atMs - this.slowSinceMs;

    if (lag > this.o.maxLagSeconds || slowFor >= this.o.slowForMs) {
      if (this.levelNow >= this.o.maxLevel) return null;
      // Shedding soon after a step up means that step did not hold: wait longer before the next try.
      if (this.lastRestoreMs !== null && s.atMs - this.lastRestoreMs < this.upAfterMs + this.o.warmupMs) {
        this.upAfterMs = Math.min(this.upAfterMs * 2, this.o.maxUpAfterMs);
      }
      this.levelNow++;
      const why = lag > this.o.maxLagSeconds ? `output ${lag.toFixed(1)} s behind real time` : `speed ${speed.toFixed(2)}x for ${(slowFor / 1000).toFixed(0)} s`;
      return { action: 'shed', level: this.levelNow, reason: why };
    }

    if (this.levelNow > 0 && s.atMs - this.runStartMs >= this.upAfterMs && speed >= 0.99 && lag < 1) {
      // With a CPU reading, step up only when the step above is predicted to fit the capacity.
      const cores = this.coresUsed();
      if (cores !== null) {
        const predicted = (cores * this.o.costOf(this.levelNow - 1)) / Math.max(1e-6, this.o.costOf(this.levelNow));
        if (predicted > this.o.capacityCores) return null;
      }
      this.levelNow--;
      this.lastRestoreMs = s.atMs;
      return { action: 'restore', level: this.levelNow, reason: cores === null ? 'keeping real time' : `using ${cores.toFixed(2)} cores of ${this.o.capacityCores.toFixed(2)}` };
    }
    return null;
  }

  /** Cores the process used over the speed window, or null without CPU readings. */
  private coresUsed(): number | null {
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    if (first.cpuSeconds == null || last.cpuSeconds == null || last.atMs <= first.atMs) return null;
    return (last.cpuSeconds - first.cpuSeconds) / ((last.atMs - first.atMs) / 1000);
  }
}
