import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { PrismaClient } from '@onda/db';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import { AuthRepository } from './auth/auth.repository.js';
import { InternalGuard, ScopeGuard } from './auth/auth.guard.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthService } from './auth/auth.service.js';
import { ChannelAccessController } from './channels/channel-access.controller.js';
import { IdempotencyInterceptor } from './common/idempotency.interceptor.js';
import { IdempotencyRepository } from './common/idempotency.repository.js';
import { MemoryRateLimiter, type RateLimiter } from './common/rate-limit.js';
import { LiveSessionsController } from './live/live-sessions.controller.js';
import { MediaAccessService } from './playback/media-access.service.js';
import { PlaybackRepository } from './playback/playback.repository.js';
import { TokensController } from './tokens/tokens.controller.js';
import { TokensRepository } from './tokens/tokens.repository.js';
import { TokensService } from './tokens/tokens.service.js';
import { WebhookDispatcher } from './webhooks/webhook.dispatcher.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksRepository } from './webhooks/webhooks.repository.js';
import { WebhookService } from './webhooks/webhooks.service.js';
import { ChannelsController } from './channels/channels.controller.js';
import { ChannelsRepository } from './channels/channels.repository.js';
import { ChannelsService } from './channels/channels.service.js';
import { ProblemFilter } from './common/problem.filter.js';
import { API_OPTIONS, PRISMA, QUEUE, RATE_LIMITER, STORAGE, type ApiOptions } from './common/tokens.js';
import { HealthController } from './health.controller.js';
import { HealthRepository } from './health.repository.js';
import { HealthService } from './health.service.js';
import { API_METRICS, createApiMetrics } from './common/metrics.js';
import type { Registry } from '@onda/observability';
import { IngestInternalController, WorkerInternalController } from './live/internal.controller.js';
import { LiveRepository } from './live/live.repository.js';
import { LiveService } from './live/live.service.js';
import { MediaController } from './media/media.controller.js';
import { VodsController, VodsInternalController } from './vods/vods.controller.js';
import { VodsRepository } from './vods/vods.repository.js';
import { VodsService } from './vods/vods.service.js';
import { VodUploadsService } from './vods/vod-uploads.service.js';
import { chatControllers, chatProviders } from './chat/chat.providers.js';
import type { ChatFilter } from './chat/chat-filter.js';
import { statsControllers, statsProviders } from './stats/stats.providers.js';

export interface ApiDeps {
  prisma: PrismaClient;
  queue: JobQueue;
  storage: ObjectStorage;
  options: ApiOptions;
  /** Per-token rate limiter; default: in-process sliding window (use RedisRateLimiter with several API nodes). */
  rateLimiter?: RateLimiter;
  /** Chat moderation pipeline (packages/moderation); default: deliver everything. */
  chatFilter?: ChatFilter;
  /** The process's metrics registry (/metrics), shared with the other roles in `onda all`; default: the API's own. */
  metrics?: Registry;
}

/** The API's one module: collaborators (database, queue, storage) come from the composition root. */
@Module({})
export class AppModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        ChannelsController,
        IngestInternalController,
        WorkerInternalController,
        MediaController,
        AuthController,
        ChannelAccessController,
        TokensController,
        LiveSessionsController,
        WebhooksController,
        VodsController,
        VodsInternalController,
        ...chatControllers,
        ...statsControllers,
      ],
      providers: [
        { provide: PRISMA, useValue: deps.prisma },
        { provide: QUEUE, useValue: deps.queue },
        { provide: STORAGE, useValue: deps.storage },
        { provide: API_OPTIONS, useValue: deps.options },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: API_METRICS, useValue: createApiMetrics(deps.metrics) },
        HealthRepository,
        HealthService,
        AuthRepository,
        ScopeGuard,
        InternalGuard,
        { provide: RATE_LIMITER, useValue: deps.rateLimiter ?? new MemoryRateLimiter(deps.options.rateLimit ?? { limit: 600, windowMs: 60_000 }) },
        AuthService,
        IdempotencyRepository,
        IdempotencyInterceptor,
        TokensRepository,
        TokensService,
        WebhooksRepository,
        WebhookService,
        WebhookDispatcher,
        PlaybackRepository,
        MediaAccessService,
        ChannelsRepository,
        ChannelsService,
        LiveRepository,
        LiveService,
        VodsRepository,
        VodsService,
        VodUploadsService,
        ...chatProviders(deps.options, deps.chatFilter),
        ...statsProviders(deps.options),
      ],
    };
  }
}
