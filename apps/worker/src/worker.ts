import { VOD_ENCODE_ATTEMPTS } from '@onda/contracts';
import { warmUpFfmpeg } from '@onda/media';
import type { LiveTranscodeMetrics } from '@onda/observability';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import type { WorkerApiClient } from './api-client.js';
import { LiveSession, LiveSessionInterruptedError } from './live.session.js';
import { defaultLogger, withContext, type Logger } from './logger.js';
import { runVodEncode } from './vod-encode.job.js';

export interface WorkerConfig {
  scratchDir: string;
  ffmpegPath?: string;
  /** Live broadcasts at once on this worker (default 1: one ladder keeps two cores busy). */
  concurrency?: number;
  /** VOD encodes at once on this worker (default 1). */
  vodConcurrency?: number;
  /** x264 preset of VOD encodes (default `faster`). */
  vodPreset?: string;
  /** Archive chunk length of recorded broadcasts (default 10 s). */
  archiveChunkSeconds?: number;
  logger?: Logger;
}

export interface WorkerDeps {
  queue: JobQueue;
  storage: ObjectStorage;
  api: WorkerApiClient;
  config: WorkerConfig;
  /** Live sessions and ingest health gauges on the process's metrics registry. */
  metrics?: LiveTranscodeMetrics;
}

/** A running worker: `stop()` interrupts live sessions (left for another worker) and stops consuming. */
export interface RunningWorker {
  stop(): Promise<void>;
  active(): number;
}

/** Consumes `live` jobs, one LiveSession per broadcast. */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const logger = deps.config.logger ?? defaultLogger();
  await warmUpFfmpeg(deps.config.ffmpegPath);
  let active = 0;
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
          logger: log,
          signal: job.signal,
          archiveChunkSeconds: deps.config.archiveChunkSeconds,
          metrics: deps.metrics,
        });
        if (closed) {
          // A retried job of a session the API closed meanwhile (its worker died): nothing to transcode, but
          // what the dead worker published and recorded is finalised, or the recording would be lost.
          const finalised = await session.finalise();
          log.info({ liveSessionId: job.payload.sessionId, state: view.state, finalised }, 'live job for a closed session');
          return;
        }
        const outcome = await session.execute();
        log.info({ liveSessionId: job.payload.sessionId, outcome }, 'live session done');
        // Failing the job on interruption makes the queue hand it to another worker, which resumes the playlists.
        if (outcome === 'interrupted') throw new LiveSessionInterruptedError(job.payload.sessionId);
      } finally {
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
          ffmpegPath: deps.config.ffmpegPath, signal: job.signal, preset: deps.config.vodPreset,
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
  return {
    stop: async () => {
      await Promise.all([consumer.close(), vods.close()]);
    },
    active: () => active,
  };
}
