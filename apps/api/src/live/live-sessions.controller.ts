import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { LiveSessionDetailSchema, LiveSessionStates, PageSchema, type LiveSessionDetail } from '@onda/contracts';
import type { LiveSession } from '@onda/db';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../common/cursor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { LiveRepository } from './live.repository.js';
import { LiveService } from './live.service.js';

const ListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    channelId: z.uuid().optional(),
    state: z.enum(LiveSessionStates).optional(),
  })
  .strict();

/** Broadcasts of the caller's channels, past and present. */
@ApiTags('live-sessions')
@Controller('v1/live-sessions')
export class LiveSessionsController {
  constructor(
    private readonly repo: LiveRepository,
    private readonly live: LiveService,
  ) {}

  @Get()
  @RequireScopes('sessions:read')
  @ApiOperation({ summary: 'List live sessions', description: 'Newest first; filter by channelId and state. Cursor pagination.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'channelId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'state', required: false, schema: { type: 'string', enum: [...LiveSessionStates] } })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(LiveSessionDetailSchema)) })
  @ApiResponse(problemResponse(400, 'Invalid query'))
  async list(@CurrentPrincipal() principal: Principal, @Query(new ZodPipe(ListQuerySchema)) q: z.infer<typeof ListQuerySchema>): Promise<Page<LiveSessionDetail>> {
    const rows = await this.repo.listForOwner({
      ownerId: principal.user.id,
      limit: q.limit + 1,
      ...(q.channelId ? { channelId: q.channelId } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
    });
    return toPage(rows, q.limit, detailDto);
  }

  @Get(':id')
  @RequireScopes('sessions:read')
  @ApiOperation({ summary: 'Read a live session', description: 'State, times, source and the last health report (fps, bitrate, speed, dropped frames).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: jsonSchema(LiveSessionDetailSchema) })
  @ApiResponse(problemResponse(404, 'Unknown session, or not yours'))
  async get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<LiveSessionDetail> {
    return detailDto(await this.mustFind(principal, id));
  }

  @Post(':id/end')
  @HttpCode(200)
  @RequireScopes('sessions:write')
  @ApiOperation({ summary: 'Force-end a live session', description: 'Marks it ended at once; the ingest drops the publisher within seconds and the worker finalises the playlists. 409 when already over.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: jsonSchema(LiveSessionDetailSchema) })
  @ApiResponse(problemResponse(404, 'Unknown session, or not yours'))
  @ApiResponse(problemResponse(409, 'Already ended'))
  async end(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<LiveSessionDetail> {
    const session = await this.mustFind(principal, id);
    if (!(await this.live.forceEnd(session, 'ended by API'))) throw new AppError('conflict', 'The session is already over');
    return detailDto(await this.mustFind(principal, id));
  }

  private async mustFind(principal: Principal, id: string): Promise<LiveSession> {
    const session = await this.repo.findForOwner(principal.user.id, id);
    if (!session) throw new AppError('not_found', `No live session ${id} of yours`);
    return session;
  }
}

const detailDto = (s: LiveSession): LiveSessionDetail => ({
  id: s.id,
  channelId: s.channelId,
  state: s.state,
  publisherConnected: s.publisherConnected,
  createdAt: s.createdAt.toISOString(),
  startedAt: s.startedAt?.toISOString() ?? null,
  endedAt: s.endedAt?.toISOString() ?? null,
  endReason: s.endReason,
  renditions: s.renditions,
  source: s.source ?? null,
  lastHealth: s.lastHealth ?? null,
  lastHealthAt: s.lastHealthAt?.toISOString() ?? null,
});
