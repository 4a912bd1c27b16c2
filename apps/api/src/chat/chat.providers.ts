import { randomBytes } from 'node:crypto';
import { Logger, type Provider, type Type } from '@nestjs/common';
import { InMemoryRecentMessages } from '@onda/moderation';
import { createRedisClient } from '@onda/queue';
import type { Redis } from 'ioredis';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from '../common/rate-limit.js';
import { API_METRICS, type ApiMetrics } from '../common/metrics.js';
import { outboundAllowPrivate, type ApiOptions } from '../common/tokens.js';
import { createTranslator } from '../translation/translation.setup.js';
import { ChatController } from './chat.controller.js';
import { resolveChatOptions, type ChatOptions } from './chat.options.js';
import { ChatPollsController } from './chat-polls.controller.js';
import { CHAT_DEVICE_LIMITER, CHAT_FILTER, CHAT_NODE, CHAT_OPTIONS, CHAT_REDIS, CHAT_STORE, type ChatNode } from './chat.tokens.js';
import type { ChatFilter } from './domain/chat-filter.js';
import { ChatIdentityService } from './domain/chat-identity.service.js';
import { ChatModerationService } from './domain/chat-moderation.service.js';
import { ChatPollsService } from './domain/chat-polls.service.js';
import { ChatRoomsService } from './domain/chat-rooms.service.js';
import { ChatService } from './domain/chat.service.js';
import { ChatTranslation } from './domain/chat-translation.js';
import { ModerationChatFilter, RedisRecentMessages } from './domain/moderation.filter.js';
import { ChatModerationRepository } from './persistence/chat-moderation.repository.js';
import { ChatRepository } from './persistence/chat.repository.js';
import { ChatWriter } from './persistence/chat.writer.js';
import { ChatPresence } from './state/chat-presence.js';
import type { ChatStore } from './state/chat.store.js';
import { MemoryChatStore } from './state/memory-chat.store.js';
import { RedisChatStore } from './state/redis-chat.store.js';
import { ChatFanout } from './transport/chat.fanout.js';
import { ChatGateway } from './transport/chat.gateway.js';
import { ChatLiveUpdates } from './transport/chat-live-updates.js';

export const chatControllers: Type[] = [ChatController, ChatPollsController];

/** The filter, with every rule that matched a message counted by rule and outcome (onda_chat_filter_hits_total). */
function countingHits(filter: ChatFilter, metrics: ApiMetrics): ChatFilter {
  return {
    async check(text, ctx) {
      const result = await filter.check(text, ctx);
      for (const rule of result.hits) metrics.chat.filterHit(rule, result.outcome);
      return result;
    },
  };
}

/**
 * The batched writer, linked to the fan-out: a node asked (by any node) to write its pending messages flushes it,
 * and a delete or purge that overtakes the batch writing the message (on any node) marks the rows still waiting here.
 */
function linkedWriter(repo: ChatRepository, modRepo: ChatModerationRepository, fanout: ChatFanout, chat: ChatOptions): ChatWriter {
  const writer = new ChatWriter({ insertMessages: (rows) => repo.insertMessages(rows), insertVotes: (rows) => modRepo.insertVotes(rows) }, chat.persistIntervalMs);
  fanout.onFlushRequest(() => writer.flush());
  fanout.onItems((channelId, items) => {
    const at = new Date();
    for (const item of items) {
      if (item.type === 'delete') writer.markDeleted(item.messageIds, at);
      else if (item.type === 'purge') writer.markPurged(channelId, item.authorKey, at);
    }
  });
  return writer;
}

/** Chat translation (a no-op unless TRANSLATE_PROVIDER is set); translations reach the room through the fan-out. */
function chatTranslation(options: ApiOptions, chat: ChatOptions, redis: Redis | null, fanout: ChatFanout): ChatTranslation {
  const logger = new Logger('ChatTranslation');
  const translating = createTranslator(options.translation, {
    redis,
    prefix: chat.redisPrefix,
    allowPrivate: outboundAllowPrivate(options),
    publish: (channelId, translations) => fanout.publish(channelId, translations.map((t) => ({ type: 'translation' as const, ...t }))),
    warn: (message) => logger.warn(message),
  });
  return new ChatTranslation(translating?.translator ?? null, translating?.store ?? null);
}

/** The chat feature: Redis-backed shared state with `redisUrl`, in-process state without (embedded mode). */
export function chatProviders(options: ApiOptions, filter?: ChatFilter): Provider[] {
  return [
    ChatRepository,
    ChatModerationRepository,
    { provide: CHAT_OPTIONS, useValue: resolveChatOptions(options.chat, options) },
    { provide: CHAT_NODE, useValue: { id: randomBytes(6).toString('hex'), clustered: !!options.redisUrl } satisfies ChatNode },
    { provide: CHAT_REDIS, useFactory: (): Redis | null => (options.redisUrl ? createRedisClient(options.redisUrl, 'request') : null) },
    {
      provide: CHAT_STORE,
      inject: [CHAT_REDIS, CHAT_OPTIONS],
      useFactory: (redis: Redis | null, chat: ChatOptions): ChatStore => (redis ? new RedisChatStore(redis, chat.redisPrefix) : new MemoryChatStore()),
    },
    {
      provide: CHAT_FILTER,
      inject: [CHAT_REDIS, CHAT_OPTIONS, API_METRICS],
      useFactory: (redis: Redis | null, chat: ChatOptions, metrics: ApiMetrics): ChatFilter =>
        countingHits(filter ?? new ModerationChatFilter(redis ? new RedisRecentMessages(redis, chat.redisPrefix) : new InMemoryRecentMessages(), outboundAllowPrivate(options)), metrics),
    },
    {
      provide: CHAT_DEVICE_LIMITER,
      inject: [CHAT_REDIS, CHAT_OPTIONS],
      useFactory: (redis: Redis | null, chat: ChatOptions): RateLimiter => (redis ? new RedisRateLimiter(redis, chat.deviceTokensPerIp) : new MemoryRateLimiter(chat.deviceTokensPerIp)),
    },
    { provide: ChatFanout, inject: [CHAT_OPTIONS, API_METRICS], useFactory: (chat: ChatOptions, metrics: ApiMetrics) => new ChatFanout(chat, metrics.chat) },
    { provide: ChatWriter, inject: [ChatRepository, ChatModerationRepository, ChatFanout, CHAT_OPTIONS], useFactory: linkedWriter },
    { provide: ChatTranslation, inject: [CHAT_OPTIONS, CHAT_REDIS, ChatFanout], useFactory: (chat: ChatOptions, redis: Redis | null, fanout: ChatFanout) => chatTranslation(options, chat, redis, fanout) },
    ChatIdentityService,
    ChatRoomsService,
    ChatLiveUpdates,
    ChatService,
    ChatModerationService,
    ChatPollsService,
    ChatPresence,
    ChatGateway,
  ];
}
