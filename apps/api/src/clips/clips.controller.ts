import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExcludeController, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import {
  ClipSchema, CreateClipSchema, PageSchema, UpdateClipSchema, WorkerClipResultSchema, type Clip, type CreateClip, type UpdateClip, type WorkerClipResult,
} from '@onda/contracts';
import { CurrentPrincipal, MaybePrincipal, OptionalAuth, RequireScopes, type Principal } from '../auth/auth.context.js';
import { InternalGuard } from '../auth/auth.guard.js';
import type { Page } from '../common/cursor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { ClipsService } from './clips.service.js';

const ListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    channel: z.string().min(1).max(64).optional(),
  })
  .strict();

@ApiTags('clips')
@Controller('v1/clips')
export class ClipsController {
  constructor(private readonly clips: ClipsService) {}

  @Post()
  @HttpCode(202)
  @RequireScopes('clips:write')
  @ApiOperation({
    summary: 'Make a clip',
    description:
      'The last 15-60 s of a live broadcast (`kind: live`, ending `behindLiveSeconds` behind the live edge, within the channel\'s DVR window or the last 60 s) ' +
      'or a 5-60 s range of a ready VOD (`kind: vod`). Cut by the worker without re-encoding: the clip starts on the keyframe at or before the asked start ' +
      '(up to one keyframe interval early: 2 s live, 6 s VOD) and ends at the asked end. Answers the clip, `processing`; poll it until `ready`. ' +
      'Who may clip is the channel\'s `clipPolicy`; rate-limited per account.',
  })
  @ApiBody({ schema: jsonSchema(CreateClipSchema) })
  @ApiResponse({ status: 202, description: 'The clip, processing', schema: jsonSchema(ClipSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(403, 'The channel allows no clips, or only its owner\'s'))
  @ApiResponse(problemResponse(404, 'No such channel or VOD'))
  @ApiResponse(problemResponse(409, 'The channel is not live, or the VOD is not ready'))
  @ApiResponse(problemResponse(422, 'Too short or too long, outside the window or the VOD, or across a break in the broadcast'))
  @ApiResponse(problemResponse(429, 'Too many clips from this account'))
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateClipSchema)) body: CreateClip): Promise<Clip> {
    return this.clips.create(principal, body);
  }

  @Get()
  @OptionalAuth()
  @ApiOperation({ summary: 'List clips', description: 'Ready clips, newest first: of one channel (`channel`; its owner also sees hidden, processing and failed ones), or of every public channel. Cursor pagination.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'channel', required: false, schema: { type: 'string' }, description: 'channel id or slug' })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(ClipSchema)) })
  @ApiResponse(problemResponse(404, 'No such channel'))
  list(@MaybePrincipal() principal: Principal | null, @Query(new ZodPipe(ListQuerySchema)) query: z.infer<typeof ListQuerySchema>): Promise<Page<Clip>> {
    return this.clips.list(principal, query);
  }

  @Get(':id')
  @OptionalAuth()
  @ApiOperation({ summary: 'Read a clip', description: 'With its status and, once ready, its HLS, MP4 and poster URLs. Hidden clips and private channels\' clips exist for their owner only.' })
  @ApiOkResponse({ schema: jsonSchema(ClipSchema) })
  @ApiResponse(problemResponse(404, 'No such clip'))
  read(@MaybePrincipal() principal: Principal | null, @Param('id', uuidParam()) id: string): Promise<Clip> {
    return this.clips.read(principal, id);
  }

  @Post(':id/views')
  @HttpCode(204)
  @OptionalAuth()
  @ApiOperation({ summary: 'Count a view of a clip', description: 'The clip page calls it once per visit; one address counts once per half hour.' })
  @ApiResponse({ status: 204, description: 'Counted' })
  @ApiResponse(problemResponse(404, 'No such clip'))
  view(@MaybePrincipal() principal: Principal | null, @Param('id', uuidParam()) id: string, @Req() req: Request): Promise<void> {
    return this.clips.view(principal, id, req.ip ?? '');
  }

  @Patch(':id')
  @RequireScopes('clips:write')
  @ApiOperation({ summary: 'Rename or hide a clip', description: 'The channel owner\'s moderation: a hidden clip disappears for everyone else (its page, lists and media).' })
  @ApiBody({ schema: jsonSchema(UpdateClipSchema) })
  @ApiOkResponse({ schema: jsonSchema(ClipSchema) })
  @ApiResponse(problemResponse(404, 'No such clip of your channels'))
  update(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Body(new ZodPipe(UpdateClipSchema)) body: UpdateClip): Promise<Clip> {
    return this.clips.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('clips:write')
  @ApiOperation({ summary: 'Delete a clip', description: 'By the channel owner or the clip\'s maker; its files go too.' })
  @ApiResponse(problemResponse(404, 'No such clip of yours'))
  delete(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.clips.delete(principal, id);
  }
}

/** Called by worker processes; not part of the public API. */
@ApiExcludeController()
@UseGuards(InternalGuard)
@Controller('internal/worker/clips')
export class ClipsInternalController {
  constructor(private readonly clips: ClipsService) {}

  @Post(':id/result')
  @HttpCode(204)
  result(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(WorkerClipResultSchema)) body: WorkerClipResult): Promise<void> {
    return this.clips.result(id, body);
  }
}
