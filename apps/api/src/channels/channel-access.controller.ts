import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AddModeratorSchema, ModeratorSchema, StreamKeySchema, type Moderator, type StreamKey } from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { idOrSlug } from './channels.controller.js';
import { ChannelsService } from './channels.service.js';

const notYours = problemResponse(404, 'Unknown channel, or not yours');

/** Who may publish to a channel (its stream key) and who may moderate it. */
@ApiTags('channels')
@Controller('v1/channels/:idOrSlug')
export class ChannelAccessController {
  constructor(private readonly channels: ChannelsService) {}

  @Get('stream-key')
  @RequireScopes('streamkeys:read')
  @ApiOperation({ summary: "Read the channel's stream key (owner only)", description: 'OBS: Server = rtmpUrl, Stream Key = streamKey (null after a revoke).' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(StreamKeySchema) })
  @ApiResponse(notYours)
  streamKey(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<StreamKey> {
    return this.channels.streamKey(principal, id);
  }

  @Post('stream-key/rotate')
  @HttpCode(200)
  @RequireScopes('streamkeys:write')
  @ApiOperation({ summary: 'Rotate the stream key (owner only)', description: 'The old key stops working at once; a broadcast in progress continues.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(StreamKeySchema) })
  @ApiResponse(notYours)
  rotate(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<StreamKey> {
    return this.channels.rotateKey(principal, id);
  }

  @Delete('stream-key')
  @HttpCode(204)
  @RequireScopes('streamkeys:write')
  @ApiOperation({ summary: 'Revoke the stream key (owner only)', description: 'No key works until the next rotate.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiResponse(notYours)
  revoke(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<void> {
    return this.channels.revokeKey(principal, id);
  }

  @Get('moderators')
  @RequireScopes('channels:read')
  @ApiOperation({ summary: "List the channel's moderators (owner only)" })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(ModeratorSchema) })) })
  @ApiResponse(notYours)
  moderators(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<{ items: Moderator[] }> {
    return this.channels.moderators(principal, id);
  }

  @Post('moderators')
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Assign a moderator (owner only)', description: 'An existing user, by email; a viewer becomes a moderator.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiBody({ schema: jsonSchema(AddModeratorSchema) })
  @ApiResponse({ status: 201, description: 'Assigned', schema: jsonSchema(ModeratorSchema) })
  @ApiResponse(notYours)
  addModerator(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(AddModeratorSchema)) body: { email: string }): Promise<Moderator> {
    return this.channels.addModerator(principal, id, body.email);
  }

  @Delete('moderators/:userId')
  @HttpCode(204)
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Unassign a moderator (owner only)' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Unassigned' })
  @ApiResponse(notYours)
  removeModerator(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    return this.channels.removeModerator(principal, id, userId);
  }
}
