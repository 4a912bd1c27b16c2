import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ChannelSchema, ChannelVisibilities, CreateChannelSchema, PageSchema, PlaybackSchema, UpdateChannelSchema, type Channel, type CreateChannel, type Playback, type UpdateChannel } from '@onda/contracts';
import { CurrentPrincipal, MaybePrincipal, OptionalAuth, RequireScopes, type Principal } from '../auth/auth.context.js';
import { IdempotencyInterceptor, IDEMPOTENCY_HEADER } from '../common/idempotency.interceptor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { ChannelsService, type Page } from './channels.service.js';

const ListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    live: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    owner: z.literal('me').optional(),
    visibility: z.enum(ChannelVisibilities).optional(),
  })
  .strict();

export const IdOrSlugSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'a channel id or slug');
export const idOrSlug = new ZodPipe(IdOrSlugSchema);

@ApiTags('channels')
@Controller('v1/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @RequireScopes('channels:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({ summary: 'Create a channel', description: 'Creates a channel owned by the caller, with a fresh stream key.' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ schema: jsonSchema(CreateChannelSchema) })
  @ApiResponse({ status: 201, description: 'The channel', schema: jsonSchema(ChannelSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(409, 'Slug taken'))
  @ApiResponse(problemResponse(422, 'Idempotency-Key reused with a different body'))
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateChannelSchema)) body: CreateChannel): Promise<Channel> {
    return this.channels.create(principal, body);
  }

  @Get()
  @OptionalAuth()
  @ApiOperation({ summary: 'List channels', description: 'Public channels, newest first; `owner=me` (needs channels:read) lists all of yours. `live=true` keeps channels that are live now. Cursor pagination.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'live', required: false, schema: { type: 'boolean' } })
  @ApiQuery({ name: 'owner', required: false, schema: { type: 'string', enum: ['me'] } })
  @ApiQuery({ name: 'visibility', required: false, schema: { type: 'string', enum: [...ChannelVisibilities] } })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(ChannelSchema)) })
  @ApiResponse(problemResponse(400, 'Invalid query'))
  list(@MaybePrincipal() principal: Principal | null, @Query(new ZodPipe(ListQuerySchema)) query: z.infer<typeof ListQuerySchema>): Promise<Page<Channel>> {
    return this.channels.list(principal, query);
  }

  @Get(':idOrSlug')
  @OptionalAuth()
  @ApiOperation({ summary: 'Read a channel', description: 'With its status (offline / live) and current live session. Private channels are visible to their owner and moderators only.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(ChannelSchema) })
  @ApiResponse(problemResponse(404, 'Unknown channel'))
  get(@MaybePrincipal() principal: Principal | null, @Param('idOrSlug', idOrSlug) id: string): Promise<Channel> {
    return this.channels.get(principal, id);
  }

  @Patch(':idOrSlug')
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Update a channel', description: 'Any subset of title, description, visibility, passthrough, recording, reconnectWindowSeconds, latencyMode, ladderProfile. Settings that shape the transcode apply from the next broadcast.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiBody({ schema: jsonSchema(UpdateChannelSchema) })
  @ApiOkResponse({ schema: jsonSchema(ChannelSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(404, 'Unknown channel, or not yours'))
  update(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(UpdateChannelSchema)) body: UpdateChannel): Promise<Channel> {
    return this.channels.update(principal, id, body);
  }

  @Delete(':idOrSlug')
  @HttpCode(204)
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Delete a channel', description: 'Refused (409) while the channel is live.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse(problemResponse(404, 'Unknown channel, or not yours'))
  @ApiResponse(problemResponse(409, 'The channel is live'))
  remove(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<void> {
    return this.channels.remove(principal, id);
  }

  @Get(':idOrSlug/playback')
  @OptionalAuth()
  @ApiOperation({ summary: 'Playback info', description: 'The HLS master playlist URL while live. Private channels (owner or moderator credentials) get a signed URL that expires at `expiresAt`.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(PlaybackSchema) })
  @ApiResponse(problemResponse(404, 'Unknown channel'))
  playback(@MaybePrincipal() principal: Principal | null, @Param('idOrSlug', idOrSlug) id: string): Promise<Playback> {
    return this.channels.playback(principal, id);
  }
}
