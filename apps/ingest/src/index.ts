export { createHttpIngestApiClient, type IngestApiClient } from './api-client.js';
export { startIngest, type IngestHandle, type IngestLogger, type IngestMetricsHooks, type IngestPublisherStats, type IngestServerConfig } from './ingest.js';
export { playToken, verifyPlayToken } from './source-info.js';
export { createIngestLogger } from './logger.js';
export { advertisedHost } from './advertise.js';
