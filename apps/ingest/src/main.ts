import { hostname } from 'node:os';
import { ConfigError, loadIngestConfig } from '@onda/config';
import { pino } from 'pino';
import { createHttpIngestApiClient } from './api-client.js';
import { startIngest, type IngestLogger } from './ingest.js';

async function main(): Promise<void> {
  const config = loadIngestConfig(process.env);
  const log = pino({ name: 'ingest', level: config.logLevel });
  if (!config.internalToken) throw new ConfigError(['ONDA_INTERNAL_TOKEN: required by the ingest']);
  // pino takes the context first; our interface takes the message first.
  const logger: IngestLogger = {
    info: (msg, ctx) => log.info(ctx ?? {}, msg),
    warn: (msg, ctx) => log.warn(ctx ?? {}, msg),
    error: (msg, ctx) => log.error(ctx ?? {}, msg),
  };
  const ingest = await startIngest({
    api: createHttpIngestApiClient(config.apiUrl, config.internalToken),
    config: {
      rtmpPort: config.rtmpPort,
      bind: config.bind,
      pullBaseUrl: config.pullBaseUrl,
      internalToken: config.internalToken,
      ingestId: config.ingestId ?? hostname(),
      dataDir: config.dataDir,
    },
    logger,
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Stop tells the API about every publisher it drops; exit once that is done or after 10 s.
    setTimeout(() => process.exit(1), 10_000).unref();
    ingest.stop().then(
      () => process.exit(0),
      (e: Error) => {
        log.error({ error: e.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((e: Error) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
