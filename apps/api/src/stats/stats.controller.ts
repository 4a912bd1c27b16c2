import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  IngestHealthPointSchema, LiveStatsSchema, SessionTimelineSchema, VodChatReplaySchema, VodStatsSchema,
  type IngestHealthPoint, type LiveStats, type SessionTimeline, type VodChatReplay, type VodStats,
} from '@onda/contracts';
import { CurrentPrincipal, MaybePrincipal, OptionalAuth, RequireScopes, type Principal } from '../auth/auth.context.js';
import { InternalGuard } from '../auth/auth.guard.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { liveStatsCsv, timelineCsv, vodStatsCsv } from './stats.csv.js';
import { StatsService } from './stats.service.js';

const FormatQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();
type FormatQuery = z.infer<typeof FormatQuerySchema>;
const MAX_SECONDS = 7 * 86_400;
const ChatQuerySchema = z
  .object({ from: z.coerce.number().min(0).max(MAX_SECONDS).default(0), to: z.coerce.number().min(0).max(MAX_SECONDS).optional() })
  .strict()
  .refine((q) => q.to === undefined || q.to >= q.from, { message: 'to must not be before from', path: ['to'] });

const formatQuery = ApiQuery({ name: 'format', required: false, schema: { type: 'string', enum: ['json', 'csv'], default: 'json' }, description: '`csv`: the series as a CSV download' });
const okJsonOrCsv = (schema: z.ZodTypeAny, csv: string) =>
  ApiResponse({
    status: 200,
    description: `JSON, or with format=csv a CSV attachment (${csv})`,
    content: { 'application/json': { schema: jsonSchema(schema) }, 'text/csv': { schema: { type: 'string' } } },
  });

/** Answers CSV as a download when asked, else the JSON object. */
function respond<T>(res: Response, q: FormatQuery, value: T, csv: (v: T) => string, filename: string): T | string {
  if (q.format !== 'csv') return value;
  res.type('text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  return csv(value);
}

@ApiTags('statistics')
@Controller('v1/live-sessions')
export class LiveStatsController {
  constructor(private readonly stats: StatsService) {}

  @Get(':id/stats')
  @RequireScopes('sessions:read')
  @ApiOperation({
    summary: 'Live statistics of a broadcast',
    description:
      'Viewers now (a beacon in the last 30 s), per minute since the session began (zero-filled; a playback counts in every minute it was active) ' +
      'with chat messages, peak and average, unique viewers, watch time, rendition mix, QoE (startup, rebuffering, errors), countries (null ' +
      'without STATS_COUNTRY_HEADER) and the worker\'s ingest health. Owner or an operator.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @formatQuery
  @okJsonOrCsv(LiveStatsSchema, 'minute,viewers,chat_messages')
  @ApiResponse(problemResponse(404, 'Unknown session, or not yours'))
  async live(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Query(new ZodPipe(FormatQuerySchema)) q: FormatQuery, @Res({ passthrough: true }) res: Response): Promise<LiveStats | string> {
    return respond(res, q, await this.stats.liveStats(principal, id), liveStatsCsv, `live-${id}-viewers.csv`);
  }

  @Get(':id/timeline')
  @RequireScopes('sessions:read')
  @ApiOperation({
    summary: 'Reaction timeline and highlights of a broadcast',
    description:
      '10-second buckets from the start of the broadcast (= the recording\'s VOD time): chat messages, unique chatters, reactions, live viewers and ' +
      'VOD sessions that watched the bucket; highlights = the top moments by chat spike over the rolling baseline and viewer peaks, with a ' +
      'deep link into the VOD player. Owner or an operator.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @formatQuery
  @okJsonOrCsv(SessionTimelineSchema, 'start_seconds,chat_messages,unique_chatters,reactions,viewers,vod_sessions')
  @ApiResponse(problemResponse(404, 'Unknown session, or not yours'))
  async timeline(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Query(new ZodPipe(FormatQuerySchema)) q: FormatQuery, @Res({ passthrough: true }) res: Response): Promise<SessionTimeline | string> {
    return respond(res, q, await this.stats.timeline(principal, id), timelineCsv, `live-${id}-timeline.csv`);
  }
}

@ApiTags('statistics')
@Controller('v1/vods')
export class VodStatsController {
  constructor(private readonly stats: StatsService) {}

  @Get(':id/stats')
  @RequireScopes('vods:read')
  @ApiOperation({ summary: 'VOD statistics', description: 'Views, unique viewers, watch time, QoE and retention: playbacks that watched each 10-second bucket of the timeline. Owner or an operator.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @formatQuery
  @okJsonOrCsv(VodStatsSchema, 'start_seconds,sessions')
  @ApiResponse(problemResponse(404, 'No such VOD of yours'))
  async vod(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Query(new ZodPipe(FormatQuerySchema)) q: FormatQuery, @Res({ passthrough: true }) res: Response): Promise<VodStats | string> {
    return respond(res, q, await this.stats.vodStats(principal, id), vodStatsCsv, `vod-${id}-retention.csv`);
  }

  @Get(':id/chat')
  @OptionalAuth()
  @ApiOperation({
    summary: 'Chat replay of a VOD',
    description:
      'The broadcast\'s chat as viewers saw it, with each message\'s offset in seconds from the start of the recording, oldest first, at most 500 ' +
      'per page: ask again with `from=nextFrom` until it is null. Readable by whoever may read the VOD. Empty for uploaded VODs.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'number', minimum: 0, default: 0 }, description: 'seconds of VOD time' })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'number', minimum: 0 }, description: 'seconds of VOD time (inclusive)' })
  @ApiResponse({ status: 200, schema: jsonSchema(VodChatReplaySchema) })
  @ApiResponse(problemResponse(400, 'Invalid range'))
  @ApiResponse(problemResponse(404, 'No such VOD'))
  chat(@MaybePrincipal() principal: Principal | null, @Param('id', uuidParam()) id: string, @Query(new ZodPipe(ChatQuerySchema)) q: z.infer<typeof ChatQuerySchema>): Promise<VodChatReplay> {
    return this.stats.vodChat(principal, id, q.from, q.to);
  }
}

/** Called by worker processes; not part of the public API. */
@ApiExcludeController()
@UseGuards(InternalGuard)
@Controller('internal/worker/sessions')
export class StatsInternalController {
  constructor(private readonly stats: StatsService) {}

  @Post(':id/health')
  @HttpCode(204)
  health(@Param('id', uuidParam()) id: string, @Body(new ZodPipe(IngestHealthPointSchema)) body: IngestHealthPoint): Promise<void> {
    return this.stats.addIngestHealth(id, body);
  }
}
