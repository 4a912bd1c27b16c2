import { randomBytes } from 'node:crypto';
import type { RateLimiter } from '../common/rate-limit.js';
import type { ChatFanout } from './transport/chat.fanout.js';
import type { ChatFilter } from './domain/chat-filter.js';
import type { ChatOptions } from './chat.options.js';
import type { ChatStore } from './state/chat.store.js';
import type { ChatTranslation } from './domain/chat-translation.js';
import type { ChatWriter } from './persistence/chat.writer.js';

export const CHAT_RUNTIME = Symbol('CHAT_RUNTIME');

/** The chat's collaborators of this process: shared state, fan-out, batched writer and the moderation pipeline. */
export interface ChatRuntime {
  options: ChatOptions;
  store: ChatStore;
  fanout: ChatFanout;
  writer: ChatWriter;
  filter: ChatFilter;
  /** Several API nodes share rooms through Redis. */
  clustered: boolean;
  /** This process among the API nodes (viewer counts are reported per node). */
  nodeId: string;
  /** New anonymous device tokens per address (Redis-shared with several nodes). */
  deviceLimiter: RateLimiter;
  /** Chat translation (a no-op unless TRANSLATE_PROVIDER is set). */
  translation: ChatTranslation;
}

export const newNodeId = (): string => randomBytes(6).toString('hex');

/** A sliding-window log kept on the connection itself; answers how long to wait, 0 when the event fits. */
export function slidingWindow(log: number[], now: number, limit: number, windowMs: number): number {
  while (log.length && log[0]! <= now - windowMs) log.shift();
  if (log.length >= limit) return log[0]! + windowMs - now;
  log.push(now);
  return 0;
}
