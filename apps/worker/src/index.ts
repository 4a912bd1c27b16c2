export { startWorker, type RunningWorker, type WorkerConfig, type WorkerDeps } from './worker.js';
export { createHttpWorkerApiClient, WorkerApiError, type WorkerApiClient } from './api-client.js';
export { LiveSession, LiveSessionInterruptedError, type LiveSessionOptions, type LiveSessionOutcome } from './live.session.js';
export { PlaylistPublisher } from './playlist-publisher.js';
export type { Logger } from './logger.js';
