import { z } from 'zod';
import { bool, optionalString, optionalUrl, parseEnv, port, type Env } from './env.js';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** S3-compatible storage; when S3_BUCKET is unset Onda stores media on local disk under DATA_DIR. */
const s3Fields = {
  S3_ENDPOINT: optionalUrl,
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: optionalString,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: bool(true),
};

const common = {
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: logLevel,
  REDIS_URL: optionalUrl,
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - (1-40)').default('onda'),
  ONDA_INTERNAL_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(24, 'at least 24 characters').optional()),
  // Bearer token Prometheus must send to /metrics; unset = open (bind the metrics port privately then).
  METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'at least 16 characters').optional()),
  ...s3Fields,
};

/** Port of a role's own /metrics, /healthz and /readyz server: a number (0 = any free port), or `off`. */
const metricsPort = (fallback: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? fallback : String(v).toLowerCase() === 'off' ? null : v), z.coerce.number().int().min(0).max(65535).nullable());

export interface S3Config {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

function s3From(env: { S3_ENDPOINT?: string; S3_REGION: string; S3_BUCKET?: string; S3_ACCESS_KEY_ID?: string; S3_SECRET_ACCESS_KEY?: string; S3_FORCE_PATH_STYLE: boolean }): S3Config | undefined {
  if (!env.S3_BUCKET) return undefined;
  return {
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    accessKeyId: env.S3_ACCESS_KEY_ID ?? '',
    secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? '',
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
  };
}

const smtpFrom = (env: Env): string[] => (env.SMTP_URL && !env.SMTP_FROM ? ['SMTP_FROM: the sender address (e.g. "Onda <onda@example.com>") is required with SMTP_URL'] : []);

const s3Credentials = (env: Env): string[] =>
  env.S3_BUCKET && (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)
    ? ['S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required with S3_BUCKET']
    : [];

// ---- Chat translation (off unless TRANSLATE_PROVIDER names one) ----
export const TranslateProviders = ['libretranslate', 'deepl', 'google', 'papago'] as const;
export type TranslateProvider = (typeof TranslateProviders)[number];
const translateInt = (min: number, max: number, fallback: number) => z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).max(max).default(fallback));
const translateFields = {
  TRANSLATE_PROVIDER: z.preprocess((v) => (v === undefined || v === '' ? 'off' : String(v).toLowerCase()), z.enum(['off', ...TranslateProviders])),
  /** The provider's translate endpoint (each has a default but LibreTranslate, which is self-hosted). */
  TRANSLATE_URL: optionalUrl,
  TRANSLATE_API_KEY: optionalString,
  /** Characters each channel may send to the provider per clock hour (0 = none). */
  TRANSLATE_BUDGET_CHARS_PER_HOUR: translateInt(0, 1_000_000_000, 100_000),
  /** Provider requests per channel per minute (each carries a batch of messages). */
  TRANSLATE_REQUESTS_PER_MINUTE: translateInt(1, 100_000, 60),
  /** A provider that has not answered by then is given up on for that batch (the originals show). */
  TRANSLATE_TIMEOUT_MS: translateInt(100, 60_000, 3000),
};

/** What the API needs to translate chat (TRANSLATE_*); absent when TRANSLATE_PROVIDER is off. The key is never logged. */
export interface TranslationConfig {
  provider: TranslateProvider;
  url?: string;
  apiKey?: string;
  budgetCharsPerHour: number;
  requestsPerMinute: number;
  timeoutMs: number;
}

const translateChecks = (env: Env): string[] => {
  const provider = (env.TRANSLATE_PROVIDER ?? '').toLowerCase();
  if (!provider || provider === 'off') return [];
  const key = env.TRANSLATE_API_KEY ?? '';
  const issues: string[] = [];
  if (provider === 'libretranslate' && !env.TRANSLATE_URL) issues.push('TRANSLATE_URL: required with TRANSLATE_PROVIDER=libretranslate (your server, e.g. http://translate.internal:5000/translate)');
  if (['deepl', 'google', 'papago'].includes(provider) && !key) issues.push(`TRANSLATE_API_KEY: required with TRANSLATE_PROVIDER=${provider}`);
  if (provider === 'papago' && key && !/^[^:]+:.+$/.test(key)) issues.push('TRANSLATE_API_KEY: Papago needs "<client id>:<client secret>"');
  return issues;
};

function translationFrom(e: { TRANSLATE_PROVIDER: string; TRANSLATE_URL?: string; TRANSLATE_API_KEY?: string; TRANSLATE_BUDGET_CHARS_PER_HOUR: number; TRANSLATE_REQUESTS_PER_MINUTE: number; TRANSLATE_TIMEOUT_MS: number }): TranslationConfig | undefined {
  if (e.TRANSLATE_PROVIDER === 'off') return undefined;
  return Object.freeze(defined({
    provider: e.TRANSLATE_PROVIDER as TranslateProvider, url: e.TRANSLATE_URL, apiKey: e.TRANSLATE_API_KEY,
    budgetCharsPerHour: e.TRANSLATE_BUDGET_CHARS_PER_HOUR, requestsPerMinute: e.TRANSLATE_REQUESTS_PER_MINUTE, timeoutMs: e.TRANSLATE_TIMEOUT_MS,
  }));
}

/** Largest VOD upload the API accepts by default: 20 GiB. */
export const UPLOAD_MAX_BYTES_DEFAULT = 20 * 1024 ** 3;

const ApiEnvSchema = z.object({
    ...common,
    API_HOST: z.string().default('0.0.0.0'),
    API_PORT: port(8080),
    /** Default: http://localhost:$API_PORT. */
    PUBLIC_URL: optionalUrl,
    DATABASE_URL: optionalUrl,
    ONDA_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'at least 32 characters').optional()),
    MEDIA_PUBLIC_URL: optionalUrl,
    RTMP_PUBLIC_URL: optionalString,
    RTMP_PORT: port(1935),
    WEB_DIST: optionalString,
    WEBHOOKS_ALLOW_PRIVATE: bool(false),
    OUTBOUND_ALLOW_PRIVATE: bool(false),
    /** Express `trust proxy`: which proxies' X-Forwarded-For to believe (`loopback`, a hop count, subnets); unset = none. */
    TRUST_PROXY: optionalString,
    UPLOAD_MAX_BYTES: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(UPLOAD_MAX_BYTES_DEFAULT)),
    CHAT_MAX_CONNECTIONS_PER_IP: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(1_000_000).default(50)),
    STATS_RAW_RETENTION_DAYS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0.01).max(3650).default(7)),
    STATS_BEACONS_PER_IP_PER_MINUTE: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(100_000_000).default(3000)),
    // SIGTERM: /readyz 503 for this long before chat clients are told to reconnect (the balancer's checks notice).
    API_DRAIN_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0).max(3600).default(0)),
    // Clips one account may make per window (every API node shares the count through Redis when there is one).
    CLIPS_PER_WINDOW: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(1_000_000).default(10)),
    CLIPS_WINDOW_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(86_400).default(600)),
    STATS_COUNTRY_HEADER: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name').optional()),
    ...translateFields,
    // Optional mail (issue 14): invitation and reset links also go out through this relay. Off when unset.
    SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^smtps?:\/\/[^/\s?#]+\/?(\?[^\s#]*)?$/, 'smtp://[user:password@]host[:port] or smtps://... (percent-encode the password)').optional()),
    SMTP_FROM: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(3).max(320).optional()),
  });

const IngestEnvSchema = z.object({
  ...common,
  API_URL: z.string().url().default('http://127.0.0.1:8080'),
  RTMP_PORT: port(1935),
  RTMP_BIND: z.string().default('0.0.0.0'),
  INGEST_PULL_URL: optionalString,
  INGEST_ID: optionalString,
  // SIGTERM: refuse new publishes and wait up to this long for running ones to end before cutting them.
  INGEST_DRAIN_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(0).max(3600).default(0)),
  METRICS_HOST: optionalString,
  METRICS_PORT: metricsPort(9465),
});

const WorkerEnvSchema = z.object({
    ...common,
    API_URL: z.string().url().default('http://127.0.0.1:8080'),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    // Seconds of media in each live playlist (the replay keeps the whole broadcast).
    LIVE_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
    // Seconds between live thumbnails (0 = none).
    LIVE_THUMBNAIL_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
    // Cores the live transcodes of this worker may use together (default: 85% of the machine's cores).
    WORKER_LIVE_CAPACITY: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().positive().max(1024).optional()),
    // Seconds a shed broadcast keeps real time before it tries the step above (doubles after a failed try).
    LIVE_OVERLOAD_STEP_UP_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
    // SIGTERM: seconds VOD encodes and clips have to finish and live broadcasts to reach a successor; past them
    // what still runs is interrupted and retried elsewhere, as after a kill.
    WORKER_DRAIN_SECONDS: z.coerce.number().min(0).max(3600).default(90),
    FFMPEG_PATH: z.string().default('ffmpeg'),
    // Default: the ffprobe beside FFMPEG_PATH when that is a path, else `ffprobe` on PATH.
    FFPROBE_PATH: optionalString,
    SCRATCH_DIR: optionalString,
    METRICS_HOST: z.string().default('0.0.0.0'),
    METRICS_PORT: metricsPort(9466),
    // How fast the jobs of a dead worker go to another one: a job whose lock was not renewed for
    // QUEUE_LOCK_DURATION_MS is found by the next check (every QUEUE_STALLED_INTERVAL_MS) and retried.
    QUEUE_LOCK_DURATION_MS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1000).max(600_000).optional()),
    QUEUE_STALLED_INTERVAL_MS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(500).max(600_000).optional()),
    // Simulcast pushes go through the same address guard as the API's outbound calls, with the same opt-in.
    OUTBOUND_ALLOW_PRIVATE: bool(false),
  });

export interface ApiConfig {
  dataDir: string;
  queuePrefix: string;
  logLevel: string;
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl?: string;
  redisUrl?: string;
  s3?: S3Config;
  internalToken?: string;
  secret?: string;
  mediaPublicUrl?: string;
  rtmpPublicUrl: string;
  webDist?: string;
  /** Let webhook endpoints reach loopback/private addresses (off: they are refused, against SSRF). */
  webhooksAllowPrivate: boolean;
  /** OUTBOUND_ALLOW_PRIVATE (or its older name WEBHOOKS_ALLOW_PRIVATE): user-configured outbound calls may reach private addresses. */
  outboundAllowPrivate: boolean;
  /** TRUST_PROXY, as Express takes it. */
  trustProxy?: string;
  /** Largest VOD upload in bytes (UPLOAD_MAX_BYTES). */
  uploadMaxBytes: number;
  /** Concurrent chat connections per client IP per API node (CHAT_MAX_CONNECTIONS_PER_IP). */
  chatMaxConnectionsPerIp: number;
  /** Bearer token required by GET /metrics (METRICS_TOKEN); open when unset. */
  metricsToken?: string;
  /** Raw player beacons are deleted after this many days (STATS_RAW_RETENTION_DAYS); aggregates are kept. */
  statsRawRetentionDays: number;
  /** Beacons per client address per minute per API node (STATS_BEACONS_PER_IP_PER_MINUTE). */
  statsBeaconsPerIpPerMinute: number;
  /** Header with the viewer's country code set by a CDN/proxy (STATS_COUNTRY_HEADER, e.g. cf-ipcountry); unset = no countries. */
  statsCountryHeader?: string;
  /** SIGTERM: seconds of /readyz 503 before chat clients are told to reconnect (API_DRAIN_SECONDS). */
  drainSeconds: number;
  /** Chat translation (TRANSLATE_*); absent = off. */
  translation?: TranslationConfig;
  /** Clips one account may make per window (CLIPS_PER_WINDOW per CLIPS_WINDOW_SECONDS; default 10 per 10 minutes). */
  clipRateLimit: { limit: number; windowMs: number };
  /** SMTP_URL and SMTP_FROM: mail invitation and reset links through this relay; unset = no mail (the console shows the links). */
  smtp?: { url: string; from: string };
}

/** The small HTTP server of a role without its own (ingest, worker): /metrics, /healthz, /readyz. */
export interface MetricsServerConfig {
  host: string;
  /** null = no server (METRICS_PORT=off). */
  port: number | null;
  token?: string;
}

export interface IngestConfig {
  dataDir: string;
  logLevel: string;
  apiUrl: string;
  rtmpPort: number;
  bind: string;
  pullBaseUrl?: string;
  ingestId?: string;
  internalToken?: string;
  /** SIGTERM: longest wait for running publishes before cutting them (INGEST_DRAIN_SECONDS; 0 = cut at once). */
  drainSeconds: number;
  metrics: MetricsServerConfig;
}

export interface WorkerConfig {
  dataDir: string;
  queuePrefix: string;
  logLevel: string;
  apiUrl: string;
  redisUrl?: string;
  s3?: S3Config;
  internalToken?: string;
  concurrency: number;
  /** Cores the live transcodes may use together; the admission and the ladder plan (unset: 85% of the cores). */
  liveCapacityCores?: number;
  /** Seconds of media in each live playlist. */
  liveWindowSeconds: number;
  /** Seconds a shed broadcast keeps real time before the overload controller tries the step above. */
  liveStepUpSeconds: number;
  /** SIGTERM: seconds in-flight jobs have to finish or hand over before they are interrupted (WORKER_DRAIN_SECONDS). */
  drainSeconds: number;
  /** Seconds between live thumbnails (0 = none). */
  liveThumbnailSeconds: number;
  ffmpegPath: string;
  /** FFPROBE_PATH, or the ffprobe beside FFMPEG_PATH (see ffprobeBeside). */
  ffprobePath: string;
  scratchDir: string;
  /** BullMQ job lock of this worker's jobs (driver default 30 s when unset). */
  queueLockDurationMs?: number;
  /** How often this worker looks for jobs of dead workers (driver default 30 s when unset). */
  queueStalledIntervalMs?: number;
  /** OUTBOUND_ALLOW_PRIVATE: simulcast pushes may reach loopback/private addresses (off: refused, against SSRF). */
  outboundAllowPrivate: boolean;
  metrics: MetricsServerConfig;
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Parses the API's environment once at start. */
export function loadApiConfig(env: Env = process.env): Readonly<ApiConfig> {
  const e = parseEnv(ApiEnvSchema, env, [s3Credentials, translateChecks, smtpFrom]);
  return Object.freeze(defined({
    dataDir: e.DATA_DIR, logLevel: e.LOG_LEVEL, host: e.API_HOST, port: e.API_PORT, publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.API_PORT}`).replace(/\/$/, ''),
    queuePrefix: e.QUEUE_PREFIX, databaseUrl: e.DATABASE_URL, redisUrl: e.REDIS_URL, s3: s3From(e), internalToken: e.ONDA_INTERNAL_TOKEN, secret: e.ONDA_SECRET,
    mediaPublicUrl: e.MEDIA_PUBLIC_URL?.replace(/\/$/, ''), rtmpPublicUrl: (e.RTMP_PUBLIC_URL ?? `rtmp://localhost:${e.RTMP_PORT}/live`).replace(/\/$/, ''), webDist: e.WEB_DIST,
    webhooksAllowPrivate: e.WEBHOOKS_ALLOW_PRIVATE || e.OUTBOUND_ALLOW_PRIVATE, outboundAllowPrivate: e.OUTBOUND_ALLOW_PRIVATE || e.WEBHOOKS_ALLOW_PRIVATE, trustProxy: e.TRUST_PROXY, uploadMaxBytes: e.UPLOAD_MAX_BYTES, chatMaxConnectionsPerIp: e.CHAT_MAX_CONNECTIONS_PER_IP,
    metricsToken: e.METRICS_TOKEN,
    statsRawRetentionDays: e.STATS_RAW_RETENTION_DAYS, statsBeaconsPerIpPerMinute: e.STATS_BEACONS_PER_IP_PER_MINUTE, statsCountryHeader: e.STATS_COUNTRY_HEADER,
    drainSeconds: e.API_DRAIN_SECONDS, translation: translationFrom(e), clipRateLimit: { limit: e.CLIPS_PER_WINDOW, windowMs: e.CLIPS_WINDOW_SECONDS * 1000 },
    smtp: e.SMTP_URL && e.SMTP_FROM ? { url: e.SMTP_URL, from: e.SMTP_FROM } : undefined,
  }));
}

/** Parses the ingest's environment once at start. */
export function loadIngestConfig(env: Env = process.env): Readonly<IngestConfig> {
  const e = parseEnv(IngestEnvSchema, env);
  return Object.freeze(defined({
    dataDir: e.DATA_DIR, logLevel: e.LOG_LEVEL, apiUrl: e.API_URL.replace(/\/$/, ''), rtmpPort: e.RTMP_PORT, bind: e.RTMP_BIND,
    pullBaseUrl: e.INGEST_PULL_URL, ingestId: e.INGEST_ID, internalToken: e.ONDA_INTERNAL_TOKEN, drainSeconds: e.INGEST_DRAIN_SECONDS,
    // Bound like the RTMP listener unless told otherwise.
    metrics: defined({ host: e.METRICS_HOST ?? e.RTMP_BIND, port: e.METRICS_PORT, token: e.METRICS_TOKEN }),
  }));
}

/**
 * The ffprobe that goes with an ffmpeg: `/opt/ffmpeg/bin/ffmpeg` -> `/opt/ffmpeg/bin/ffprobe` (a build installed
 * outside PATH ships both), a bare name -> `ffprobe` on PATH.
 */
export function ffprobeBeside(ffmpegPath: string): string {
  const slash = Math.max(ffmpegPath.lastIndexOf('/'), ffmpegPath.lastIndexOf('\\'));
  if (slash < 0) return 'ffprobe';
  const name = ffmpegPath.slice(slash + 1);
  return ffmpegPath.slice(0, slash + 1) + (name.toLowerCase().endsWith('.exe') ? 'ffprobe.exe' : 'ffprobe');
}

/** Parses the worker's environment once at start. */
export function loadWorkerConfig(env: Env = process.env): Readonly<WorkerConfig> {
  const e = parseEnv(WorkerEnvSchema, env, [s3Credentials]);
  return Object.freeze(defined({
    dataDir: e.DATA_DIR, logLevel: e.LOG_LEVEL, apiUrl: e.API_URL.replace(/\/$/, ''), redisUrl: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX, s3: s3From(e),
    internalToken: e.ONDA_INTERNAL_TOKEN, concurrency: e.WORKER_CONCURRENCY, liveCapacityCores: e.WORKER_LIVE_CAPACITY, liveWindowSeconds: e.LIVE_WINDOW_SECONDS, liveStepUpSeconds: e.LIVE_OVERLOAD_STEP_UP_SECONDS, drainSeconds: e.WORKER_DRAIN_SECONDS, liveThumbnailSeconds: e.LIVE_THUMBNAIL_SECONDS, ffmpegPath: e.FFMPEG_PATH, ffprobePath: e.FFPROBE_PATH ?? ffprobeBeside(e.FFMPEG_PATH),
    scratchDir: e.SCRATCH_DIR ?? `${e.DATA_DIR.replace(/\/$/, '')}/scratch`,
    queueLockDurationMs: e.QUEUE_LOCK_DURATION_MS, queueStalledIntervalMs: e.QUEUE_STALLED_INTERVAL_MS, outboundAllowPrivate: e.OUTBOUND_ALLOW_PRIVATE,
    metrics: defined({ host: e.METRICS_HOST, port: e.METRICS_PORT, token: e.METRICS_TOKEN }),
  }));
}

/**
 * The API's shared secrets, all missing ones named at once. An API that may have siblings (state shared through
 * Redis, or a standalone role on an external database) must get ONDA_SECRET from the environment: a secret
 * generated per node would make the nodes disagree about every signature and encrypted stream key (finding 16).
 * A single node on its embedded database may generate one.
 */
export function requireApiSecrets(config: { internalToken?: string; secret?: string; redisUrl?: string; databaseUrl?: string }, standalone: boolean): { internalToken?: string; secret?: string } {
  const shared = !!config.redisUrl || (standalone && !!config.databaseUrl);
  const missing = [
    ...(standalone && !config.internalToken ? ['ONDA_INTERNAL_TOKEN (the API, ingest and worker must share it)'] : []),
    ...(shared && !config.secret ? ['ONDA_SECRET (32+ characters; every API node must share it)'] : []),
  ];
  if (missing.length) throw new Error(`Scale-out needs these set in the environment: ${missing.join('; ')}`);
  return { ...(config.internalToken ? { internalToken: config.internalToken } : {}), ...(config.secret ? { secret: config.secret } : {}) };
}

/**
 * Every role's configuration, parsed once at start by `onda all` (one process, one environment) and passed down:
 * nothing below the entry point reads the environment again.
 */
export interface AllConfig {
  api: Readonly<ApiConfig>;
  ingest: Readonly<IngestConfig>;
  worker: Readonly<WorkerConfig>;
}

/** Parses the environment of `onda all` once: every role's settings, every error of each named. */
export function loadAllConfig(env: Env = process.env): AllConfig {
  return { api: loadApiConfig(env), ingest: loadIngestConfig(env), worker: loadWorkerConfig(env) };
}

/** A role running as its own process must share the internal token with the API; fail early and clearly. */
export function requireInternalToken(config: { internalToken?: string }, role: string): string {
  if (!config.internalToken) {
    throw new Error(`ONDA_INTERNAL_TOKEN is required to run the ${role} as its own process (the API, ingest and worker must share it)`);
  }
  return config.internalToken;
}
