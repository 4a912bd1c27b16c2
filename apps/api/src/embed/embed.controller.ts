import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { problemResponse } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { EmbedService, type OEmbedVideo } from './embed.service.js';

const OEmbedQuerySchema = z
  .object({
    url: z.string().min(1).max(2000),
    // Only JSON is offered: the discovery link names it.
    format: z.literal('json').default('json'),
    maxwidth: z.coerce.number().int().min(160).max(4096).optional(),
    maxheight: z.coerce.number().int().min(90).max(4096).optional(),
  })
  .strict();

@ApiTags('embed')
@Controller('v1/oembed')
export class EmbedController {
  constructor(private readonly embed: EmbedService) {}

  @Get()
  @ApiOperation({
    summary: 'oEmbed for a channel or VOD page',
    description: 'oEmbed 1.0 (JSON): an iframe of the player-only page (/embed/c/:slug or /embed/v/:id, `?t=` kept for VODs). Public and unlisted only.',
  })
  @ApiQuery({ name: 'url', required: true, schema: { type: 'string' }, description: 'a /c/:slug or /v/:id URL of this site' })
  @ApiQuery({ name: 'format', required: false, schema: { type: 'string', enum: ['json'] } })
  @ApiQuery({ name: 'maxwidth', required: false, schema: { type: 'integer' } })
  @ApiQuery({ name: 'maxheight', required: false, schema: { type: 'integer' } })
  @ApiOkResponse({ description: 'The oEmbed video object' })
  @ApiResponse(problemResponse(400, 'Invalid query (or a format other than json)'))
  @ApiResponse(problemResponse(404, 'Not a public channel or VOD page of this site'))
  oembed(@Query(new ZodPipe(OEmbedQuerySchema)) q: z.infer<typeof OEmbedQuerySchema>): Promise<OEmbedVideo> {
    return this.embed.oembed(q.url, q.maxwidth, q.maxheight);
  }
}
