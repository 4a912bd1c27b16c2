import { createLogger } from '@onda/observability';
import type { IngestLogger } from './ingest.js';

/** JSON logs on stdout through pino; pino takes the context first, IngestLogger the message first. */
export function createIngestLogger(level = 'info'): IngestLogger {
  const log = createLogger('ingest', level);
  return {
    info: (msg, ctx) => log.info(ctx ?? {}, msg),
    warn: (msg, ctx) => log.warn(ctx ?? {}, msg),
    error: (msg, ctx) => log.error(ctx ?? {}, msg),
  };
}
