import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { LiveSessionDetailSchema, LiveSessionStates, PageSchema, type LiveSessionDetail } from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import type { Page } from '../common/cursor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { LiveService } from './live.service.js';

const ListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    channelId: z.uuid().optional(),
    state: z.enum(LiveSessionStates).optional(),
  })
  .strict();

/** Broadcasts of the caller's channels (an operator: of any channel, by channelId or id), past and present. */
@ApiTags('live-sessions')
@Controller('v1/live-sessions')
export class LiveSessionsController {
  constructor(private readonly live: LiveService) {}

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
    return this.live.listForOwner(principal, q);
  }

  @Get(':id')
  @RequireScopes('sessions:read')
  @ApiOperation({ summary: 'Read a live session', description: 'State, times, source and the last health report (fps, bitrate, speed, dropped frames).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ schema: jsonSchema(LiveSessionDetailSchema) })
  @ApiResponse(problemResponse(404, 'Unknown session, or not yours'))
  async get(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<LiveSessionDetail> {
    return this.live.getForOwner(principal, id);
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
    return this.live.endForOwner(principal, id);
  }
}
