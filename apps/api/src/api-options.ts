import type { ChatConfigKeys, ChatOptions } from './chat/chat.options.js';
import type { StatsConfigKeys, StatsOptions } from './stats/stats.options.js';
import type { ChatTranslationOptions } from './translation/translation.setup.js';

// ApiOptions is declared in common/tokens.ts, which imports no feature; the features' own sections are merged
// into it here, at the API's root, where the wiring lives. Everything reads the one merged ApiOptions.
declare module './common/tokens.js' {
  interface ApiOptions {
    /** Chat gateway tuning (ticks, rate limits); see chat/chat.options.ts. The connection limit and the Redis prefix are configuration. */
    chat?: Partial<Omit<ChatOptions, ChatConfigKeys>>;
    /** Playback statistics tuning (tickets, buffers, clock); see stats/stats.options.ts. Retention, beacon limit and country header are configuration. */
    stats?: Partial<Omit<StatsOptions, StatsConfigKeys>>;
    /** Chat translation (TRANSLATE_*): the provider and its limits; absent = off. */
    translation?: ChatTranslationOptions;
  }
}

export type { ApiOptions } from './common/tokens.js';
