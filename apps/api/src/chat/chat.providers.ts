import { Logger, type Provider, type Type } from '@nestjs/common';
import { createRedisClient } from '@onda/queue';
import { MemoryRateLimiter, RedisRateLimiter } from '../common/rate-limit.js';
import { API_METRICS, type ApiMetrics } from '../common/metrics.js';
import { outboundAllowPrivate, type ApiOptions } from '../common/tokens.js';
import { ChatController } from './chat.controller.js';
import { ChatFanout } from './transport/chat.fanout.js';
import { InMemoryRecentMessages } from '@onda/moderation';
import type { ChatFilter } from './domain/chat-filter.js';
import { ChatGateway } from './transport/chat.gateway.js';
import { ChatIdentityService } from './domain/chat-identity.service.js';
import { ChatLiveUpdates } from './transport/chat-live-updates.js';
import { ChatModerationRepository } from './persistence/chat-moderation.repository.js';
import { ChatModerationService } from './domain/chat-moderation.service.js';
import { resolveChatOptions } from './chat.options.js';
import { ChatPollsController } from './chat-polls.controller.js';
import { ChatPollsService } from './domain/chat-polls.service.js';
import { ChatPresence } from './state/chat-presence.js';
import { ChatRepository } from './persistence/chat.repository.js';
import { ChatRoomsService } from './domain/chat-rooms.service.js';
import { CHAT_RUNTIME, newNodeId, type ChatRuntime } from './chat.runtime.js';
import { ChatService } from './domain/chat.service.js';
import { ChatTranslation } from './domain/chat-translation.js';
import { createTranslator } from '../translation/translation.setup.js';
import { ChatWriter } from './persistence/chat.writer.js';
import { MemoryChatStore } from './state/memory-chat.store.js';
import { RedisChatStore } from './state/redis-chat.store.js';
import { ModerationChatFilter, RedisRecentMessages } from './domain/moderation.filter.js';

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

/** The chat feature: Redis-backed shared state with `redisUrl`, in-process state without (embedded mode). */
export function chatProviders(options: ApiOptions, filter?: ChatFilter): Provider[] {
  return [
    ChatRepository,
    ChatModerationRepository,
    {
      provide: CHAT_RUNTIME,
      inject: [ChatRepository, ChatModerationRepository, API_METRICS],
      useFactory: (repo: ChatRepository, modRepo: ChatModerationRepository, metrics: ApiMetrics): ChatRuntime => {
        const chat = resolveChatOptions(options.chat);
        const redis = options.redisUrl ? createRedisClient(options.redisUrl, 'request') : null;
        const store = redis ? new RedisChatStore(redis, chat.redisPrefix) : new MemoryChatStore();
        const fanout = new ChatFanout(chat, metrics.chat);
        const logger = new Logger('ChatTranslation');
        const translating = createTranslator(options.translation, {
          redis,
          prefix: chat.redisPrefix,
          allowPrivate: outboundAllowPrivate(options),
          publish: (channelId, translations) => fanout.publish(channelId, translations.map((t) => ({ type: 'translation' as const, ...t }))),
          warn: (message) => logger.warn(message),
        });
        return {
          options: chat,
          store,
          fanout,
          writer: new ChatWriter({ insertMessages: (rows) => repo.insertMessages(rows), insertVotes: (rows) => modRepo.insertVotes(rows) }, chat.persistIntervalMs),
          filter: countingHits(filter ?? new ModerationChatFilter(redis ? new RedisRecentMessages(redis, chat.redisPrefix) : new InMemoryRecentMessages(), outboundAllowPrivate(options)), metrics),
          clustered: !!options.redisUrl,
          nodeId: newNodeId(),
          deviceLimiter: redis ? new RedisRateLimiter(redis, chat.deviceTokensPerIp) : new MemoryRateLimiter(chat.deviceTokensPerIp),
          translation: new ChatTranslation(translating?.translator ?? null, translating?.store ?? null),
        };
      },
    },
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
