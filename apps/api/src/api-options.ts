import type { ChatOptions } from './chat/chat.options.js';
import type { StatsOptions } from './stats/stats.options.js';
import type { ChatTranslationOptions } from './translation/translation.setup.js';

// ApiOptions is declared in common/tokens.ts, which imports no feature; the features' own sections are merged
// into it here, at the API's root, where the wiring lives. Everything reads the one merged ApiOptions.
declare module './common/tokens.js' {
  interface ApiOptions {
    /** Chat gateway tuning (connection limit per IP, ticks, rate limits, Redis prefix); see chat/chat.options.ts. */
    chat?: Partial<ChatOptions>;
    /** Playback statistics (beacon limits, raw retention, country header); see stats/stats.options.ts. */
    stats?: Partial<StatsOptions>;
    /** Chat translation (TRANSLATE_*): the provider and its limits; absent = off. */
    translation?: ChatTranslationOptions;
    /** Clips each account may make per window (default 10 per 10 minutes). */
    clips?: { rateLimit?: { limit: number; windowMs: number } };
  }
}

export type { ApiOptions } from './common/tokens.js';
