import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IngestHealthPoint } from '@onda/contracts';
import { keyframeTimes, probe, type FfmpegProgress } from '@onda/media';
import type { LiveTranscodeMetrics } from '@onda/observability';
import type { WorkerApiClient } from './api-client.js';
import { sortChunks } from './archive-recorder.js';
import type { Logger } from './logger.js';

/** What the worker can tell about the encoder's stream from a file that copies it. */
export interface SourceMeasure {
  bitrateKbps: number | null;
  keyframeIntervalSeconds: number | null;
}

/**
 * Bitrate and keyframe interval of a file that copies the source without re-encoding (an archive chunk
 * or a passthrough segment): size / duration, and the median gap between keyframe packets (ffprobe
 * reads packets only, no decoding: a few tens of milliseconds for a 10 s chunk). Such a file starts on
 * a keyframe and ends before the next one, so with a single keyframe its duration is the interval.
 */
export async function measureSourceFile(file: string, opts: { ffprobePath?: string } = {}): Promise<SourceMeasure> {
  const [times, info, st] = await Promise.all([keyframeTimes(file, opts), probe(file, opts), stat(file)]);
  const duration = Number(info.format.duration);
  const bitrateKbps = Number.isFinite(duration) && duration > 0 ? Math.round((st.size * 8) / duration / 100) / 10 : null;
  const gaps = times.slice(1).map((t, i) => t - times[i]!).filter((g) => g > 0).sort((a, b) => a - b);
  // The lower median: a chunk's first timestamps are shifted a little by its reset, so of two gaps take the smaller.
  const median = gaps.length > 0 ? gaps[Math.floor((gaps.length - 1) / 2)]! : times.length === 1 && bitrateKbps !== null ? duration : null;
  // Tenths of a second: timestamps of a remuxed chunk jitter by a few ms, and encoders are set in whole frames anyway.
  return { bitrateKbps, keyframeIntervalSeconds: median === null ? null : Math.round(median * 10) / 10 };
}

const SEGMENT = /^r(\d+)_(\d+)\.ts$/;

/**
 * The newest complete copy of the source in a live session's scratch folder: the archive chunk before
 * the one being written (recorded broadcasts), else the newest passthrough segment (ffmpeg renames a
 * segment into place only once it is complete). Null when neither exists: then only ffmpeg's own
 * progress is known.
 */
export async function newestSourceCopy(o: { archiveDir?: string; passthroughDir?: string }): Promise<string | null> {
  const list = (dir: string) => readdir(dir).catch(() => [] as string[]);
  if (o.archiveDir) {
    const chunks = sortChunks(await list(o.archiveDir));
    if (chunks.length >= 2) return join(o.archiveDir, chunks.at(-2)!);
  }
  if (o.passthroughDir) {
    const segments = (await list(o.passthroughDir))
      .map((n) => ({ n, m: SEGMENT.exec(n) }))
      .filter((s): s is { n: string; m: RegExpExecArray } => s.m !== null)
      .sort((a, b) => Number(a.m[1]) - Number(b.m[1]) || Number(a.m[2]) - Number(b.m[2]));
    if (segments.length > 0) return join(o.passthroughDir, segments.at(-1)!.n);
  }
  return null;
}

export interface IngestHealthOptions {
  liveSessionId: string;
  api: Pick<WorkerApiClient, 'health'>;
  logger: Logger;
  metrics?: LiveTranscodeMetrics;
  /** Newest complete file that copies the source, if any (see newestSourceCopy). */
  sourceFile: () => Promise<string | null>;
  /** ffprobe binary for measureSourceFile (default `ffprobe` on PATH). */
  ffprobePath?: string;
  /** Replaces measureSourceFile (tests). */
  measure?: (file: string) => Promise<SourceMeasure>;
  /** Default 10 s. */
  intervalMs?: number;
  now?: () => Date;
}

/**
 * Ingest health of one live session, every ~10 s while its ffmpeg runs: fps, speed and dropped frames
 * from ffmpeg's progress; bitrate and keyframe interval measured on the newest copy of the source
 * (ffmpeg's own bitrate is N/A with HLS outputs). Each sample is posted to the API without retries (a
 * lost sample is replaced by the next) and set on the worker's gauges. Without recording or passthrough
 * there is no copy of the source: the bitrate is then 0 (unknown) and the keyframe interval null.
 */
export class IngestHealthSampler {
  private progress: (() => FfmpegProgress | null) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private droppedBefore = 0;
  private measured: { file: string; value: SourceMeasure } | null = null;
  private sampling: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: IngestHealthOptions) {}

  /** Samples the given ffmpeg (one run of the session) until detach(). */
  attach(progress: () => FfmpegProgress | null): void {
    this.detach();
    this.progress = progress;
    // A new ffmpeg counts its dropped frames from zero.
    this.droppedBefore = 0;
    this.timer = setInterval(() => {
      this.sampling = this.sample();
    }, this.o.intervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Stops sampling the ffmpeg that exited: its gauges go (no series rather than stale ones while none runs). */
  detach(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.progress) this.o.metrics?.sample(this.o.liveSessionId, { bitrateKbps: null, fps: null, speed: null, keyframeIntervalSeconds: null, droppedFrames: 0 });
    this.timer = null;
    this.progress = null;
  }

  /** Stops sampling and removes the session's series from the gauges. */
  async close(): Promise<void> {
    this.detach();
    await this.sampling;
    this.o.metrics?.sessionEnded(this.o.liveSessionId);
  }

  /** One sample now: measured, posted and set on the gauges; null while ffmpeg has reported nothing. */
  async sample(): Promise<IngestHealthPoint | null> {
    const run = this.progress;
    const p = run?.();
    if (!p) return null;
    const source = await this.measureSource();
    // ffmpeg exited while the source was measured: nothing to report for it any more.
    if (this.progress !== run) return null;
    const dropped = p.dropFrames ?? 0;
    // ffmpeg reports a running total; the point carries the frames dropped since the previous sample.
    const droppedFrames = Math.max(0, Math.round(dropped - this.droppedBefore));
    this.droppedBefore = dropped;
    const point: IngestHealthPoint = {
      at: (this.o.now?.() ?? new Date()).toISOString(),
      bitrateKbps: source?.bitrateKbps ?? (p.bitrateKbps !== null && p.bitrateKbps >= 0 ? p.bitrateKbps : 0),
      fps: p.fps !== null && p.fps >= 0 ? Math.round(p.fps * 100) / 100 : 0,
      keyframeIntervalSeconds: source?.keyframeIntervalSeconds ?? null,
      droppedFrames,
      speed: p.speed !== null && p.speed >= 0 ? p.speed : null,
    };
    this.o.metrics?.sample(this.o.liveSessionId, {
      bitrateKbps: source?.bitrateKbps ?? p.bitrateKbps,
      fps: p.fps,
      speed: p.speed,
      keyframeIntervalSeconds: point.keyframeIntervalSeconds,
      droppedFrames,
    });
    try {
      await this.o.api.health?.(this.o.liveSessionId, point);
    } catch (err) {
      // The API may be older than this worker (no health route) or busy: the next sample follows soon.
      this.o.logger.debug({ err }, 'could not post an ingest health sample');
    }
    return point;
  }

  /** The newest source copy's measure; a file is measured once, a failed measure keeps the previous one. */
  private async measureSource(): Promise<SourceMeasure | null> {
    try {
      const file = await this.o.sourceFile();
      if (file && file !== this.measured?.file) {
        this.measured = { file, value: await (this.o.measure ?? ((f: string) => measureSourceFile(f, { ffprobePath: this.o.ffprobePath })))(file) };
      }
    } catch (err) {
      this.o.logger.debug({ err }, 'could not measure the source');
    }
    return this.measured?.value ?? null;
  }
}
