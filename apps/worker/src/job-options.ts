import type { ObjectStorage } from '@onda/storage';
import type { WorkerApiClient } from './api-client.js';
import type { Logger } from './logger.js';

/** What a one-shot media job (clip, VOD encode) is given: its payload, storage, the API, a scratch folder, a logger and the binaries. */
export interface MediaJobOptions<Job> {
  job: Job;
  storage: ObjectStorage;
  api: WorkerApiClient;
  scratchDir: string;
  logger: Logger;
  ffmpegPath?: string;
  /** ffprobe binary (default `ffprobe` on PATH). */
  ffprobePath?: string;
  /** Aborted when the worker shuts down. */
  signal?: AbortSignal;
}
