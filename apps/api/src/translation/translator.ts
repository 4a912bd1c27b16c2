import type { ChatLanguage, ChatTranslation } from '@onda/contracts';
import type { RateLimiter } from '../common/rate-limit.js';
import type { TranslationProvider } from './translation-providers.js';
import type { TranslationStore } from './translation.store.js';

/** Tuning of the translator; every field has a default. */
export interface TranslatorOptions {
  /** Messages to the same (channel, language pair) within this window go to the provider in one request. */
  batchMs: number;
  /** Characters each channel may send to the provider per clock hour, over every language (0: nothing is translated). */
  budgetCharsPerHour: number;
  /** Messages waiting per (channel, language pair) while the rate limit holds them back; older ones beyond it are dropped. */
  maxPending: number;
  /** After a failed call the provider is left alone this long (doubling per failure up to `maxBackoffMs`); messages meanwhile show untranslated. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_TRANSLATOR_OPTIONS: TranslatorOptions = { batchMs: 150, budgetCharsPerHour: 100_000, maxPending: 200, backoffMs: 2000, maxBackoffMs: 60_000 };

export interface TranslatorDeps {
  provider: TranslationProvider;
  store: TranslationStore;
  /** Provider requests per channel (key `translate:<channelId>`), shared by API nodes in scale-out. */
  limiter: RateLimiter;
  /** Hands finished translations to the room (the chat fan-out). */
  publish: (channelId: string, translations: ChatTranslation[]) => void;
  warn?: (message: string) => void;
  now?: () => number;
}

/** A message to translate: its id, its (detected) language and text. */
export interface SourceMessage {
  id: string;
  source: ChatLanguage;
  text: string;
}

interface Queue {
  channelId: string;
  source: ChatLanguage;
  target: ChatLanguage;
  messages: SourceMessage[];
  /** Ids waiting or in flight, so a message offered twice (two viewers asking at once) is translated once. */
  ids: Set<string>;
  timer: NodeJS.Timeout | undefined;
  busy: boolean;
}

const codePoints = (text: string): number => {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
};

/**
 * Translates chat messages through one provider, for the languages viewers asked for. Per (channel, language pair) it
 * batches what arrives within a short window into one provider request, answers from the cache of known translations
 * first, holds requests to each channel's rate limit, spends each channel's hourly character budget, and backs off
 * from a provider that failed. It fails open: whatever cannot be translated (budget spent, provider down or hanging,
 * bad answer) is simply not translated, and the original message is all anyone ever waited for.
 */
export class Translator {
  private readonly queues = new Map<string, Queue>();
  private readonly now: () => number;
  private backoffUntil = 0;
  private backoff = 0;
  private closed = false;
  /** For tests and logs: messages translated, served from the cache, dropped (budget, pending overflow, provider failure). */
  readonly counters = { requests: 0, translated: 0, cached: 0, overBudget: 0, failed: 0, dropped: 0, rateLimited: 0 };

  constructor(
    private readonly deps: TranslatorDeps,
    private readonly options: TranslatorOptions = DEFAULT_TRANSLATOR_OPTIONS,
  ) {
    this.now = deps.now ?? Date.now;
  }

  /** Queues `message` for translation into `target` (nothing when it is in that language already). */
  enqueue(channelId: string, target: ChatLanguage, message: SourceMessage): void {
    if (this.closed || message.source === target || !message.text) return;
    const key = `${channelId}|${message.source}|${target}`;
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { channelId, source: message.source, target, messages: [], ids: new Set(), timer: undefined, busy: false }));
    if (queue.ids.has(message.id)) return;
    queue.ids.add(message.id);
    queue.messages.push(message);
    while (queue.messages.length > this.options.maxPending) {
      const gone = queue.messages.shift()!;
      queue.ids.delete(gone.id);
      this.counters.dropped += 1;
    }
    this.schedule(key, queue, this.options.batchMs);
  }

  /** Stops every timer; what waits is dropped (the originals show). */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) clearTimeout(queue.timer);
    this.queues.clear();
  }

  private schedule(key: string, queue: Queue, delayMs: number): void {
    if (queue.timer || queue.busy || this.closed) return;
    queue.timer = setTimeout(() => {
      queue.timer = undefined;
      void this.flush(key, queue);
    }, delayMs);
  }

  private async flush(key: string, queue: Queue): Promise<void> {
    if (!queue.messages.length) {
      if (!queue.busy) this.queues.delete(key);
      return;
    }
    queue.busy = true;
    let retryInMs = 0;
    const batch = queue.messages.splice(0, this.deps.provider.maxBatch);
    try {
      retryInMs = await this.translate(queue, batch);
    } catch (error) {
      // The store (Redis) failed: nothing translated, nothing lost.
      this.counters.failed += batch.length;
      this.deps.warn?.(`chat translation failed: ${(error as Error).message}`);
    } finally {
      queue.busy = false;
    }
    if (retryInMs > 0) {
      // Held back by the rate limit: the batch waits at the front and grows meanwhile.
      queue.messages.unshift(...batch);
    } else {
      for (const m of batch) queue.ids.delete(m.id);
    }
    if (queue.messages.length) this.schedule(key, queue, retryInMs || this.options.batchMs);
    else this.queues.delete(key);
  }

  /** One batch: cache, backoff, rate limit, budget, provider. Answers how long to wait when the rate limit said no (else 0). */
  private async translate(queue: Queue, batch: SourceMessage[]): Promise<number> {
    const { channelId, source, target } = queue;
    const known = await this.deps.store.cached(channelId, target, batch.map((m) => m.id));
    if (known.size) {
      this.counters.cached += known.size;
      this.deps.publish(channelId, [...known].map(([messageId, text]) => ({ messageId, lang: target, text })));
    }
    let todo = batch.filter((m) => !known.has(m.id));
    if (!todo.length) return 0;
    if (this.now() < this.backoffUntil) {
      this.counters.dropped += todo.length;
      return 0;
    }
    const allowed = await this.deps.limiter.hit(`translate:${channelId}`);
    if (!allowed.allowed) {
      this.counters.rateLimited += 1;
      return allowed.retryAfterSeconds * 1000;
    }
    const granted = await this.deps.store.spend(channelId, todo.map((m) => codePoints(m.text)), this.options.budgetCharsPerHour, this.now());
    this.counters.overBudget += todo.length - granted;
    todo = todo.slice(0, granted);
    if (!todo.length) return 0;
    this.counters.requests += 1;
    const result = await this.deps.provider.translate({ source, target, texts: todo.map((m) => m.text) });
    if (!result.ok) {
      this.counters.failed += todo.length;
      this.backoff = Math.min(this.options.maxBackoffMs, this.backoff ? this.backoff * 2 : this.options.backoffMs);
      this.backoffUntil = this.now() + this.backoff;
      this.deps.warn?.(`chat translation (${this.deps.provider.name}) failed: ${result.detail}; originals shown, next try in ${Math.round(this.backoff / 1000)} s`);
      return 0;
    }
    this.backoff = 0;
    const translations = todo.map((m, i) => ({ messageId: m.id, lang: target, text: result.texts[i]!.trim() })).filter((t) => t.text);
    this.counters.translated += translations.length;
    await this.deps.store.remember(channelId, target, translations.map((t) => [t.messageId, t.text]));
    this.deps.publish(channelId, translations);
    return 0;
  }
}
