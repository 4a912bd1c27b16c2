import type { Redis } from 'ioredis';
import { createModerationPipeline, type ModerationPipeline, type RecentMessage, type RecentMessages } from '@onda/moderation';
import type { ChatFilter, ChatFilterContext, ChatFilterResult } from './chat-filter.js';

/**
 * The chat's filter: the ordered moderation pipeline of packages/moderation, built per channel from its
 * settings and rebuilt when they change. Duplicate and flood memory lives in `recent` (Redis with several
 * API nodes, so an author cannot flood by spreading messages over nodes).
 */
export class ModerationChatFilter implements ChatFilter {
  private readonly pipelines = new Map<string, { key: string; pipeline: ModerationPipeline }>();

  constructor(
    private readonly recent: RecentMessages,
    /** The operator's opt-in to let classifier URLs reach loopback/private addresses (OUTBOUND_ALLOW_PRIVATE). */
    private readonly allowPrivate = false,
  ) {}

  async check(text: string, ctx: ChatFilterContext): Promise<ChatFilterResult> {
    const { blockedWords, blockedPatterns, blockedWordsAction, profanity, linkPolicy, classifier } = ctx.settings;
    const settings = { blockedWords, blockedPatterns, blockedWordsAction, profanity, linkPolicy, classifier };
    const key = JSON.stringify(settings);
    let entry = this.pipelines.get(ctx.channelId);
    if (!entry || entry.key !== key) {
      if (this.pipelines.size >= 10_000) this.pipelines.delete(this.pipelines.keys().next().value!);
      entry = { key, pipeline: createModerationPipeline(settings, { channelId: ctx.channelId, allowPrivate: this.allowPrivate }) };
      this.pipelines.set(ctx.channelId, entry);
    }
    const result = await entry.pipeline.check(text, { authorKey: ctx.authorKey, role: ctx.role, recent: this.recent });
    return { outcome: result.outcome, text: result.text, hits: result.hits };
  }
}

/** RecentMessages shared by API nodes: a sorted set per author scored by time, trimmed to the window, in one MULTI. */
export class RedisRecentMessages implements RecentMessages {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async remember(authorKey: string, message: RecentMessage, windowMs: number): Promise<RecentMessage[]> {
    const key = `${this.prefix}:chat:flood:${authorKey}`;
    const results = await this.redis
      .multi()
      .zremrangebyscore(key, '-inf', message.at - windowMs)
      .zrange(key, 0, -1)
      .zadd(key, message.at, `${message.at}:${message.fingerprint}`)
      .pexpire(key, windowMs)
      .exec();
    const members = (results?.[1]?.[1] as string[] | undefined) ?? [];
    return members.map((m) => {
      const colon = m.indexOf(':');
      return { at: Number(m.slice(0, colon)), fingerprint: m.slice(colon + 1) };
    });
  }
}
