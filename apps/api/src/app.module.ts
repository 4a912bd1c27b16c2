import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { PrismaClient } from '@onda/db';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import { AuthRepository } from './auth/auth.repository.js';
import { InternalGuard, ScopeGuard } from './auth/auth.guard.js';
import { OperatorAuditInterceptor } from './auth/operator-audit.interceptor.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthService } from './auth/auth.service.js';
import { ChannelAccessController, ModeratorInvitationsController } from './channels/channel-access.controller.js';
import { IdempotencyInterceptor } from './common/idempotency.interceptor.js';
import { IdempotencyRepository } from './common/idempotency.repository.js';
import { MemoryRateLimiter, type RateLimiter } from './common/rate-limit.js';
import { LiveSessionsController } from './live/live-sessions.controller.js';
import { DirectMediaService } from './playback/direct-media.service.js';
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
import { ModeratorInvitationsRepository } from './channels/moderator-invitations.repository.js';
import { ModeratorInvitationsService } from './channels/moderator-invitations.service.js';
import { ChannelsRepository } from './channels/channels.repository.js';
import { ChannelsService } from './channels/channels.service.js';
import { EmbedController } from './embed/embed.controller.js';
import { EmbedService } from './embed/embed.service.js';
import { ProblemFilter } from './common/problem.filter.js';
import { API_OPTIONS, PRISMA, QUEUE, RATE_LIMITER, SIGN_IN_THROTTLE, STORAGE, type ApiOptions } from './common/tokens.js';
import { SIGN_IN_LIMITS, SignInThrottle } from './auth/sign-in-throttle.js';
import { HealthController } from './health.controller.js';
import { ConsoleLinks } from './people/console-links.js';
import { InvitationsController } from './people/invitations.controller.js';
import { InvitationsService } from './people/invitations.service.js';
import { PeopleController } from './people/people.controller.js';
import { PeopleRepository } from './people/people.repository.js';
import { PeopleService } from './people/people.service.js';
import { createMailer, MAILER } from './people/mailer.js';
import { HealthRepository } from './health.repository.js';
import { HealthService } from './health.service.js';
import { API_METRICS, createApiMetrics } from './common/metrics.js';
import type { Registry } from '@onda/observability';
import { IngestInternalController, WorkerInternalController } from './live/internal.controller.js';
import { LiveRepository } from './live/live.repository.js';
import { LiveService } from './live/live.service.js';
import { MediaController } from './media/media.controller.js';
import { LlDeliveryService } from './media/ll-delivery.service.js';
import { LlInternalController } from './media/ll-internal.controller.js';
import { LlPlaylistsService } from './media/ll-playlists.service.js';
import { VodsController, VodsInternalController } from './vods/vods.controller.js';
import { ClipsController, ClipsInternalController } from './clips/clips.controller.js';
import { ClipsRepository } from './clips/clips.repository.js';
import { CLIP_LIMIT, CLIP_LIMITER, ClipsService } from './clips/clips.service.js';
import { VodsRepository } from './vods/vods.repository.js';
import { VodsService } from './vods/vods.service.js';
import { VodUploadsService } from './vods/vod-uploads.service.js';
import { chatControllers, chatProviders } from './chat/chat.providers.js';
import type { ChatFilter } from './chat/domain/chat-filter.js';
import { statsControllers, statsProviders } from './stats/stats.providers.js';
import { simulcastControllers, simulcastProviders } from './simulcast/simulcast.providers.js';
import { commerceControllers, commerceProviders } from './commerce/commerce.providers.js';

export interface ApiDeps {
  prisma: PrismaClient;
  queue: JobQueue;
  storage: ObjectStorage;
  options: ApiOptions;
  /** Per-token rate limiter; default: in-process sliding window (use RedisRateLimiter with several API nodes). */
  rateLimiter?: RateLimiter;
  /** Sign-in attempts per account and per address; default in-process (index.ts passes Redis ones with REDIS_URL). */
  signInLimiters?: { perAccount: RateLimiter; perAddress: RateLimiter };
  /** Clips per account; default in-process (index.ts passes a Redis one with REDIS_URL). */
  clipLimiter?: RateLimiter;
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
        ModeratorInvitationsController,
        IngestInternalController,
        WorkerInternalController,
        MediaController,
        LlInternalController,
        AuthController,
        ChannelAccessController,
        TokensController,
        LiveSessionsController,
        WebhooksController,
        VodsController,
        VodsInternalController,
        ClipsController,
        ClipsInternalController,
        EmbedController,
        PeopleController,
        InvitationsController,
        ...chatControllers,
        ...statsControllers,
        ...simulcastControllers,
        ...commerceControllers,
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
        OperatorAuditInterceptor,
        InternalGuard,
        { provide: RATE_LIMITER, useValue: deps.rateLimiter ?? new MemoryRateLimiter(deps.options.rateLimit ?? { limit: 600, windowMs: 60_000 }) },
        {
          provide: SIGN_IN_THROTTLE,
          useValue: new SignInThrottle(
            deps.signInLimiters?.perAccount ?? new MemoryRateLimiter(deps.options.signIn?.perAccount ?? SIGN_IN_LIMITS.perAccount),
            deps.signInLimiters?.perAddress ?? new MemoryRateLimiter(deps.options.signIn?.perAddress ?? SIGN_IN_LIMITS.perAddress),
          ),
        },
        AuthService,
        { provide: CLIP_LIMITER, useValue: deps.clipLimiter ?? new MemoryRateLimiter(deps.options.clipRateLimit ?? CLIP_LIMIT) },
        ClipsRepository,
        ClipsService,
        IdempotencyRepository,
        IdempotencyInterceptor,
        TokensRepository,
        TokensService,
        PeopleRepository,
        PeopleService,
        { provide: MAILER, useValue: createMailer(deps.options.smtp) },
        ConsoleLinks,
        InvitationsService,
        WebhooksRepository,
        WebhookService,
        WebhookDispatcher,
        PlaybackRepository,
        MediaAccessService,
        LlPlaylistsService,
        LlDeliveryService,
        DirectMediaService,
        ChannelsRepository,
        ChannelsService,
        ModeratorInvitationsRepository,
        ModeratorInvitationsService,
        EmbedService,
        LiveRepository,
        LiveService,
        VodsRepository,
        VodsService,
        VodUploadsService,
        ...chatProviders(deps.options, deps.chatFilter),
        ...statsProviders(deps.options),
        ...simulcastProviders,
        ...commerceProviders,
      ],
    };
  }
}
