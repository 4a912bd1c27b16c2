import type { Redis } from 'ioredis';
import type { ChatTranslation } from '@onda/contracts';
import type { TranslationConfig } from '@onda/config';
import { MemoryRateLimiter, RedisRateLimiter } from '../common/rate-limit.js';
import { createTranslationProvider, type ProviderTransport } from './translation-providers.js';
import { MemoryTranslationStore, RedisTranslationStore, type TranslationStore } from './translation.store.js';
import { DEFAULT_TRANSLATOR_OPTIONS, Translator, type TranslatorOptions } from './translator.js';

/** ApiOptions.translation: TRANSLATE_* as parsed by @onda/config, plus tuning for tests. */
export type ChatTranslationOptions = TranslationConfig & { tuning?: Partial<TranslatorOptions>; transport?: ProviderTransport };

export interface TranslatorWiring {
  /** Redis in scale-out (cache, budget and language counts shared by API nodes); null: in this process. */
  redis: Redis | null;
  prefix: string;
  /** OUTBOUND_ALLOW_PRIVATE. */
  allowPrivate: boolean;
  publish: (channelId: string, translations: ChatTranslation[]) => void;
  warn: (message: string) => void;
}

/** The translator and its store for a configuration; null when translation is off. Throws when TRANSLATE_URL is refused by the guard. */
export function createTranslator(options: ChatTranslationOptions | undefined, wiring: TranslatorWiring): { translator: Translator; store: TranslationStore } | null {
  if (!options) return null;
  const provider = createTranslationProvider(options, { allowPrivate: wiring.allowPrivate, ...(options.transport ? { transport: options.transport } : {}) });
  const store = wiring.redis ? new RedisTranslationStore(wiring.redis, wiring.prefix) : new MemoryTranslationStore();
  const rate = { limit: options.requestsPerMinute, windowMs: 60_000 };
  const limiter = wiring.redis ? new RedisRateLimiter(wiring.redis, rate) : new MemoryRateLimiter(rate);
  const tuning: TranslatorOptions = { ...DEFAULT_TRANSLATOR_OPTIONS, budgetCharsPerHour: options.budgetCharsPerHour, ...options.tuning };
  return { translator: new Translator({ provider, store, limiter, publish: wiring.publish, warn: wiring.warn }, tuning), store };
}
