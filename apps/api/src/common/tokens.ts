/** Injection tokens for the collaborators the composition root hands to the API. */
export const PRISMA = Symbol('PRISMA');
export const QUEUE = Symbol('QUEUE');
export const STORAGE = Symbol('STORAGE');
export const API_OPTIONS = Symbol('API_OPTIONS');
export const RATE_LIMITER = Symbol('RATE_LIMITER');
export const SIGN_IN_THROTTLE = Symbol('SIGN_IN_THROTTLE');

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
   * Express `trust proxy` (TRUST_PROXY): behind a reverse proxy, which hops' X-Forwarded-For is the client's
   * address (sign-in throttling, beacons). Unset: the socket's address, so a client cannot forge one.
   */
  trustProxy?: string;
  /** Every request but uploads and media streams must be done within this (default 60 s). */
  requestTimeoutMs?: number;
  /** Sign-in attempts per account and per client address (default 10 and 30 per 15 minutes). */
  signIn?: { perAccount?: { limit: number; windowMs: number }; perAddress?: { limit: number; windowMs: number } };
  /**
   * Webhook poller: how often to look for due deliveries (default 1000 ms, 0 = no poller) and the retry
   * delays; `allowPrivate` lets endpoints reach loopback/private addresses (WEBHOOKS_ALLOW_PRIVATE).
   */
  webhooks?: { pollMs?: number; retryDelaysMs?: number[]; timeoutMs?: number; allowPrivate?: boolean };
  /** Every other outbound call a user configures (chat classifier, ...): `allowPrivate` as for webhooks (OUTBOUND_ALLOW_PRIVATE). */
  outbound?: { allowPrivate?: boolean };
  /** SMTP_URL / SMTP_FROM: invitation and reset links also go out by mail (issue 14); unset = the console shows them only. */
  mail?: { smtpUrl: string; from: string };
  /** With several API nodes: rate-limit windows shared through this Redis. */
  redisUrl?: string;
  /**
   * Media is delivered from storage or a CDN (MEDIA_PUBLIC_URL): private playlists are served by the API
   * with each object signed (presigned GET, or `objectUrlSigner`), so segments never pass through Node.
   */
  directMedia?: boolean;
  /** Signs one object for direct delivery (e.g. CDN signed URLs); default: the storage's presigned GET. */
  objectUrlSigner?: (key: string, expiresInSeconds: number) => Promise<string | null>;
  /** Lifetime of a signed private playback URL (default 6 h). */
  playbackTtlSeconds?: number;
  /** Largest VOD upload in bytes (UPLOAD_MAX_BYTES; default 20 GiB). */
  uploadMaxBytes?: number;
  /** Bearer token GET /metrics requires (METRICS_TOKEN); open when unset. */
  metricsToken?: string;
  // `chat` and `stats` are merged into this interface by ../api-options.ts, so common/ never imports a feature.
}

/** Whether user-configured outbound calls other than webhooks may reach special-purpose addresses. */
export const outboundAllowPrivate = (options: ApiOptions): boolean => options.outbound?.allowPrivate === true;
