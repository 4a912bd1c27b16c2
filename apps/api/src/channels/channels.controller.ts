import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ChannelSchema, CreateChannelSchema, PageSchema, StreamKeySchema, type Channel, type CreateChannel, type StreamKey } from '@onda/contracts';
import type { User } from '@onda/db';
import { CurrentUser, UserGuard } from '../auth/auth.guard.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { ChannelsService, type Page } from './channels.service.js';

const ListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    live: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  })
  .strict();

const IdOrSlugSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, 'a channel id or slug');

@ApiTags('channels')
@Controller('v1/channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @UseGuards(UserGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a channel', description: 'Creates a channel owned by the caller, with a fresh stream key.' })
  @ApiBody({ schema: jsonSchema(CreateChannelSchema) })
  @ApiResponse({ status: 201, description: 'The channel', schema: jsonSchema(ChannelSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(401, 'No or invalid API token'))
  @ApiResponse(problemResponse(409, 'Slug taken'))
  create(@CurrentUser() user: User, @Body(new ZodPipe(CreateChannelSchema)) body: CreateChannel): Promise<Channel> {
    return this.channels.create(user, body);
  }

  @Get()
  @ApiOperation({ summary: 'List channels', description: 'Newest first; `live=true` keeps channels that are live now. Cursor pagination.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'live', required: false, schema: { type: 'boolean' } })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(ChannelSchema)) })
  @ApiResponse(problemResponse(400, 'Invalid query'))
  list(@Query(new ZodPipe(ListQuerySchema)) query: z.infer<typeof ListQuerySchema>): Promise<Page<Channel>> {
    return this.channels.list(query);
  }

  @Get(':idOrSlug')
  @ApiOperation({ summary: 'Read a channel', description: 'With its status (offline / live) and current live session, whose playbackUrl is the HLS master playlist.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(ChannelSchema) })
  @ApiResponse(problemResponse(404, 'Unknown channel'))
  get(@Param('idOrSlug', new ZodPipe(IdOrSlugSchema)) idOrSlug: string): Promise<Channel> {
    return this.channels.get(idOrSlug);
  }

  @Get(':idOrSlug/stream-key')
  @UseGuards(UserGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Read the channel's stream key (owner only)", description: 'OBS: Server = rtmpUrl, Stream Key = streamKey.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(StreamKeySchema) })
  @ApiResponse(problemResponse(401, 'No or invalid API token'))
  @ApiResponse(problemResponse(404, 'Unknown channel, or not yours'))
  streamKey(@CurrentUser() user: User, @Param('idOrSlug', new ZodPipe(IdOrSlugSchema)) idOrSlug: string): Promise<StreamKey> {
    return this.channels.streamKey(user, idOrSlug);
  }

  @Post(':idOrSlug/stream-key/rotate')
  @HttpCode(200)
  @UseGuards(UserGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Rotate the stream key (owner only)', description: 'The old key stops working at once; a broadcast in progress continues.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(StreamKeySchema) })
  @ApiResponse(problemResponse(401, 'No or invalid API token'))
  @ApiResponse(problemResponse(404, 'Unknown channel, or not yours'))
  rotate(@CurrentUser() user: User, @Param('idOrSlug', new ZodPipe(IdOrSlugSchema)) idOrSlug: string): Promise<StreamKey> {
    return this.channels.rotateKey(user, idOrSlug);
  }
}
