import type { ChatOptions } from '../chat/chat.options.js';
import type { StatsOptions } from '../stats/stats.options.js';

/** Injection tokens for the collaborators the composition root hands to the API. */
export const PRISMA = Symbol('PRISMA');
export const QUEUE = Symbol('QUEUE');
export const STORAGE = Symbol('STORAGE');
export const API_OPTIONS = Symbol('API_OPTIONS');
export const RATE_LIMITER = Symbol('RATE_LIMITER');

/** What the API needs to know about its deployment, resolved by the composition root. */
export interface ApiOptions {
  publicUrl: string;
  /** Base URL viewers fetch HLS from: a CDN or bucket URL, or `${publicUrl}/media` when the API serves media. */
  mediaBaseUrl: string;
  rtmpPublicUrl: string;
  internalToken: string;
  /** Server secret that encrypts stream keys at rest (at least 32 characters). */
  secret: string;
  webDist?: string;
  /** Requests per token (or console session) per window; default 600 a minute. */
  rateLimit?: { limit: number; windowMs: number };
  /**
   * Webhook poller: how often to look for due deliveries (default 1000 ms, 0 = no poller) and the retry
   * delays; `allowPrivate` lets endpoints reach loopback/private addresses (WEBHOOKS_ALLOW_PRIVATE).
   */
  webhooks?: { pollMs?: number; retryDelaysMs?: number[]; timeoutMs?: number; allowPrivate?: boolean };
  /** With several API nodes: rate-limit windows shared through this Redis. */
  redisUrl?: string;
  /** Lifetime of a signed private playback URL (default 6 h). */
  playbackTtlSeconds?: number;
  /** Largest VOD upload in bytes (UPLOAD_MAX_BYTES; default 20 GiB). */
  uploadMaxBytes?: number;
  /** Bearer token GET /metrics requires (METRICS_TOKEN); open when unset. */
  metricsToken?: string;
  /** Chat gateway tuning (connection limit per IP, ticks, rate limits, Redis prefix); see chat/chat.options.ts. */
  chat?: Partial<ChatOptions>;
  /** Playback statistics (beacon limits, raw retention, country header); see stats/stats.options.ts. */
  stats?: Partial<StatsOptions>;
}
