import type { LiveJob, Rendition } from '@onda/contracts';
import {
  AAC_LC_CODEC, avc1Codec, encodingFor, isAudioOnly, ladderCost, maxShedLevel, planLiveLadder, presetFor, renditionFps, shedLadder, type LivePlan, type MasterVariant,
} from '@onda/media';
import type { LiveTranscodeMetrics } from '@onda/observability';
import type { MediaJobOptions } from './job-options.js';
import type { OverloadControllerOptions } from './overload-controller.js';
import type { RetryOptions } from './retry.js';
import type { SimulcastOptions } from './simulcast.js';

// What a LiveSession is given, how it ends, its ladder and its master playlist's variants (the session itself is live.session.ts).

/**
 * MediaJobOptions' `ffprobePath` serves passthrough codecs and ingest health here; its `signal` (the worker shutting
 * down) means: stop, upload what exists, leave the session for another worker.
 */
export interface LiveSessionOptions extends MediaJobOptions<LiveJob> {
  /** Replaces the RTMP input per run (tests feed lavfi here); `pullUrl` is the URL the run would pull. */
  input?: (run: number, pullUrl: string) => { url: string; args: readonly string[] };
  /** A run shorter than this counts as a quick failure (default 10 s). */
  quickFailureMs?: number;
  /** Consecutive quick failures before the session is marked failed (default 5). */
  maxQuickFailures?: number;
  /** Restart delays: 0.5 s doubling up to this cap (default 8 s). */
  restartBackoffCapMs?: number;
  /** Interval of health events (default 5 s). */
  healthIntervalMs?: number;
  uploadRetry?: Partial<RetryOptions>;
  /** Length of the archive's MP4 chunks when the job records (default 10 s): what a lost scratch disk can cost. */
  archiveChunkSeconds?: number;
  /** How often a running ffmpeg checks with the API that the publisher is still there (default 1 s). */
  publisherPollMs?: number;
  /** The worker's live gauges (sessions, ingest health). */
  metrics?: LiveTranscodeMetrics;
  /** Interval of ingest health samples posted to the API (default 10 s). */
  ingestHealthIntervalMs?: number;
  /** Cores this worker has free for the broadcast (admission decided it; default: unbounded). */
  freeCores?: number;
  /** Seconds of media in each live playlist (default 300); the whole timeline stays in `full.m3u8` and the replay. */
  windowSeconds?: number;
  /** Overload controller tuning (tests shorten its windows). */
  overload?: Partial<OverloadControllerOptions>;
  /** Simulcast pushes: the operator's OUTBOUND_ALLOW_PRIVATE, poll and backoff tuning (tests). */
  simulcast?: Pick<SimulcastOptions, 'allowPrivate' | 'pollMs' | 'backoff'>;
  /** Seconds between live thumbnails (default THUMBNAIL_INTERVAL_SECONDS; 0 = none). */
  thumbnailIntervalSeconds?: number;
}

/**
 * How a session ended: finished (ENDLIST written), failed, interrupted (left for another worker), handed over
 * (a successor continues it, see handOver) or stood down (a successor that did not take over: nothing published).
 */
export type LiveSessionOutcome = 'ended' | 'failed' | 'interrupted' | 'handed-over' | 'stood-down';


/** Thrown by the job handler for an interrupted session so the queue hands the job to another worker. */
export class LiveSessionInterruptedError extends Error {
  constructor(sessionId: string) {
    super(`live session ${sessionId} interrupted by shutdown`);
    this.name = 'LiveSessionInterruptedError';
  }
}

/** Live playlists hold the last 5 minutes: a 4-hour broadcast does not make players reload 7,200 lines every 2 s. */
export const DEFAULT_WINDOW_SECONDS = 300;

/**
 * The ladder of a broadcast against the cores this worker has free. Low latency encodes every rung: a
 * passthrough copy's keyframes would not line up with the parts, so where normal mode would fall back to
 * copying the source (nothing encoded fits), low latency runs the lightest overload step instead.
 */
export function planLadderFor(job: LiveJob, freeCores: number): LivePlan {
  if (job.latencyMode !== 'low') return planLiveLadder(job.source, { profile: job.profile, passthrough: job.passthrough, preset: presetFor(job.profile), freeCores });
  const opts = { profile: 'default', passthrough: false, preset: presetFor('default'), freeCores } as const;
  const plan = planLiveLadder(job.source, opts);
  if (!plan.renditions.some((r) => r.passthrough)) return plan;
  const encoded = planLiveLadder(job.source, { ...opts, freeCores: Number.POSITIVE_INFINITY });
  const maxLevel = maxShedLevel(encoded.renditions, job.source.fps);
  const lightest = shedLadder(encoded.renditions, encoded.preset, maxLevel, job.source.fps);
  return { ...encoded, cost: ladderCost(job.source, lightest.renditions, lightest.preset), shedLevel: maxLevel, degradedReason: 'the server is short of CPU and low latency cannot copy the source: the lightest ladder runs' };
}

/** The master playlist's variants of a broadcast; `measure` gives a copied rendition's measured codec and bit rate. */
export function masterVariants(job: LiveJob, renditions: readonly Rendition[], measure: (rendition: string) => { codec: string; bitsPerSecond: number } | undefined): MasterVariant[] {
  return renditions.map((r) => {
    const measured = measure(r.name);
    // Unknown passthrough profile: High 4.0 covers typical 1080p30 encoder output.
    const video = r.passthrough ? (measured?.codec ?? 'avc1.640028') : avc1Codec(encodingFor(r, job.source.fps));
    const v: MasterVariant = {
      rendition: r,
      uri: `${r.name}/index.m3u8`,
      codecs: isAudioOnly(r) ? AAC_LC_CODEC : job.source.hasAudio ? `${video},${AAC_LC_CODEC}` : video,
      // Each rung's own rate: rungs at 720p and below are often capped under the source's.
      frameRate: isAudioOnly(r) ? null : renditionFps(r, job.source) || null,
    };
    if (measured && measured.bitsPerSecond > 0) {
      v.averageBandwidth = measured.bitsPerSecond;
      v.peakBandwidth = measured.bitsPerSecond * 1.2;
    }
    return v;
  });
}
