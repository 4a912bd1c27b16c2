import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { PrismaClient } from '@onda/db';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import { AuthRepository } from './auth/auth.repository.js';
import { InternalGuard, UserGuard } from './auth/auth.guard.js';
import { ChannelsController } from './channels/channels.controller.js';
import { ChannelsRepository } from './channels/channels.repository.js';
import { ChannelsService } from './channels/channels.service.js';
import { ProblemFilter } from './common/problem.filter.js';
import { API_OPTIONS, PRISMA, QUEUE, STORAGE, type ApiOptions } from './common/tokens.js';
import { HealthController } from './health.controller.js';
import { IngestInternalController, WorkerInternalController } from './live/internal.controller.js';
import { LiveRepository } from './live/live.repository.js';
import { LiveService } from './live/live.service.js';
import { MediaController } from './media/media.controller.js';

export interface ApiDeps {
  prisma: PrismaClient;
  queue: JobQueue;
  storage: ObjectStorage;
  options: ApiOptions;
}

/** The API's one module: collaborators (database, queue, storage) come from the composition root. */
@Module({})
export class AppModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, ChannelsController, IngestInternalController, WorkerInternalController, MediaController],
      providers: [
        { provide: PRISMA, useValue: deps.prisma },
        { provide: QUEUE, useValue: deps.queue },
        { provide: STORAGE, useValue: deps.storage },
        { provide: API_OPTIONS, useValue: deps.options },
        { provide: APP_FILTER, useClass: ProblemFilter },
        AuthRepository,
        UserGuard,
        InternalGuard,
        ChannelsRepository,
        ChannelsService,
        LiveRepository,
        LiveService,
      ],
    };
  }
}
