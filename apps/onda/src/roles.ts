import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApi, type ApiOptions, type RunningApi } from '@onda/api';
import { requireApiSecrets, requireInternalToken, type AllConfig, type ApiConfig, type IngestConfig, type WorkerConfig } from '@onda/config';
import { JobSchemas } from '@onda/contracts';
import { createPrismaClient, migrate, startEmbeddedPostgres, type PrismaClient } from '@onda/db';
import { advertisedHost, createHttpIngestApiClient, createIngestLogger, startIngest, type IngestHandle } from '@onda/ingest';
import {
  CheckFailure, createMetricsRegistry, httpCheck, ingestMetrics, jobMetrics, liveTranscodeMetrics, queueDepthMetrics, startOpsServer, storageCheck,
  type ReadinessCheck, type Registry,
} from '@onda/observability';
import { createQueue, observeJobs, type JobQueue } from '@onda/queue';
import { createStorage, type ObjectStorage } from '@onda/storage';
import { createHttpWorkerApiClient, createWorkerLogger, startWorker } from '@onda/worker';
import { readOrCreateSecret } from './secrets.js';

export interface Stoppable {
  stop(): Promise<void>;
  /** Graceful drain before stop() on SIGTERM (see each role); absent = nothing to drain. */
  drain?(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const defaultWebDist = path.resolve(here, '../../web/dist');

function storageFor(config: { s3?: ApiConfig['s3']; dataDir: string }): ObjectStorage {
  return createStorage(config.s3 ? { s3: config.s3 } : { localDir: path.resolve(config.dataDir, 'media') });
}

/**
 * /metrics, /healthz and /readyz of a role without an HTTP server of its own (ingest, worker), on
 * METRICS_HOST:METRICS_PORT unless METRICS_PORT=off. Failed readiness checks are logged with their cause.
 * A port already taken (two workers on one host with the default port) is logged, not fatal: the role
 * still does its work, only unobserved.
 */
async function opsServer(role: string, metrics: { host: string; port: number | null; token?: string }, registry: Registry, readiness: ReadinessCheck[]): Promise<{ url?: string; stop(): Promise<void> }> {
  const log = (level: 'warn' | 'error', msg: string, fields: Record<string, unknown>) => console[level](JSON.stringify({ level, name: `onda-${role}`, msg, ...fields }));
  if (metrics.port === null) return { stop: async () => undefined };
  try {
    const server = await startOpsServer({
      host: metrics.host, port: metrics.port, registry, token: metrics.token, readiness,
      onNotReady: (report) => {
        for (const c of report.checks.filter((r) => !r.ok)) log('warn', 'not ready', { check: c.name, reason: c.reason, error: String((c.error as Error)?.message ?? c.error) });
      },
    });
    return { url: server.url, stop: () => server.close() };
  } catch (error) {
    log('error', `no /metrics, /healthz or /readyz: cannot listen on ${metrics.host}:${metrics.port} (set METRICS_PORT to a free port, or off)`, { error: (error as Error).message });
    return { stop: async () => undefined };
  }
}

const roleRegistry = (role: string): Registry => createMetricsRegistry({ labels: { role } });

interface ApiRole extends Stoppable {
  api: RunningApi;
  /** Set when this process started its own PostgreSQL (embedded mode). */
  embeddedDatabaseUrl?: string;
  queue: JobQueue;
  storage: ObjectStorage;
  internalToken: string;
}

/** What the API takes from its configuration, besides the secrets resolved at start. */
function apiOptions(config: Readonly<ApiConfig>, secrets: { internalToken: string; secret: string }): ApiOptions {
  // The API's section of the parsed configuration as it is, with the resolved secrets and the bundled console.
  return { ...config, ...secrets, webDist: config.webDist ?? defaultWebDist };
}

/** The API role: database (external or embedded), migrations, queue producer, storage, HTTP. */
export async function runApi(config: Readonly<ApiConfig>, opts: { internalToken?: string; metrics?: Registry } = {}): Promise<ApiRole> {
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
  const required = requireApiSecrets(config, opts.internalToken === undefined);
  const internalToken = opts.internalToken ?? required.internalToken!;
  const secret = required.secret ?? readOrCreateSecret(dataDir, 'secret.key');
  const api = await startApi(
    { prisma, queue, storage, metrics: opts.metrics ?? roleRegistry('api'), options: apiOptions(config, { internalToken, secret }) },
    { host: config.host, port: config.port, logLevel: config.logLevel },
  );
  stops.unshift(() => api.close());
  return {
    api,
    queue,
    storage,
    internalToken,
    ...(config.databaseUrl ? {} : { embeddedDatabaseUrl: databaseUrl }),
    // readyz 503 for API_DRAIN_SECONDS (the balancer takes the node out), then chat clients reconnect elsewhere.
    drain: () => api.drain({ waitMs: config.drainSeconds * 1000 }),
    stop: async () => {
      for (const stop of stops) await stop().catch((e: unknown) => console.error('shutdown step failed:', e));
    },
  };
}

/**
 * The ingest role: RTMP on RTMP_PORT, asking the API at API_URL. Its metrics go to `opts.metrics` (the
 * process registry in `onda all`, served by the API) or to its own /metrics server.
 */
export async function runIngest(config: Readonly<IngestConfig>, opts: { apiUrl?: string; internalToken?: string; metrics?: Registry } = {}): Promise<Stoppable & { port: number; metricsUrl?: string }> {
  const internalToken = opts.internalToken ?? requireInternalToken(config, 'ingest');
  const apiUrl = opts.apiUrl ?? config.apiUrl;
  const registry = opts.metrics ?? roleRegistry('ingest');
  // The gauges read the publishers of the ingest started below.
  const started: { ingest?: IngestHandle } = {};
  const metrics = ingestMetrics(registry, () => started.ingest?.publisherStats() ?? []);
  const ingest = await startIngest({
    api: createHttpIngestApiClient(apiUrl, internalToken),
    logger: createIngestLogger(config.logLevel),
    metrics,
    config: {
      rtmpPort: config.rtmpPort,
      bind: config.bind,
      internalToken,
      ingestId: config.ingestId ?? hostname(),
      dataDir: path.resolve(config.dataDir),
      ...(config.pullBaseUrl ? { pullBaseUrl: config.pullBaseUrl } : {}),
      // On its own (scale-out) workers on other machines pull from it: advertise this node's own address,
      // never a service name shared by replicas. In `onda all` the worker is in this process: loopback.
      ...(opts.apiUrl ? {} : { advertiseHost: advertisedHost(config.bind) }),
    },
  });
  started.ingest = ingest;
  const readiness = [httpCheck('api', `${apiUrl}/healthz`)];
  const ops = opts.metrics ? null : await opsServer('ingest', config.metrics, registry, readiness);
  return {
    port: ingest.port,
    ...(ops?.url ? { metricsUrl: ops.url } : {}),
    drain: async () => {
      // Not ready from now on: the balancer sends new publishes elsewhere (the ingest refuses them too).
      readiness.unshift({ name: 'drain', check: () => Promise.reject(new CheckFailure('draining')) });
      await ingest.drain(config.drainSeconds * 1000);
    },
    stop: async () => {
      await ops?.stop();
      await ingest.stop();
    },
  };
}

/** The worker role: consumes live jobs, runs ffmpeg, writes to storage, reports to the API; metrics as for the ingest. */
export async function runWorker(config: Readonly<WorkerConfig>, opts: { apiUrl?: string; internalToken?: string; queue?: JobQueue; storage?: ObjectStorage; metrics?: Registry } = {}): Promise<Stoppable & { metricsUrl?: string }> {
  const internalToken = opts.internalToken ?? requireInternalToken(config, 'worker');
  const queue = opts.queue ?? createQueue(config.redisUrl ? {
    redisUrl: config.redisUrl, prefix: config.queuePrefix, lockDurationMs: config.queueLockDurationMs, stalledIntervalMs: config.queueStalledIntervalMs,
  } : {});
  const storage = opts.storage ?? storageFor(config);
  if (!opts.queue && queue.driver === 'memory') {
    throw new Error('A worker process on its own needs REDIS_URL: the in-process queue only works when every role runs in one process (`onda all`)');
  }
  const apiUrl = opts.apiUrl ?? config.apiUrl;
  const registry = opts.metrics ?? roleRegistry('worker');
  queueDepthMetrics(registry, queue, Object.keys(JobSchemas));
  const worker = await startWorker({
    queue: observeJobs(queue, jobMetrics(registry)),
    storage,
    api: createHttpWorkerApiClient(apiUrl, internalToken),
    config: {
      scratchDir: path.resolve(config.scratchDir),
      ffmpegPath: config.ffmpegPath,
      ffprobePath: config.ffprobePath,
      concurrency: config.concurrency,
      liveCapacityCores: config.liveCapacityCores,
      liveWindowSeconds: config.liveWindowSeconds,
      liveStepUpSeconds: config.liveStepUpSeconds,
      liveThumbnailSeconds: config.liveThumbnailSeconds,
      outboundAllowPrivate: config.outboundAllowPrivate,
      logger: createWorkerLogger(config.logLevel),
    },
    metrics: liveTranscodeMetrics(registry),
  });
  const readiness = [
    httpCheck('api', `${apiUrl}/healthz`),
    ...(queue.driver === 'bullmq' ? [{ name: 'redis', check: () => queue.counts('live') }] : []),
    storageCheck(storage),
  ];
  const ops = opts.metrics ? null : await opsServer('worker', config.metrics, registry, readiness);
  return {
    ...(ops?.url ? { metricsUrl: ops.url } : {}),
    // SIGTERM: VOD encodes and clips finish, live broadcasts go to a successor worker (WORKER_DRAIN_SECONDS).
    drain: () => worker.drain(config.drainSeconds * 1000),
    stop: async () => {
      await ops?.stop();
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
export async function runAll(config: AllConfig): Promise<Stoppable & { apiUrl: string; rtmpPort: number; embeddedDatabaseUrl?: string }> {
  const internalToken = config.api.internalToken ?? randomBytes(32).toString('base64url');
  // One registry for the whole process, served at the API's /metrics (the ingest and worker start no metrics server).
  const metrics = roleRegistry('all');
  const api = await runApi(config.api, { internalToken, metrics });
  const apiUrl = api.api.url;
  const ingest = await runIngest(config.ingest, { apiUrl, internalToken, metrics });
  const worker = await runWorker(config.worker, { apiUrl, internalToken, queue: api.queue, storage: api.storage, metrics });
  return {
    apiUrl,
    rtmpPort: ingest.port,
    ...(api.embeddedDatabaseUrl ? { embeddedDatabaseUrl: api.embeddedDatabaseUrl } : {}),
    drain: async () => {
      await ingest.drain?.();
      await api.drain?.();
    },
    stop: async () => {
      await ingest.stop();
      await worker.stop();
      await api.stop();
    },
  };
}
