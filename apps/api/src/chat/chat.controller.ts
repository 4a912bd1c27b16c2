import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ChatBanSchema,
  ChatMessageSchema,
  ChatSettingsSchema,
  CreateAnnouncementSchema,
  CreateChatBanSchema,
  HeldMessageSchema,
  PageSchema,
  PinMessageSchema,
  UpdateChatSettingsSchema,
  type ChatBan,
  type ChatMessage,
  type ChatSettings,
  type CreateAnnouncement,
  type CreateChatBan,
  type HeldMessage,
  type PinMessage,
  type UpdateChatSettings,
} from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { idOrSlug } from '../common/zod.pipe.js';
import type { Page } from '../common/cursor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { ChatModerationService } from './domain/chat-moderation.service.js';

export const PageQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(200).optional() }).strict();
export const PinnedSchema = z.object({ pinned: ChatMessageSchema.nullable() });
export const notModerated = problemResponse(404, 'Unknown channel, or not one you moderate');
const pageQuery = new ZodPipe(PageQuerySchema);

/** Chat moderation of a channel (owner, its moderators or an admin; scope chat:moderate). Effects reach viewers as frame items. */
@ApiTags('chat')
@Controller('v1/channels/:idOrSlug/chat')
@RequireScopes('chat:moderate')
@ApiParam({ name: 'idOrSlug' })
@ApiResponse(notModerated)
export class ChatController {
  constructor(private readonly moderation: ChatModerationService) {}

  @Get('settings')
  @ApiOperation({ summary: 'Read chat settings', description: 'Slow mode, registered-only mode, blocked words and patterns, profanity filter, link policy and classifier hook.' })
  @ApiOkResponse({ schema: jsonSchema(ChatSettingsSchema) })
  settings(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<ChatSettings> {
    return this.moderation.settings(p, id);
  }

  @Patch('settings')
  @ApiOperation({ summary: 'Change chat settings', description: 'Any subset of the settings; a change of slow mode or registered-only mode reaches viewers as a `mode` item.' })
  @ApiBody({ schema: jsonSchema(UpdateChatSettingsSchema) })
  @ApiOkResponse({ schema: jsonSchema(ChatSettingsSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body or regular expression'))
  updateSettings(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(UpdateChatSettingsSchema)) body: UpdateChatSettings): Promise<ChatSettings> {
    return this.moderation.updateSettings(p, id, body);
  }

  @Get('messages')
  @ApiOperation({ summary: 'Recent messages', description: 'Visible messages and announcements, newest first, cursor pagination.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(ChatMessageSchema)) })
  @ApiResponse(problemResponse(400, 'Invalid query'))
  messages(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Query(pageQuery) query: z.infer<typeof PageQuerySchema>): Promise<Page<ChatMessage>> {
    return this.moderation.messages(p, id, query);
  }

  @Delete('messages/:messageId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a message', description: 'Removed from history and from every viewer\'s screen (`delete` item).' })
  @ApiParam({ name: 'messageId' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  deleteMessage(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('messageId', uuidParam('messageId')) messageId: string): Promise<void> {
    return this.moderation.deleteMessage(p, id, messageId);
  }

  @Get('held')
  @ApiOperation({ summary: 'Messages held for review', description: 'Held by a filter, oldest first, with the rules that matched.' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(HeldMessageSchema) })) })
  held(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<{ items: HeldMessage[] }> {
    return this.moderation.held(p, id);
  }

  @Post('held/:messageId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a held message', description: 'It is delivered to the room now.' })
  @ApiParam({ name: 'messageId' })
  @ApiOkResponse({ schema: jsonSchema(ChatMessageSchema) })
  approve(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('messageId', uuidParam('messageId')) messageId: string): Promise<ChatMessage> {
    return this.moderation.review(p, id, messageId, true);
  }

  @Post('held/:messageId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a held message', description: 'Nobody will see it.' })
  @ApiParam({ name: 'messageId' })
  @ApiOkResponse({ schema: jsonSchema(ChatMessageSchema) })
  reject(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('messageId', uuidParam('messageId')) messageId: string): Promise<ChatMessage> {
    return this.moderation.review(p, id, messageId, false);
  }

  @Get('bans')
  @ApiOperation({ summary: 'Active bans and timeouts' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(ChatBanSchema) })) })
  bans(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<{ items: ChatBan[] }> {
    return this.moderation.bans(p, id);
  }

  @Post('bans')
  @ApiOperation({
    summary: 'Ban or time out an author',
    description: 'By author key (`u:<userId>` for accounts, `a:<key>` for anonymous devices) as messages carry it. With `durationSeconds` a timeout, else permanent. Their messages are purged from the room.',
  })
  @ApiBody({ schema: jsonSchema(CreateChatBanSchema) })
  @ApiResponse({ status: 201, description: 'The ban', schema: jsonSchema(ChatBanSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(422, 'The owner or a moderator of the channel'))
  ban(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(CreateChatBanSchema)) body: CreateChatBan): Promise<ChatBan> {
    return this.moderation.ban(p, id, body);
  }

  @Delete('bans/:banId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a ban or timeout' })
  @ApiParam({ name: 'banId' })
  @ApiResponse({ status: 204, description: 'Lifted' })
  unban(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('banId', uuidParam('banId')) banId: string): Promise<void> {
    return this.moderation.unban(p, id, banId);
  }

  @Put('pin')
  @ApiOperation({ summary: 'Pin a message (or unpin with null)', description: 'Viewers get a `pin` item; joiners see it in `pinned`.' })
  @ApiBody({ schema: jsonSchema(PinMessageSchema) })
  @ApiOkResponse({ schema: jsonSchema(PinnedSchema) })
  async pin(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(PinMessageSchema)) body: PinMessage): Promise<{ pinned: ChatMessage | null }> {
    return { pinned: await this.moderation.pin(p, id, body.messageId) };
  }

  @Post('announcements')
  @ApiOperation({ summary: 'Post an announcement', description: 'A message of kind `announcement` from the moderator, delivered without filters.' })
  @ApiBody({ schema: jsonSchema(CreateAnnouncementSchema) })
  @ApiResponse({ status: 201, description: 'The announcement', schema: jsonSchema(ChatMessageSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  announce(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(CreateAnnouncementSchema)) body: CreateAnnouncement): Promise<ChatMessage> {
    return this.moderation.announce(p, id, body.text);
  }
}
