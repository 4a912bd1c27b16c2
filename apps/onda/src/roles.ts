import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApi, type RunningApi } from '@onda/api';
import { loadApiConfig, loadIngestConfig, loadWorkerConfig, requireInternalToken, type ApiConfig, type Env } from '@onda/config';
import { createPrismaClient, migrate, startEmbeddedPostgres, type PrismaClient } from '@onda/db';
import { createHttpIngestApiClient, createIngestLogger, startIngest } from '@onda/ingest';
import { createQueue, type JobQueue } from '@onda/queue';
import { createStorage, type ObjectStorage } from '@onda/storage';
import { createHttpWorkerApiClient, startWorker } from '@onda/worker';
import { readOrCreateSecret } from './secrets.js';

export interface Stoppable {
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultWebDist = path.resolve(here, '../../web/dist');

function storageFor(config: { s3?: ApiConfig['s3']; dataDir: string }): ObjectStorage {
  return createStorage(config.s3 ? { s3: config.s3 } : { localDir: path.resolve(config.dataDir, 'media') });
}

interface ApiRole extends Stoppable {
  api: RunningApi;
  /** Set when this process started its own PostgreSQL (embedded mode). */
  embeddedDatabaseUrl?: string;
  queue: JobQueue;
  storage: ObjectStorage;
  internalToken: string;
}

/** The API role: database (external or embedded), migrations, queue producer, storage, HTTP. */
export async function runApi(env: Env, opts: { internalToken?: string } = {}): Promise<ApiRole> {
  const config = loadApiConfig(env);
  const dataDir = path.resolve(config.dataDir);
  const stops: Array<() => Promise<unknown>> = [];
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres') });
    stops.push(() => pg.stop());
    databaseUrl = pg.connectionString;
  }
  await migrate(databaseUrl);
  const prisma: PrismaClient = createPrismaClient(databaseUrl);
  stops.unshift(() => prisma.$disconnect());
  const queue = createQueue(config.redisUrl ? { redisUrl: config.redisUrl, prefix: config.queuePrefix } : {});
  stops.unshift(() => queue.close());
  const storage = storageFor(config);
  stops.unshift(() => storage.close());
  const internalToken = opts.internalToken ?? requireInternalToken(config, 'API');
  const secret = config.secret ?? readOrCreateSecret(dataDir, 'secret.key');
  const mediaBaseUrl = config.mediaPublicUrl ?? `${config.publicUrl}/media`;
  const api = await startApi(
    {
      prisma,
      queue,
      storage,
      options: { publicUrl: config.publicUrl, mediaBaseUrl, rtmpPublicUrl: config.rtmpPublicUrl, internalToken, secret, webDist: config.webDist ?? defaultWebDist, webhooks: { allowPrivate: config.webhooksAllowPrivate }, ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) },
    },
    { host: config.host, port: config.port, logLevel: config.logLevel },
  );
  stops.unshift(() => api.close());
  return {
    api,
    queue,
    storage,
    internalToken,
    ...(config.databaseUrl ? {} : { embeddedDatabaseUrl: databaseUrl }),
    stop: async () => {
      for (const stop of stops) await stop().catch((e: unknown) => console.error('shutdown step failed:', e));
    },
  };
}

/** The ingest role: RTMP on RTMP_PORT, asking the API at API_URL. */
export async function runIngest(env: Env, opts: { apiUrl?: string; internalToken?: string } = {}): Promise<Stoppable & { port: number }> {
  const config = loadIngestConfig(env);
  const internalToken = opts.internalToken ?? requireInternalToken(config, 'ingest');
  const ingest = await startIngest({
    api: createHttpIngestApiClient(opts.apiUrl ?? config.apiUrl, internalToken),
    logger: createIngestLogger(config.logLevel),
    config: {
      rtmpPort: config.rtmpPort,
      bind: config.bind,
      internalToken,
      ingestId: config.ingestId ?? hostname(),
      dataDir: path.resolve(config.dataDir),
      ...(config.pullBaseUrl ? { pullBaseUrl: config.pullBaseUrl } : {}),
    },
  });
  return { port: ingest.port, stop: () => ingest.stop() };
}

/** The worker role: consumes live jobs, runs ffmpeg, writes to storage, reports to the API. */
export async function runWorker(env: Env, opts: { apiUrl?: string; internalToken?: string; queue?: JobQueue; storage?: ObjectStorage } = {}): Promise<Stoppable> {
  const config = loadWorkerConfig(env);
  const internalToken = opts.internalToken ?? requireInternalToken(config, 'worker');
  const queue = opts.queue ?? createQueue(config.redisUrl ? { redisUrl: config.redisUrl, prefix: config.queuePrefix } : {});
  const storage = opts.storage ?? storageFor(config);
  if (!opts.queue && queue.driver === 'memory') {
    throw new Error('A worker process on its own needs REDIS_URL: the in-process queue only works when every role runs in one process (`onda all`)');
  }
  const worker = await startWorker({
    queue,
    storage,
    api: createHttpWorkerApiClient(opts.apiUrl ?? config.apiUrl, internalToken),
    config: { scratchDir: path.resolve(config.scratchDir), ffmpegPath: config.ffmpegPath, concurrency: config.concurrency },
  });
  return {
    stop: async () => {
      await worker.stop();
      if (!opts.queue) await queue.close();
      if (!opts.storage) await storage.close();
    },
  };
}

/**
 * Every role in this process. With nothing configured this is the embedded mode: PostgreSQL started
 * by Onda, media on local disk, in-process queue. The roles still talk over the same HTTP contract.
 */
export async function runAll(env: Env): Promise<Stoppable & { apiUrl: string; rtmpPort: number; embeddedDatabaseUrl?: string }> {
  const internalToken = loadApiConfig(env).internalToken ?? randomBytes(32).toString('base64url');
  const api = await runApi(env, { internalToken });
  const apiUrl = api.api.url;
  const ingest = await runIngest(env, { apiUrl, internalToken });
  const worker = await runWorker(env, { apiUrl, internalToken, queue: api.queue, storage: api.storage });
  return {
    apiUrl,
    rtmpPort: ingest.port,
    ...(api.embeddedDatabaseUrl ? { embeddedDatabaseUrl: api.embeddedDatabaseUrl } : {}),
    stop: async () => {
      await ingest.stop();
      await worker.stop();
      await api.stop();
    },
  };
}
