import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  BeaconAckSchema, BeaconBatchSchema, BeaconSchema, PlaybackTicketRequestSchema, PlaybackTicketSchema, type Beacon, type BeaconAck, type PlaybackTicket, type PlaybackTicketRequest,
} from '@onda/contracts';
import { MaybePrincipal, OptionalAuth, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { BeaconIngest } from './beacon.ingest.js';
import { PlaybackTicketService } from './playback-ticket.service.js';
import { STATS_OPTIONS, type StatsOptions } from './stats.options.js';

/** Same ceiling as the JSON body parser: a batch of 100 beacons fits easily. */
const MAX_BODY_BYTES = 64 * 1024;
const batchPipe = new ZodPipe(BeaconBatchSchema);
const beaconPipe = new ZodPipe(BeaconSchema);

/** Reads a text/plain body (what navigator.sendBeacon sends for a string) up to MAX_BODY_BYTES. */
async function readText(req: Request): Promise<string> {
  if (Number(req.header('content-length') ?? 0) > MAX_BODY_BYTES) throw new AppError('payload_too_large', `Send at most ${MAX_BODY_BYTES} bytes of beacons per request`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AppError('payload_too_large', `Send at most ${MAX_BODY_BYTES} bytes of beacons per request`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBeacons(body: unknown): Beacon[] {
  if (typeof body === 'object' && body !== null && 'beacons' in body) return batchPipe.transform(body).beacons;
  return [beaconPipe.transform(body)];
}

/** Player beacons: public, anonymous, rate-limited per client address. */
@ApiTags('statistics')
@Controller('v1/beacons')
export class BeaconsController {
  constructor(
    private readonly ingest: BeaconIngest,
    private readonly tickets: PlaybackTicketService,
    @Inject(STATS_OPTIONS) private readonly options: StatsOptions,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Report playback (player beacons)',
    description:
      'One beacon or `{beacons: [...]}` (up to 100), as `application/json` or as `text/plain` holding JSON (what `navigator.sendBeacon` sends ' +
      'for a string; needs no CORS preflight from another origin). No credentials. Beacons are buffered and written about once a second; ' +
      'beacons without a valid playback ticket (POST /v1/beacons/tickets), for unknown VODs or live sessions, or for sessions that ended more ' +
      'than a few minutes ago, are ignored (and counted) with one and the same answer. ' +
      'A retried beacon (same playbackId and seq) counts once. Limited per client address (STATS_BEACONS_PER_IP_PER_MINUTE).',
  })
  @ApiConsumes('application/json', 'text/plain')
  @ApiBody({ schema: jsonSchema(z.union([BeaconBatchSchema, BeaconSchema])) })
  @ApiResponse({ status: 202, description: 'Taken (written within about a second)', schema: jsonSchema(BeaconAckSchema) })
  @ApiResponse(problemResponse(400, 'Not JSON, or not beacons'))
  @ApiResponse(problemResponse(413, 'Body over 64 KB'))
  @ApiResponse(problemResponse(415, 'Neither application/json nor text/plain'))
  @ApiResponse(problemResponse(429, 'Too many beacons from this address; see Retry-After'))
  @ApiResponse(problemResponse(503, 'Too many beacons waiting to be written'))
  async report(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<BeaconAck> {
    // Lets a player on another origin read the answer of a simple (text/plain) request.
    res.setHeader('Access-Control-Allow-Origin', '*');
    let body: unknown = req.body;
    if (req.is('text/plain')) {
      const text = await readText(req);
      try {
        body = JSON.parse(text);
      } catch {
        throw new AppError('validation_failed', 'The request body is not valid JSON');
      }
    }
    return this.ingest.accept(parseBeacons(body), req.ip ?? req.socket.remoteAddress ?? '', this.country(req));
  }

  @Post('tickets')
  @HttpCode(201)
  @OptionalAuth()
  @ApiOperation({
    summary: 'Get a playback ticket (the player starts playing)',
    description:
      'A signed ticket for one playback (playbackId + viewerId) of a live session or VOD the caller may watch: public and unlisted ones for ' +
      'anyone, a private channel\'s for its owner (live: and moderators) only. The beacons of that playback carry it; one ticket counts as at ' +
      'most one viewer. Valid 10 minutes: renew before with `previous` (renewals are not limited). New tickets are limited per client address.',
  })
  @ApiBody({ schema: jsonSchema(PlaybackTicketRequestSchema) })
  @ApiResponse({ status: 201, schema: jsonSchema(PlaybackTicketSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  @ApiResponse(problemResponse(404, 'No live session or VOD by that id (or not one the caller may watch)'))
  @ApiResponse(problemResponse(429, 'Too many new playbacks from this address; see Retry-After'))
  ticket(@MaybePrincipal() principal: Principal | null, @Body(new ZodPipe(PlaybackTicketRequestSchema)) body: PlaybackTicketRequest, @Req() req: Request): Promise<PlaybackTicket> {
    return this.tickets.issue(principal, body, req.ip ?? req.socket.remoteAddress ?? '');
  }

  private country(req: Request): string | null {
    if (!this.options.countryHeader) return null;
    const code = req.header(this.options.countryHeader)?.trim().toUpperCase();
    return code && /^[A-Z]{2}$/.test(code) ? code : null;
  }
}
