/**
 * Injection tokens of the chat's collaborators that are interfaces or plain values (classes such as ChatFanout,
 * ChatWriter and ChatTranslation are their own tokens). chat.providers.ts binds each one.
 */

/** ChatOptions: the gateway's tuning, defaults merged with ApiOptions.chat. */
export const CHAT_OPTIONS = Symbol('CHAT_OPTIONS');
/** ChatStore: shared room state (Redis with `redisUrl`, this process's memory without). */
export const CHAT_STORE = Symbol('CHAT_STORE');
/** ChatFilter: the moderation pipeline every message goes through, hits counted. */
export const CHAT_FILTER = Symbol('CHAT_FILTER');
/** RateLimiter: new anonymous device tokens per address (Redis-shared with several nodes). */
export const CHAT_DEVICE_LIMITER = Symbol('CHAT_DEVICE_LIMITER');
/** ChatNode: this process among the API nodes. */
export const CHAT_NODE = Symbol('CHAT_NODE');
/** The chat's Redis client (`Redis | null`), shared by the store, the filter's memory, the limiter and translation; wiring only. */
export const CHAT_REDIS = Symbol('CHAT_REDIS');

export interface ChatNode {
  /** Viewer counts are reported per node under this id. */
  id: string;
  /** Several API nodes share rooms through Redis. */
  clustered: boolean;
}
