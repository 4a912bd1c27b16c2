import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExcludeController, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  CreateVodUploadSchema, PageSchema, UpdateVodSchema, VodSchema, VodUploadTicketSchema, WorkerArchiveReportSchema, WorkerVodProgressSchema, WorkerVodResultSchema,
  type CreateVodUpload, type UpdateVod, type Vod, type VodUploadTicket, type WorkerArchiveReport, type WorkerVodProgress, type WorkerVodResult,
} from '@onda/contracts';
import { CurrentPrincipal, MaybePrincipal, OptionalAuth, RequireScopes, type Principal } from '../auth/auth.context.js';
import { InternalGuard } from '../auth/auth.guard.js';
import type { Page } from '../common/cursor.js';
import { IdempotencyInterceptor, IDEMPOTENCY_HEADER } from '../common/idempotency.interceptor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { VodUploadsService } from './vod-uploads.service.js';
import { VodsService } from './vods.service.js';

/** A refused upload's unread rest is read and dropped up to this much so the client sees the answer; past it the connection is closed. */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;

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
  constructor(
    private readonly vods: VodsService,
    private readonly uploads: VodUploadsService,
  ) {}

  @Post('uploads')
  @RequireScopes('vods:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Start a VOD upload',
    description:
      'Creates a VOD (origin `upload`, status `uploading`) on one of your channels and answers where to PUT the file: a presigned storage URL ' +
      '(`direct`, the default, when the store is S3 and the file fits one PUT of 5 GiB) or `PUT /v1/vods/:id/source` on this API. Send the ticket\'s ' +
      '`headers` with the PUT, then call `POST /v1/vods/:id/complete`.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ schema: jsonSchema(CreateVodUploadSchema) })
  @ApiResponse({ status: 201, description: 'The upload ticket', schema: jsonSchema(VodUploadTicketSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(404, 'No such channel of yours'))
  @ApiResponse(problemResponse(413, 'Declared size over UPLOAD_MAX_BYTES'))
  @ApiResponse(problemResponse(415, 'Declared content type is not a video'))
  createUpload(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateVodUploadSchema)) body: CreateVodUpload): Promise<VodUploadTicket> {
    return this.uploads.create(principal, body);
  }

  @Put(':id/source')
  @HttpCode(204)
  @RequireScopes('vods:write')
  @ApiOperation({
    summary: 'Upload a VOD\'s file through the API',
    description: 'The raw file as the request body (not JSON, not a form), streamed into storage. Refused by its first bytes when it is not a video (415), past the size limit (413), or when the VOD is no longer `uploading` (409).',
  })
  @ApiConsumes('video/*', 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 204, description: 'Stored; now call complete' })
  @ApiResponse(problemResponse(404, 'No such VOD of yours'))
  @ApiResponse(problemResponse(409, 'The VOD is not waiting for its file'))
  @ApiResponse(problemResponse(413, 'Larger than UPLOAD_MAX_BYTES'))
  @ApiResponse(problemResponse(415, 'Not a video'))
  async uploadSource(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    try {
      await this.uploads.receive(principal, id, req);
    } catch (err) {
      if (!req.complete) dropRest(req, res);
      throw err;
    }
  }

  @Post(':id/complete')
  @HttpCode(202)
  @RequireScopes('vods:write')
  @ApiOperation({
    summary: 'Finish a VOD upload',
    description: 'Checks the stored file (size, and its first bytes: not a video = 415 and the VOD fails) and queues the encode; the VOD turns `processing`. Calling it again answers the same VOD.',
  })
  @ApiResponse({ status: 202, description: 'The VOD, processing', schema: jsonSchema(VodSchema) })
  @ApiResponse(problemResponse(400, 'The uploaded file is empty'))
  @ApiResponse(problemResponse(404, 'No such VOD of yours'))
  @ApiResponse(problemResponse(409, 'Nothing uploaded yet, or the upload already failed'))
  @ApiResponse(problemResponse(413, 'Larger than UPLOAD_MAX_BYTES'))
  @ApiResponse(problemResponse(415, 'Not a video'))
  completeUpload(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<Vod> {
    return this.uploads.complete(principal, id);
  }

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

/**
 * After refusing an upload whose body is still arriving: a small rest is read and dropped, so the client
 * finishes sending and reads the answer; a large (or endless) one gets `Connection: close` instead of
 * being read for nothing.
 */
function dropRest(req: Request, res: Response): void {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > DRAIN_MAX_BYTES) {
    res.setHeader('Connection', 'close');
    return;
  }
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_MAX_BYTES) req.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
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
