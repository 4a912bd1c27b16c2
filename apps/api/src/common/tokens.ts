import type { ApiConfig } from '@onda/config';
/** Injection tokens for the collaborators the composition root hands to the API. */
export const PRISMA = Symbol('PRISMA');
export const QUEUE = Symbol('QUEUE');
export const STORAGE = Symbol('STORAGE');
export const API_OPTIONS = Symbol('API_OPTIONS');
export const RATE_LIMITER = Symbol('RATE_LIMITER');
export const SIGN_IN_THROTTLE = Symbol('SIGN_IN_THROTTLE');

/**
 * The API's settings that come from the environment: its section of the configuration parsed once at start
 * (`ApiConfig` from @onda/config, under the same names), so the composition root passes that section down
 * as it is. Only what the API cannot run without is required; the rest has the parser's defaults.
 */
type ApiConfigSection = Pick<ApiConfig, 'publicUrl' | 'rtmpPublicUrl'> &
  Partial<Pick<ApiConfig,
    | 'mediaPublicUrl' | 'webDist' | 'trustProxy' | 'uploadMaxBytes' | 'metricsToken' | 'redisUrl' | 'queuePrefix'
    | 'webhooksAllowPrivate' | 'outboundAllowPrivate' | 'smtp' | 'clipRateLimit' | 'chatMaxConnectionsPerIp'
    | 'statsRawRetentionDays' | 'statsBeaconsPerIpPerMinute' | 'statsCountryHeader'>>;

/**
 * What the API runs with: its configuration section, the secrets the composition root resolved (generated
 * and kept in DATA_DIR in embedded mode), and tuning no environment variable sets (tests, benchmarks).
 */
export interface ApiOptions extends ApiConfigSection {
  internalToken: string;
  /** Server secret that encrypts stream keys at rest (at least 32 characters). */
  secret: string;
  /** Requests per token (or console session) per window; default 600 a minute. */
  rateLimit?: { limit: number; windowMs: number };
  /** Every request but uploads and media streams must be done within this (default 60 s). */
  requestTimeoutMs?: number;
  /** Sign-in attempts per account and per client address (default 10 and 30 per 15 minutes). */
  signIn?: { perAccount?: { limit: number; windowMs: number }; perAddress?: { limit: number; windowMs: number } };
  /** Webhook poller: how often to look for due deliveries (default 1000 ms, 0 = no poller), the retry delays and the request timeout. */
  webhooks?: { pollMs?: number; retryDelaysMs?: number[]; timeoutMs?: number };
  /** Signs one object for direct delivery (e.g. CDN signed URLs); default: the storage's presigned GET. */
  objectUrlSigner?: (key: string, expiresInSeconds: number) => Promise<string | null>;
  /** Lifetime of a signed private playback URL (default 6 h). */
  playbackTtlSeconds?: number;
  // `chat`, `stats` and `translation` are merged into this interface by ../api-options.ts, so common/ never imports a feature.
}

/** Base URL viewers fetch HLS from: MEDIA_PUBLIC_URL (a CDN or bucket), or `${publicUrl}/media` when the API serves media. */
export const mediaBaseUrl = (options: ApiOptions): string => options.mediaPublicUrl ?? `${options.publicUrl}/media`;

/**
 * Media is delivered from storage or a CDN (MEDIA_PUBLIC_URL): private playlists are served by the API with
 * each object signed (presigned GET, or `objectUrlSigner`), so segments never pass through Node.
 */
export const directMedia = (options: ApiOptions): boolean => Boolean(options.mediaPublicUrl);

/** Prefix of every Redis key and channel the API shares with other nodes (QUEUE_PREFIX). */
export const redisPrefix = (options: ApiOptions): string => options.queuePrefix ?? 'onda';

/** Whether user-configured outbound calls other than webhooks may reach special-purpose addresses. */
export const outboundAllowPrivate = (options: ApiOptions): boolean => options.outboundAllowPrivate === true;
