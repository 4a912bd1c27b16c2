import type { Redis } from 'ioredis';
import type { ChatLanguage } from '@onda/contracts';

/** Connected viewers per wanted language in one room on one node. */
export type LanguageCounts = Partial<Record<ChatLanguage, number>>;

/**
 * What chat translation shares between API nodes: translations per (message, language), each channel's character
 * budget for the current clock hour, and every node's count of viewers per wanted language. Redis in scale-out,
 * process memory in embedded mode (the same choice as the chat store).
 */
export interface TranslationStore {
  /** Known translations of these messages into `lang`. */
  cached(channelId: string, lang: ChatLanguage, messageIds: string[]): Promise<Map<string, string>>;
  remember(channelId: string, lang: ChatLanguage, entries: Array<[string, string]>): Promise<void>;
  /**
   * Takes characters from the channel's budget of the clock hour of `now`: as many of `sizes`, in order, as fit under
   * `limit` together; answers how many were granted (0: the hour's budget is spent).
   */
  spend(channelId: string, sizes: number[], limit: number, now: number): Promise<number>;
  /** This node's viewers per wanted language per room (an empty record removes the node's entry). */
  reportLanguages(nodeId: string, counts: Array<[string, LanguageCounts]>, now: number): Promise<void>;
  /** Other nodes' viewers per wanted language, from reports newer than `staleMs`. */
  otherLanguages(channelIds: string[], nodeId: string, now: number, staleMs: number): Promise<Map<string, LanguageCounts>>;
}

/** Translations are kept as long as reactions: long enough for every join snapshot of a broadcast's recent messages. */
export const TRANSLATION_TTL_MS = 6 * 3600_000;
const HOUR_MS = 3600_000;
const LANGS_TTL_MS = 60_000;
/** The memory store forgets the oldest translations past this many (one process, bounded). */
const MEMORY_MAX_TRANSLATIONS = 50_000;

function add(into: LanguageCounts, from: LanguageCounts): void {
  for (const [lang, n] of Object.entries(from) as Array<[ChatLanguage, number]>) into[lang] = (into[lang] ?? 0) + n;
}

/** Grants the longest prefix of `sizes` that fits in what is left. */
function grant(used: number, sizes: number[], limit: number): { n: number; total: number } {
  let n = 0;
  let total = 0;
  while (n < sizes.length && used + total + sizes[n]! <= limit) total += sizes[n++]!;
  return { n, total };
}

/** Embedded mode: one process, Maps. */
export class MemoryTranslationStore implements TranslationStore {
  private readonly texts = new Map<string, { text: string; at: number }>();
  private readonly budgets = new Map<string, { hour: number; used: number }>();
  private readonly langs = new Map<string, Map<string, { counts: LanguageCounts; at: number }>>();

  constructor(private readonly now: () => number = Date.now) {}

  cached(channelId: string, lang: ChatLanguage, messageIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const since = this.now() - TRANSLATION_TTL_MS;
    for (const id of messageIds) {
      const hit = this.texts.get(`${channelId}|${lang}|${id}`);
      if (hit && hit.at > since) out.set(id, hit.text);
    }
    return Promise.resolve(out);
  }

  remember(channelId: string, lang: ChatLanguage, entries: Array<[string, string]>): Promise<void> {
    const at = this.now();
    for (const [id, text] of entries) this.texts.set(`${channelId}|${lang}|${id}`, { text, at });
    // Insertion order is age order: the oldest go first.
    for (const key of this.texts.keys()) {
      if (this.texts.size <= MEMORY_MAX_TRANSLATIONS) break;
      this.texts.delete(key);
    }
    return Promise.resolve();
  }

  spend(channelId: string, sizes: number[], limit: number, now: number): Promise<number> {
    const hour = Math.floor(now / HOUR_MS);
    const budget = this.budgets.get(channelId);
    const used = budget?.hour === hour ? budget.used : 0;
    const { n, total } = grant(used, sizes, limit);
    this.budgets.set(channelId, { hour, used: used + total });
    return Promise.resolve(n);
  }

  reportLanguages(nodeId: string, counts: Array<[string, LanguageCounts]>, now: number): Promise<void> {
    for (const [channelId, c] of counts) {
      let nodes = this.langs.get(channelId);
      if (!Object.keys(c).length) {
        nodes?.delete(nodeId);
        if (nodes && !nodes.size) this.langs.delete(channelId);
        continue;
      }
      if (!nodes) this.langs.set(channelId, (nodes = new Map()));
      nodes.set(nodeId, { counts: c, at: now });
    }
    return Promise.resolve();
  }

  otherLanguages(channelIds: string[], nodeId: string, now: number, staleMs: number): Promise<Map<string, LanguageCounts>> {
    const out = new Map<string, LanguageCounts>();
    for (const channelId of channelIds) {
      const sum: LanguageCounts = {};
      for (const [node, entry] of this.langs.get(channelId) ?? []) if (node !== nodeId && entry.at >= now - staleMs) add(sum, entry.counts);
      out.set(channelId, sum);
    }
    return Promise.resolve(out);
  }
}

/** KEYS budget. ARGV limit, ttl, size*. Grants the longest prefix of sizes that fits; answers how many. */
const SPEND = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local limit = tonumber(ARGV[1])
local total = 0
local n = 0
for i = 3, #ARGV do
  local size = tonumber(ARGV[i])
  if used + total + size > limit then break end
  total = total + size
  n = n + 1
end
if total > 0 then
  redis.call('INCRBY', KEYS[1], total)
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return n`;

/** Scale-out: the same in Redis, keys in the chat's per-channel hash tag (`{channelId}`), so each command touches one slot. */
export class RedisTranslationStore implements TranslationStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(channelId: string, ...parts: string[]): string {
    return [`${this.prefix}:chat:{${channelId}}`, ...parts].join(':');
  }

  async cached(channelId: string, lang: ChatLanguage, messageIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!messageIds.length) return out;
    const values = await this.redis.hmget(this.key(channelId, 'tr', lang), ...messageIds);
    values.forEach((text, i) => {
      if (text !== null) out.set(messageIds[i]!, text);
    });
    return out;
  }

  async remember(channelId: string, lang: ChatLanguage, entries: Array<[string, string]>): Promise<void> {
    if (!entries.length) return;
    const key = this.key(channelId, 'tr', lang);
    // The hash lives as long as its newest translation: a quiet room's translations go with it.
    await this.redis.multi().hset(key, Object.fromEntries(entries)).pexpire(key, TRANSLATION_TTL_MS).exec();
  }

  async spend(channelId: string, sizes: number[], limit: number, now: number): Promise<number> {
    if (!sizes.length) return 0;
    const key = this.key(channelId, 'trbudget', String(Math.floor(now / HOUR_MS)));
    return Number(await this.redis.eval(SPEND, 1, key, limit, 2 * HOUR_MS, ...sizes));
  }

  async reportLanguages(nodeId: string, counts: Array<[string, LanguageCounts]>, now: number): Promise<void> {
    if (!counts.length) return;
    const pipeline = this.redis.pipeline();
    for (const [channelId, c] of counts) {
      const key = this.key(channelId, 'langs');
      if (Object.keys(c).length) pipeline.hset(key, nodeId, JSON.stringify({ c, at: now })).pexpire(key, LANGS_TTL_MS);
      else pipeline.hdel(key, nodeId);
    }
    await pipeline.exec();
  }

  async otherLanguages(channelIds: string[], nodeId: string, now: number, staleMs: number): Promise<Map<string, LanguageCounts>> {
    const out = new Map<string, LanguageCounts>();
    if (!channelIds.length) return out;
    const pipeline = this.redis.pipeline();
    for (const channelId of channelIds) pipeline.hgetall(this.key(channelId, 'langs'));
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([err, value], i) => {
      const sum: LanguageCounts = {};
      if (!err) {
        for (const [node, raw] of Object.entries(value as Record<string, string>)) {
          if (node === nodeId) continue;
          try {
            const entry = JSON.parse(raw) as { c: LanguageCounts; at: number };
            if (entry.at >= now - staleMs) add(sum, entry.c);
          } catch {
            // A malformed entry counts as no viewers.
          }
        }
      }
      out.set(channelIds[i]!, sum);
    });
    return out;
  }
}
