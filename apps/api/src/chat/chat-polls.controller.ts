import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ChatAuditEntrySchema, ChatStatsSchema, CreatePollSchema, PageSchema, PollSchema, type ChatAuditEntry, type ChatStats, type CreatePoll, type Poll } from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { idOrSlug } from '../common/zod.pipe.js';
import type { Page } from '../common/cursor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { notModerated, PageQuerySchema } from './chat.controller.js';
import { ChatPollsService } from './domain/chat-polls.service.js';

const StatsQuerySchema = z.object({ session: z.uuid({ message: 'session: not a UUID' }).optional() }).strict();

/** Polls, the moderation audit log and chat statistics of a channel (owner, moderators or admin; scope chat:moderate). */
@ApiTags('chat')
@Controller('v1/channels/:idOrSlug/chat')
@RequireScopes('chat:moderate')
@ApiParam({ name: 'idOrSlug' })
@ApiResponse(notModerated)
export class ChatPollsController {
  constructor(private readonly polls: ChatPollsService) {}

  @Get('polls')
  @ApiOperation({ summary: 'Polls of the channel', description: 'Newest first, the open one with live counts.' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(PollSchema) })) })
  list(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<{ items: Poll[] }> {
    return this.polls.list(p, id);
  }

  @Post('polls')
  @ApiOperation({ summary: 'Open a poll', description: 'One open poll per channel; viewers vote once each (by author key) over the socket; results reach the room each tick. `durationSeconds` closes it by itself.' })
  @ApiBody({ schema: jsonSchema(CreatePollSchema) })
  @ApiResponse({ status: 201, description: 'The poll', schema: jsonSchema(PollSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(409, 'A poll is already open'))
  create(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(CreatePollSchema)) body: CreatePoll): Promise<Poll> {
    return this.polls.create(p, id, body);
  }

  @Post('polls/:pollId/close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a poll', description: 'Final results are kept; the room sees the closed poll.' })
  @ApiParam({ name: 'pollId' })
  @ApiOkResponse({ schema: jsonSchema(PollSchema) })
  @ApiResponse(problemResponse(409, 'Already closed'))
  close(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('pollId', uuidParam('pollId')) pollId: string): Promise<Poll> {
    return this.polls.close(p, id, pollId);
  }

  @Get('audit')
  @ApiOperation({ summary: 'Moderation audit log', description: 'Every moderator action, newest first, cursor pagination.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(ChatAuditEntrySchema)) })
  @ApiResponse(problemResponse(400, 'Invalid query'))
  audit(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Query(new ZodPipe(PageQuerySchema)) query: z.infer<typeof PageQuerySchema>): Promise<Page<ChatAuditEntry>> {
    return this.polls.audit(p, id, query);
  }

  @Get('stats')
  @ApiOperation({
    summary: 'Chat statistics',
    description: 'Of one live session (`session`), else of the broadcast live now, else of the chat between broadcasts: messages (all filter outcomes, announcements excluded), messages per minute, unique chatters, peak concurrent connections, outcomes, filter hits by rule, moderation actions.',
  })
  @ApiQuery({ name: 'session', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ schema: jsonSchema(ChatStatsSchema) })
  @ApiResponse(problemResponse(400, 'Invalid query'))
  stats(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Query(new ZodPipe(StatsQuerySchema)) query: z.infer<typeof StatsQuerySchema>): Promise<ChatStats> {
    return this.polls.stats(p, id, query.session);
  }
}
