import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AddModeratorSchema, ModeratorInvitationSchema, ModeratorInvitedSchema, ModeratorListSchema, StreamKeySchema,
  type ModeratorInvitation, type ModeratorInvited, type ModeratorList, type StreamKey,
} from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { idOrSlug } from '../common/zod.pipe.js';
import { ChannelsService } from './channels.service.js';
import { ModeratorInvitationsService } from './moderator-invitations.service.js';

const notYours = problemResponse(404, 'Unknown channel, or not yours');

/** Who may publish to a channel (its stream key) and who may moderate it. */
@ApiTags('channels')
@Controller('v1/channels/:idOrSlug')
export class ChannelAccessController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly invitations: ModeratorInvitationsService,
  ) {}

  @Get('stream-key')
  @RequireScopes('streamkeys:read')
  @ApiOperation({ summary: "Read the channel's stream key (owner or an operator)", description: 'OBS: Server = rtmpUrl, Stream Key = streamKey (null after a revoke).' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(StreamKeySchema) })
  @ApiResponse(notYours)
  streamKey(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<StreamKey> {
    return this.channels.streamKey(principal, id);
  }

  @Post('stream-key/rotate')
  @HttpCode(200)
  @RequireScopes('streamkeys:write')
  @ApiOperation({ summary: 'Rotate the stream key (owner or an operator)', description: 'The old key stops working at once; a broadcast in progress continues.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(StreamKeySchema) })
  @ApiResponse(notYours)
  rotate(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<StreamKey> {
    return this.channels.rotateKey(principal, id);
  }

  @Delete('stream-key')
  @HttpCode(204)
  @RequireScopes('streamkeys:write')
  @ApiOperation({ summary: 'Revoke the stream key (owner or an operator)', description: 'No key works until the next rotate.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiResponse(notYours)
  revoke(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<void> {
    return this.channels.revokeKey(principal, id);
  }

  @Get('moderators')
  @RequireScopes('channels:read')
  @ApiOperation({ summary: "List the channel's moderators and pending invitations (owner or an operator)" })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(ModeratorListSchema) })
  @ApiResponse(notYours)
  moderators(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<ModeratorList> {
    return this.invitations.list(principal, id);
  }

  @Post('moderators')
  @HttpCode(202)
  @RequireScopes('channels:write')
  @ApiOperation({
    summary: 'Invite a moderator (owner or an operator)',
    description:
      'By email. The answer is the same whether or not an account has that email; the account moderates only after it accepts ' +
      '(POST /v1/moderator-invitations/{id}/accept), and may decline. A viewer account becomes a moderator when it accepts.',
  })
  @ApiParam({ name: 'idOrSlug' })
  @ApiBody({ schema: jsonSchema(AddModeratorSchema) })
  @ApiResponse({ status: 202, description: 'Invited (pending until accepted)', schema: jsonSchema(ModeratorInvitedSchema) })
  @ApiResponse(notYours)
  addModerator(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(AddModeratorSchema)) body: { email: string }): Promise<ModeratorInvited> {
    return this.invitations.invite(principal, id, body.email);
  }

  @Delete('moderators/invitations/:invitationId')
  @HttpCode(204)
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Withdraw a pending moderator invitation (owner or an operator)' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiParam({ name: 'invitationId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Withdrawn' })
  @ApiResponse(problemResponse(404, 'Unknown channel or invitation, or not yours'))
  withdraw(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('invitationId', uuidParam('invitationId')) invitationId: string): Promise<void> {
    return this.invitations.revoke(principal, id, invitationId);
  }

  @Delete('moderators/:userId')
  @HttpCode(204)
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Unassign a moderator (owner or an operator)' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Unassigned' })
  @ApiResponse(notYours)
  removeModerator(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('userId', uuidParam('userId')) userId: string): Promise<void> {
    return this.channels.removeModerator(principal, id, userId);
  }
}

/** Invitations to moderate addressed to the caller's account: list, accept, decline (finding 15). */
@ApiTags('channels')
@Controller('v1/moderator-invitations')
export class ModeratorInvitationsController {
  constructor(private readonly invitations: ModeratorInvitationsService) {}

  @Get()
  @RequireScopes()
  @ApiOperation({ summary: 'Invitations to moderate a channel, addressed to my account' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(ModeratorInvitationSchema) })) })
  mine(@CurrentPrincipal() principal: Principal): Promise<{ items: ModeratorInvitation[] }> {
    return this.invitations.mine(principal);
  }

  @Post(':id/accept')
  @HttpCode(204)
  @RequireScopes()
  @ApiOperation({ summary: 'Accept an invitation: from now on I moderate that channel' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Accepted' })
  @ApiResponse(problemResponse(404, 'No such invitation for me'))
  accept(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.invitations.accept(principal, id);
  }

  @Post(':id/decline')
  @HttpCode(204)
  @RequireScopes()
  @ApiOperation({ summary: 'Decline an invitation' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Declined' })
  @ApiResponse(problemResponse(404, 'No such invitation for me'))
  decline(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.invitations.decline(principal, id);
  }
}
