export { startWorker, type RunningWorker, type WorkerConfig, type WorkerDeps } from './worker.js';
export { createHttpWorkerApiClient, type WorkerApiClient } from './api-client.js';
export { LiveSession, LiveSessionInterruptedError, type LiveSessionOptions, type LiveSessionOutcome } from './live.session.js';
export { PlaylistPublisher } from './playlist-publisher.js';
export { defaultLogger as createWorkerLogger, withContext, type Logger } from './logger.js';
export { IngestHealthSampler, measureSourceFile, newestSourceCopy, type SourceMeasure } from './ingest-health.js';
export { runVodEncode, VodInputError, archiveTolerance, type VodEncodeOptions } from './vod-encode.job.js';
export { ArchiveRecorder, sortChunks, chunkOrder } from './archive-recorder.js';
