/** Tuning of the chat gateway; every field has a default (ApiOptions.chat overrides the tuning, the configuration the rest). */
export interface ChatOptions {
  /** Concurrent `/chat` connections one client IP may hold on one API node (CHAT_MAX_CONNECTIONS_PER_IP). */
  maxConnectionsPerIp: number;
  /** How often each viewer of a small room may get a frame (the room is swept once per tick); it grows linearly with the room's local size up to `maxTickMs` at `largeRoom` viewers. */
  tickMs: number;
  maxTickMs: number;
  largeRoom: number;
  /** A lone message after a quiet spell waits this long for company before its frame goes out. */
  coalesceMs: number;
  /** How often viewer counts are published (volatile) and peaks recorded. */
  viewersIntervalMs: number;
  /** How often accepted messages and votes are written to PostgreSQL (one createMany each). */
  persistIntervalMs: number;
  /** Messages per connection per window. */
  perConnection: { limit: number; windowMs: number };
  /** Messages per author key per window, across connections and API nodes. */
  perAuthor: { limit: number; windowMs: number };
  /** Joins, votes and reactions per connection per window. */
  perConnectionEvents: { limit: number; windowMs: number };
  /** A viewer whose engine.io write buffer holds more packets than this is disconnected instead of buffered (polling, upgrading). */
  slowConsumerPackets: number;
  /** The same for a viewer written to directly: bytes its TCP socket still holds in the process (the kernel's buffer is full). */
  slowConsumerBytes: number;
  /** Redis key prefix (several installations on one Redis): chat state and the socket.io adapter's channels. */
  redisPrefix: string;
  /**
   * New anonymous device tokens one address may get per window. Past it, new devices from that address share one
   * address-level identity, so dropping a banned token to get a fresh one only works this many times.
   */
  deviceTokensPerIp: { limit: number; windowMs: number };
}

export const DEFAULT_CHAT_OPTIONS: ChatOptions = {
  maxConnectionsPerIp: 50,
  tickMs: 100,
  maxTickMs: 200,
  largeRoom: 10_000,
  coalesceMs: 15,
  viewersIntervalMs: 2000,
  persistIntervalMs: 250,
  perConnection: { limit: 5, windowMs: 3000 },
  perAuthor: { limit: 20, windowMs: 30_000 },
  perConnectionEvents: { limit: 20, windowMs: 10_000 },
  slowConsumerPackets: 256,
  slowConsumerBytes: 1024 * 1024,
  redisPrefix: 'onda',
  deviceTokensPerIp: { limit: 20, windowMs: 10 * 60_000 },
};

/** Chat settings that are configuration (CHAT_MAX_CONNECTIONS_PER_IP, QUEUE_PREFIX): ApiOptions carries them under the config's names. */
export type ChatConfigKeys = 'maxConnectionsPerIp' | 'redisPrefix';

/** The defaults, then the tuning, then the configured connection limit and Redis prefix (ApiOptions.chatMaxConnectionsPerIp, queuePrefix). */
export const resolveChatOptions = (
  tuning: Partial<Omit<ChatOptions, ChatConfigKeys>> = {},
  config: { chatMaxConnectionsPerIp?: number; queuePrefix?: string } = {},
): ChatOptions => ({
  ...DEFAULT_CHAT_OPTIONS,
  ...tuning,
  ...(config.chatMaxConnectionsPerIp !== undefined ? { maxConnectionsPerIp: config.chatMaxConnectionsPerIp } : {}),
  ...(config.queuePrefix !== undefined ? { redisPrefix: config.queuePrefix } : {}),
});

/** Messages kept per room for join history and reconnect replay (twice the history, so deletes still leave enough). */
export const RECENT_SIZE = 100;

/** Frame interval for a room with `size` local viewers. */
export function tickFor(options: ChatOptions, size: number): number {
  const share = Math.min(1, size / options.largeRoom);
  return Math.round(options.tickMs + (options.maxTickMs - options.tickMs) * share);
}
