import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  IngestAuthorizeSchema,
  IngestDisconnectedSchema,
  IngestStartedSchema,
  WorkerEventSchema,
  type IngestAuthorize,
  type IngestAuthorizeResult,
  type IngestSessionView,
  type IngestStarted,
  type WorkerEvent,
  type WorkerSessionView,
} from '@onda/contracts';
import { InternalGuard } from '../auth/auth.guard.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { LiveService } from './live.service.js';


/** Called by ingest processes; not part of the public API. */
@ApiExcludeController()
@UseGuards(InternalGuard)
@Controller('internal/ingest')
export class IngestInternalController {
  constructor(private readonly live: LiveService) {}

  @Post('authorize')
  @HttpCode(200)
  authorize(@Body(new ZodPipe(IngestAuthorizeSchema)) body: IngestAuthorize): Promise<IngestAuthorizeResult> {
    return this.live.authorize(body);
  }

  @Get('sessions/:id')
  session(@Param('id', uuidParam()) id: string): Promise<IngestSessionView> {
    return this.live.ingestView(id);
  }

  @Post('sessions/:id/started')
  @HttpCode(204)
  started(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(IngestStartedSchema)) body: IngestStarted): Promise<void> {
    return this.live.started(id, body);
  }

  @Post('sessions/:id/disconnected')
  @HttpCode(204)
  disconnected(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(IngestDisconnectedSchema)) body: { reason: string }): Promise<void> {
    return this.live.disconnected(id, body.reason);
  }
}

/** Called by worker processes; not part of the public API. */
@ApiExcludeController()
@UseGuards(InternalGuard)
@Controller('internal/worker')
export class WorkerInternalController {
  constructor(private readonly live: LiveService) {}

  @Get('sessions/:id')
  session(@Param('id', uuidParam()) id: string): Promise<WorkerSessionView> {
    return this.live.workerView(id);
  }

  @Post('sessions/:id/events')
  @HttpCode(204)
  event(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(WorkerEventSchema)) body: WorkerEvent): Promise<void> {
    return this.live.workerEvent(id, body);
  }
}
