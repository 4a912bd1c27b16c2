import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExcludeController, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  PageSchema, UpdateVodSchema, VodSchema, WorkerArchiveReportSchema, WorkerVodProgressSchema, WorkerVodResultSchema,
  type UpdateVod, type Vod, type WorkerArchiveReport, type WorkerVodProgress, type WorkerVodResult,
} from '@onda/contracts';
import { CurrentPrincipal, MaybePrincipal, OptionalAuth, RequireScopes, type Principal } from '../auth/auth.context.js';
import { InternalGuard } from '../auth/auth.guard.js';
import type { Page } from '../common/cursor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { VodsService } from './vods.service.js';

const ListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    channel: z.string().min(1).max(64).optional(),
    owner: z.literal('me').optional(),
  })
  .strict();

@ApiTags('vods')
@Controller('v1/vods')
export class VodsController {
  constructor(private readonly vods: VodsService) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({ summary: 'List VODs', description: 'Ready VODs of public channels, newest first; `owner=me` or your own `channel` lists yours in every status. Cursor pagination.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'channel', required: false, schema: { type: 'string' }, description: 'channel id or slug' })
  @ApiQuery({ name: 'owner', required: false, schema: { type: 'string', enum: ['me'] } })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(VodSchema)) })
  list(@MaybePrincipal() principal: Principal | null, @Query(new ZodPipe(ListQuerySchema)) query: z.infer<typeof ListQuerySchema>): Promise<Page<Vod>> {
    return this.vods.list(principal, query);
  }

  @Get(':id')
  @OptionalAuth()
  @ApiOperation({ summary: 'Read a VOD', description: 'With its status, encode progress and playback URLs (instant replay of the broadcast until the encode is ready).' })
  @ApiOkResponse({ schema: jsonSchema(VodSchema) })
  @ApiResponse(problemResponse(404, 'No such VOD'))
  read(@MaybePrincipal() principal: Principal | null, @Param('id', uuidParam()) id: string): Promise<Vod> {
    return this.vods.read(principal, id);
  }

  @Patch(':id')
  @RequireScopes('vods:write')
  @ApiOperation({ summary: 'Rename a VOD' })
  @ApiBody({ schema: jsonSchema(UpdateVodSchema) })
  @ApiOkResponse({ schema: jsonSchema(VodSchema) })
  @ApiResponse(problemResponse(404, 'No such VOD of yours'))
  update(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Body(new ZodPipe(UpdateVodSchema)) body: UpdateVod): Promise<Vod> {
    return this.vods.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('vods:write')
  @ApiOperation({ summary: 'Delete a VOD', description: 'Also deletes its storage objects (recording, renditions, poster, storyboard).' })
  @ApiResponse(problemResponse(404, 'No such VOD of yours'))
  delete(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.vods.delete(principal, id);
  }
}

/** Called by worker processes; not part of the public API. */
@ApiExcludeController()
@UseGuards(InternalGuard)
@Controller('internal/worker/vods')
export class VodsInternalController {
  constructor(private readonly vods: VodsService) {}

  @Post(':id/archive')
  @HttpCode(204)
  archive(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(WorkerArchiveReportSchema)) body: WorkerArchiveReport): Promise<void> {
    return this.vods.archive(id, body);
  }

  @Post(':id/progress')
  @HttpCode(204)
  progress(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(WorkerVodProgressSchema)) body: WorkerVodProgress): Promise<void> {
    return this.vods.progress(id, body);
  }

  @Post(':id/result')
  @HttpCode(204)
  result(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(WorkerVodResultSchema)) body: WorkerVodResult): Promise<void> {
    return this.vods.result(id, body);
  }
}
