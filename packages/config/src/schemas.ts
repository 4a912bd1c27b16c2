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
  ...s3Fields,
};

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

const s3Credentials = (env: Env): string[] =>
  env.S3_BUCKET && (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)
    ? ['S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required with S3_BUCKET']
    : [];

const ApiEnvSchema = z.object({
    ...common,
    API_HOST: z.string().default('0.0.0.0'),
    API_PORT: port(8080),
    PUBLIC_URL: z.string().url().default('http://localhost:8080'),
    DATABASE_URL: optionalUrl,
    ONDA_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'at least 32 characters').optional()),
    MEDIA_PUBLIC_URL: optionalUrl,
    RTMP_PUBLIC_URL: optionalString,
    RTMP_PORT: port(1935),
    WEB_DIST: optionalString,
    WEBHOOKS_ALLOW_PRIVATE: bool(false),
  });

const IngestEnvSchema = z.object({
  ...common,
  API_URL: z.string().url().default('http://127.0.0.1:8080'),
  RTMP_PORT: port(1935),
  RTMP_BIND: z.string().default('0.0.0.0'),
  INGEST_PULL_URL: optionalString,
  INGEST_ID: optionalString,
});

const WorkerEnvSchema = z.object({
    ...common,
    API_URL: z.string().url().default('http://127.0.0.1:8080'),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    FFMPEG_PATH: z.string().default('ffmpeg'),
    SCRATCH_DIR: optionalString,
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
  ffmpegPath: string;
  scratchDir: string;
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Parses the API's environment once at start. */
export function loadApiConfig(env: Env = process.env): Readonly<ApiConfig> {
  const e = parseEnv(ApiEnvSchema, env, [s3Credentials]);
  return Object.freeze(defined({
    dataDir: e.DATA_DIR, logLevel: e.LOG_LEVEL, host: e.API_HOST, port: e.API_PORT, publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
    queuePrefix: e.QUEUE_PREFIX, databaseUrl: e.DATABASE_URL, redisUrl: e.REDIS_URL, s3: s3From(e), internalToken: e.ONDA_INTERNAL_TOKEN, secret: e.ONDA_SECRET,
    mediaPublicUrl: e.MEDIA_PUBLIC_URL?.replace(/\/$/, ''), rtmpPublicUrl: (e.RTMP_PUBLIC_URL ?? `rtmp://localhost:${e.RTMP_PORT}/live`).replace(/\/$/, ''), webDist: e.WEB_DIST,
    webhooksAllowPrivate: e.WEBHOOKS_ALLOW_PRIVATE,
  }));
}

/** Parses the ingest's environment once at start. */
export function loadIngestConfig(env: Env = process.env): Readonly<IngestConfig> {
  const e = parseEnv(IngestEnvSchema, env);
  return Object.freeze(defined({
    dataDir: e.DATA_DIR, logLevel: e.LOG_LEVEL, apiUrl: e.API_URL.replace(/\/$/, ''), rtmpPort: e.RTMP_PORT, bind: e.RTMP_BIND,
    pullBaseUrl: e.INGEST_PULL_URL, ingestId: e.INGEST_ID, internalToken: e.ONDA_INTERNAL_TOKEN,
  }));
}

/** Parses the worker's environment once at start. */
export function loadWorkerConfig(env: Env = process.env): Readonly<WorkerConfig> {
  const e = parseEnv(WorkerEnvSchema, env, [s3Credentials]);
  return Object.freeze(defined({
    dataDir: e.DATA_DIR, logLevel: e.LOG_LEVEL, apiUrl: e.API_URL.replace(/\/$/, ''), redisUrl: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX, s3: s3From(e),
    internalToken: e.ONDA_INTERNAL_TOKEN, concurrency: e.WORKER_CONCURRENCY, ffmpegPath: e.FFMPEG_PATH,
    scratchDir: e.SCRATCH_DIR ?? `${e.DATA_DIR.replace(/\/$/, '')}/scratch`,
  }));
}

/** A role running as its own process must share the internal token with the API; fail early and clearly. */
export function requireInternalToken(config: { internalToken?: string }, role: string): string {
  if (!config.internalToken) {
    throw new Error(`ONDA_INTERNAL_TOKEN is required to run the ${role} as its own process (the API, ingest and worker must share it)`);
  }
  return config.internalToken;
}
