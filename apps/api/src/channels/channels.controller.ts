import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ChannelSchema, ChannelVisibilities, CreateChannelSchema, PageSchema, PlaybackSchema, UpdateChannelSchema, type Channel, type CreateChannel, type Playback, type UpdateChannel } from '@onda/contracts';
import { CurrentPrincipal, MaybePrincipal, OptionalAuth, RequireScopes, type Principal } from '../auth/auth.context.js';
import { IdempotencyInterceptor, IDEMPOTENCY_HEADER } from '../common/idempotency.interceptor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { idOrSlug, ZodPipe } from '../common/zod.pipe.js';
import { ChatPresence } from '../chat/state/chat-presence.js';
import { ChannelsService, type Page } from './channels.service.js';

const ListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    live: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    owner: z.enum(['me', 'all']).optional(),
    visibility: z.enum(ChannelVisibilities).optional(),
  })
  .strict();


@ApiTags('channels')
@Controller('v1/channels')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly presence: ChatPresence,
  ) {}

  /** Live channels carry how many people watch them now (the chat room's size across nodes). */
  private async withViewers<T extends Channel>(items: T[]): Promise<T[]> {
    const live = items.filter((c) => c.status === 'live');
    const counts = await this.presence.viewersOf(live.map((c) => c.id)).catch(() => new Map<string, number>());
    return items.map((c) => (c.status === 'live' ? { ...c, viewerCount: counts.get(c.id) ?? 0 } : c));
  }

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
  @ApiOperation({ summary: 'List channels', description: 'Public channels, newest first; `owner=me` (needs channels:read) lists all of yours; `owner=all` (operators) every account\'s, each with its `owner`. `live=true` keeps channels that are live now. Cursor pagination.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'live', required: false, schema: { type: 'boolean' } })
  @ApiQuery({ name: 'owner', required: false, schema: { type: 'string', enum: ['me', 'all'] } })
  @ApiQuery({ name: 'visibility', required: false, schema: { type: 'string', enum: [...ChannelVisibilities] } })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(ChannelSchema)) })
  @ApiResponse(problemResponse(400, 'Invalid query'))
  async list(@MaybePrincipal() principal: Principal | null, @Query(new ZodPipe(ListQuerySchema)) query: z.infer<typeof ListQuerySchema>): Promise<Page<Channel>> {
    const page = await this.channels.list(principal, query);
    return { ...page, items: await this.withViewers(page.items) };
  }

  @Get(':idOrSlug')
  @OptionalAuth()
  @ApiOperation({ summary: 'Read a channel', description: 'With its status (offline / live) and current live session. Private channels are visible to their owner, moderators and operators only.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(ChannelSchema) })
  @ApiResponse(problemResponse(404, 'Unknown channel'))
  async get(@MaybePrincipal() principal: Principal | null, @Param('idOrSlug', idOrSlug) id: string): Promise<Channel> {
    const [channel] = await this.withViewers([await this.channels.get(principal, id)]);
    return channel!;
  }

  @Patch(':idOrSlug')
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Update a channel', description: 'Any subset of title, description, visibility, passthrough, recording, reconnectWindowSeconds, latencyMode, ladderProfile. Settings that shape the transcode apply from the next broadcast.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiBody({ schema: jsonSchema(UpdateChannelSchema) })
  @ApiOkResponse({ schema: jsonSchema(ChannelSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(404, 'Unknown channel, or not one the caller manages (its own; any for an operator)'))
  update(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(UpdateChannelSchema)) body: UpdateChannel): Promise<Channel> {
    return this.channels.update(principal, id, body);
  }

  @Delete(':idOrSlug')
  @HttpCode(204)
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Delete a channel', description: 'Refused (409) while the channel is live.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse(problemResponse(404, 'Unknown channel, or not one the caller manages (its own; any for an operator)'))
  @ApiResponse(problemResponse(409, 'The channel is live'))
  remove(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<void> {
    return this.channels.remove(principal, id);
  }

  @Get(':idOrSlug/thumbnail')
  @OptionalAuth()
  @ApiOperation({
    summary: 'Live thumbnail',
    description: 'A stable address of the channel\'s newest live thumbnail (a JPEG refreshed about every 30 s): redirects (302) to it. '
      + 'A private channel\'s (owner or moderator credentials) redirects to a signed URL. 404 while offline or before the first picture.',
  })
  @ApiParam({ name: 'idOrSlug' })
  @ApiResponse({ status: 302, description: 'Redirect to the newest thumbnail (image/jpeg)' })
  @ApiResponse(problemResponse(404, 'Unknown channel, offline, or no thumbnail yet'))
  async thumbnail(@MaybePrincipal() principal: Principal | null, @Param('idOrSlug', idOrSlug) id: string, @Res() res: Response): Promise<void> {
    const { url, visibility } = await this.channels.thumbnail(principal, id);
    // The target changes with every picture: a public redirect may be cached about as long as the picture
    // object is; a private one is per viewer (signed) and never shared.
    res.setHeader('Cache-Control', visibility === 'private' ? 'private, no-store' : 'public, max-age=10');
    res.redirect(302, url);
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
