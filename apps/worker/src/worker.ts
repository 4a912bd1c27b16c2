import { CLIP_ATTEMPTS, VOD_ENCODE_ATTEMPTS, type LiveJob } from '@onda/contracts';
import { availableParallelism } from 'node:os';
import { warmUpFfmpeg } from '@onda/media';
import type { LiveTranscodeMetrics } from '@onda/observability';
import type { JobContext, JobQueue } from '@onda/queue';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectStorage } from '@onda/storage';
import type { WorkerApiClient } from './api-client.js';
import { handedOver, HandoverChannel } from './live-handover.js';
import { LiveSession, LiveSessionInterruptedError, type LiveSessionOptions } from './live.session.js';

/**
 * Whether a worker runs a live job now. Busy with other broadcasts and this one would run lighter than its
 * profile (short of CPU): hand it back once, so a worker with room can take it (scale-out). If it comes
 * back (no other worker took it), it runs as planned: lighter, never refused.
 */
export function admitLiveJob(a: { degradedReason: string | null; othersRunning: number; attempt: number }): boolean {
  return a.degradedReason === null || a.othersRunning === 0 || a.attempt > 1;
}

/** Thrown for a live job this worker hands back to the queue (see the admission in startWorker). */
export class LiveJobDeclinedError extends Error {
  constructor(sessionId: string) {
    super(`live session ${sessionId}: declined, this worker is short of CPU`);
    this.name = 'LiveJobDeclinedError';
  }
}
import { defaultLogger, withContext, type Logger } from './logger.js';
import { runVodEncode } from './vod-encode.job.js';
import { runClip } from './clip.job.js';

export interface WorkerConfig {
  scratchDir: string;
  ffmpegPath?: string;
  /** ffprobe binary (default `ffprobe` on PATH). */
  ffprobePath?: string;
  /** Live broadcasts at once on this worker (default 1: one ladder keeps two cores busy). */
  concurrency?: number;
  /** Cores the live transcodes may use together (default 85% of the machine's: the rest is for uploads, the API, ...). */
  liveCapacityCores?: number;
  /** Seconds of media in each live playlist (default 300). */
  liveWindowSeconds?: number;
  /** Seconds a shed broadcast keeps real time before trying the step above (default 60; doubles after a failed try). */
  liveStepUpSeconds?: number;
  /** Seconds between live thumbnails (default 30; 0 = none). */
  liveThumbnailSeconds?: number;
  /** VOD encodes at once on this worker (default 1). */
  vodConcurrency?: number;
  /** Clip cuts at once on this worker (default 2; stream copies, no encode). */
  clipConcurrency?: number;
  /** x264 preset of VOD encodes (default `faster`). */
  vodPreset?: string;
  /** Archive chunk length of recorded broadcasts (default 10 s). */
  archiveChunkSeconds?: number;
  /** OUTBOUND_ALLOW_PRIVATE: simulcast pushes may reach loopback and private addresses (default off). */
  outboundAllowPrivate?: boolean;
  logger?: Logger;
  /** Replaces the live sessions' RTMP input (tests feed lavfi; see LiveSessionOptions.input). */
  liveInput?: LiveSessionOptions['input'];
}

export interface WorkerDeps {
  queue: JobQueue;
  storage: ObjectStorage;
  api: WorkerApiClient;
  config: WorkerConfig;
  /** Live sessions and ingest health gauges on the process's metrics registry. */
  metrics?: LiveTranscodeMetrics;
}

/**
 * A running worker: `stop()` interrupts live sessions (left for another worker) and stops consuming.
 * `drain(ms)` (SIGTERM, before stop) takes no new jobs, lets VOD encodes and clips finish, and hands each
 * live broadcast to a successor worker (see LiveSession.handOver); it resolves when nothing runs any more
 * or after `ms`, and stop() then interrupts what is left, as after a kill.
 */
export interface RunningWorker {
  drain(ms: number): Promise<void>;
  stop(): Promise<void>;
  active(): number;
}

/** Past the drain deadline, how long a broadcast already being released to its successor may take to upload its last segments. */
const RELEASE_GRACE_MS = 10_000;

/** Consumes `live` jobs, one LiveSession per broadcast. */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const logger = deps.config.logger ?? defaultLogger();
  await warmUpFfmpeg(deps.config.ffmpegPath);
  let active = 0;
  const capacity = deps.config.liveCapacityCores ?? Math.round(availableParallelism() * 0.85 * 100) / 100;
  // Estimated cores of the broadcasts running here (each LiveSession's plan), for admission.
  const liveCosts = new Map<string, number>();
  const freeCores = (): number => Math.max(0, capacity - [...liveCosts.values()].reduce((a, b) => a + b, 0));
  // The live sessions running here, for a drain to hand over.
  type Live = { session: LiveSession; job: JobContext<'live'> };
  const lives = new Map<string, Live>();
  const consumer = deps.queue.consume(
    'live',
    async (job) => {
      // Lines carry the job id here and the live session id from the LiveSession on.
      const log = withContext(logger, { jobId: job.id });
      const view = await deps.api.session(job.payload.sessionId);
      const closed = view.state === 'ended' || view.state === 'failed';
      active++;
      try {
        const session = new LiveSession({
          job: job.payload,
          storage: deps.storage,
          api: deps.api,
          scratchDir: deps.config.scratchDir,
          ffmpegPath: deps.config.ffmpegPath,
          ffprobePath: deps.config.ffprobePath,
          logger: log,
          signal: job.signal,
          archiveChunkSeconds: deps.config.archiveChunkSeconds,
          metrics: deps.metrics,
          freeCores: freeCores(),
          windowSeconds: deps.config.liveWindowSeconds,
          ...(deps.config.liveStepUpSeconds ? { overload: { upAfterMs: deps.config.liveStepUpSeconds * 1000 } } : {}),
          simulcast: { allowPrivate: deps.config.outboundAllowPrivate === true },
          thumbnailIntervalSeconds: deps.config.liveThumbnailSeconds,
          ...(deps.config.liveInput ? { input: deps.config.liveInput } : {}),
        });
        if (!closed && !admitLiveJob({ degradedReason: session.plan.degradedReason, othersRunning: liveCosts.size, attempt: job.attempt })) {
          log.warn({ liveSessionId: job.payload.sessionId, freeCores: freeCores(), reason: session.plan.degradedReason }, 'declining a live job this worker cannot hold in full');
          throw new LiveJobDeclinedError(job.payload.sessionId);
        }
        if (!job.payload.handover && (await handedOver(deps.storage, job.payload.sessionId))) {
          log.info({ liveSessionId: job.payload.sessionId }, 'live job of a broadcast handed over to another worker: its successor runs it');
          return;
        }
        const { handover } = job.payload;
        if (closed && handover && (await new HandoverChannel(deps.storage, job.payload.sessionId, handover.token).outcome().catch(() => null))?.kind !== 'released') {
          // The successor of a hand-over whose broadcast ended before it took over: its predecessor finishes it.
          log.info({ liveSessionId: job.payload.sessionId, state: view.state }, 'hand-over job for a closed session');
          return;
        }
        if (closed) {
          // A retried job of a session the API closed meanwhile (its worker died): nothing to transcode, but
          // what the dead worker published and recorded is finalised, or the recording would be lost.
          const finalised = await session.finalise();
          log.info({ liveSessionId: job.payload.sessionId, state: view.state, finalised }, 'live job for a closed session');
          return;
        }
        liveCosts.set(job.payload.sessionId, session.plan.cost);
        log.info({ liveSessionId: job.payload.sessionId, plannedCores: session.plan.cost, freeCores: freeCores() + session.plan.cost, capacity }, 'live job admitted');
        lives.set(job.id, { session, job });
        const outcome = await session.execute();
        log.info({ liveSessionId: job.payload.sessionId, outcome }, 'live session done');
        // Failing the job on interruption makes the queue hand it to another worker, which resumes the playlists.
        // A hand-over completes it: the successor's job carries the broadcast on.
        if (outcome === 'interrupted') throw new LiveSessionInterruptedError(job.payload.sessionId);
      } finally {
        lives.delete(job.id);
        liveCosts.delete(job.payload.sessionId);
        active--;
      }
    },
    { concurrency: deps.config.concurrency ?? 1 },
  );
  const vods = deps.queue.consume(
    'vod-encode',
    async (job) => {
      // runVodEncode adds the VOD id to its lines.
      const log = withContext(logger, { jobId: job.id });
      active++;
      try {
        await runVodEncode({
          job: job.payload, storage: deps.storage, api: deps.api, scratchDir: deps.config.scratchDir, logger: log,
          ffmpegPath: deps.config.ffmpegPath, ffprobePath: deps.config.ffprobePath, signal: job.signal, preset: deps.config.vodPreset,
        });
      } catch (err) {
        log.error({ err, vodId: job.payload.vodId, attempt: job.attempt }, 'VOD encode attempt failed');
        // The queue retries a crash or a failed attempt; after the last one the VOD is failed for good.
        if (job.attempt >= VOD_ENCODE_ATTEMPTS && !job.signal.aborted) {
          await deps.api.vodResult(job.payload.vodId, { status: 'failed', reason: String((err as Error).message ?? err).slice(0, 2000) }).catch(() => undefined);
        }
        throw err;
      } finally {
        active--;
      }
    },
    { concurrency: deps.config.vodConcurrency ?? 1 },
  );
  const clips = deps.queue.consume(
    'clip',
    async (job) => {
      const log = withContext(logger, { jobId: job.id });
      active++;
      try {
        await runClip({ job: job.payload, storage: deps.storage, api: deps.api, scratchDir: deps.config.scratchDir, logger: log, ffmpegPath: deps.config.ffmpegPath, ffprobePath: deps.config.ffprobePath, signal: job.signal });
      } catch (err) {
        log.error({ err, clipId: job.payload.clipId, attempt: job.attempt }, 'clip attempt failed');
        if (job.attempt >= CLIP_ATTEMPTS && !job.signal.aborted) {
          await deps.api.clipResult(job.payload.clipId, { status: 'failed', reason: String((err as Error).message ?? err).slice(0, 2000) }).catch(() => undefined);
        }
        throw err;
      } finally {
        active--;
      }
    },
    // Stream copies take a second or two each: a few at once cost little next to an encode.
    { concurrency: deps.config.clipConcurrency ?? 2 },
  );
  const handOver = async (live: Live, deadline: AbortSignal, until: number): Promise<void> => {
    const { sessionId } = live.job.payload;
    const enqueue = (next: LiveJob): Promise<void> =>
      deps.queue.enqueue('live', next, { jobId: `live-${sessionId}-handover-${next.handover!.token}`, attempts: 5, backoffMs: 1000 });
    // Between two ffmpeg runs (a restart) there is nothing to hand over yet: try again shortly.
    while (!deadline.aborted && lives.get(live.job.id) === live) {
      if (await live.session.handOver(enqueue, deadline, until)) return;
      await sleep(1000, undefined, { signal: deadline }).catch(() => undefined);
    }
  };
  return {
    drain: async (ms) => {
      await Promise.all([consumer.pause(), vods.pause(), clips.pause()]);
      const until = Date.now() + ms;
      const deadline = AbortSignal.timeout(ms);
      logger.info({ live: lives.size, active, drainSeconds: ms / 1000 }, 'draining: no new jobs; handing over live broadcasts, finishing the rest');
      // Every live broadcast, normal or low latency, is handed over (see LiveSession.handOver).
      const handovers = [...lives.values()].map((live) => handOver(live, deadline, until));
      while (active > 0 && !deadline.aborted) await sleep(200);
      await Promise.all(handovers);
      // A broadcast being released uploads its last segments; interrupting it now would run it twice.
      const graceUntil = Date.now() + RELEASE_GRACE_MS;
      while ([...lives.values()].some((l) => l.session.releasing) && Date.now() < graceUntil) await sleep(200);
      logger.info({ active }, active > 0 ? 'drain deadline: interrupting what still runs' : 'drained');
    },
    stop: async () => {
      await Promise.all([consumer.close(), vods.close(), clips.close()]);
    },
    active: () => active,
  };
}
