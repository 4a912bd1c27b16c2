import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  CommerceClaimSchema, CommerceEventSchema, CommerceMarkerSchema, CommerceMomentAdminSchema, CommerceViewerMomentSchema, CreateCommerceMomentSchema,
  type CommerceClaim, type CommerceEvent, type CommerceMarker, type CommerceMomentAdmin, type CommerceViewerMoment, type CreateCommerceMoment,
} from '@onda/contracts';
import { CurrentPrincipal, MaybePrincipal, OptionalAuth, RequireScopes, type Principal } from '../auth/auth.context.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { idOrSlug, ZodPipe } from '../common/zod.pipe.js';
import { CommerceService } from './commerce.service.js';
import { CommerceViewerService, DEVICE_HEADER } from './commerce-viewer.service.js';

const notYours = problemResponse(404, 'No such channel you own or moderate, or no such moment');

/** The producer's moments of a channel (owner, moderators or the operator; scope chat:moderate). */
@ApiTags('commerce')
@Controller('v1/channels/:idOrSlug/commerce/moments')
@RequireScopes('chat:moderate')
@ApiParam({ name: 'idOrSlug' })
@ApiResponse(notYours)
export class CommerceController {
  constructor(private readonly commerce: CommerceService) {}

  @Get()
  @ApiOperation({ summary: 'Moments of the channel', description: 'Product cards, sponsor cards and drops, newest first, with their coupon codes and statistics (impressions and clicks: viewers, each once; claims: units, and claimers; conversion: claimers, or clickers, per impression).' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(CommerceMomentAdminSchema) })) })
  list(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string): Promise<{ items: CommerceMomentAdmin[] }> {
    return this.commerce.list(p, id);
  }

  @Post()
  @ApiOperation({
    summary: 'Prepare a moment',
    description:
      '`product` (title, price in major units of any ISO 4217 currency, optional list price and link), `sponsor` (title, message, link, `displaySeconds`) or ' +
      '`drop` (coupon or giveaway: `quantity`, `perViewerLimit`, claim `windowSeconds`, optional coupon `code` revealed on claim, `requireAccount`). ' +
      'A draft until shown; add a picture with PUT .../image.',
  })
  @ApiBody({ schema: jsonSchema(CreateCommerceMomentSchema) })
  @ApiResponse({ status: 201, description: 'The moment (draft)', schema: jsonSchema(CommerceMomentAdminSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body (a price with more decimals than its currency has, a list price below the price)'))
  create(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Body(new ZodPipe(CreateCommerceMomentSchema)) body: CreateCommerceMoment): Promise<CommerceMomentAdmin> {
    return this.commerce.create(p, id, body);
  }

  @Post(':momentId/show')
  @HttpCode(200)
  @ApiOperation({ summary: 'Show a moment now', description: 'Every viewer of the channel sees it over the player and in chat, on every API node; a drop opens for claims (its window starts now).' })
  @ApiParam({ name: 'momentId' })
  @ApiOkResponse({ schema: jsonSchema(CommerceMomentAdminSchema) })
  @ApiResponse(problemResponse(409, 'Already shown'))
  show(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('momentId', uuidParam('momentId')) momentId: string): Promise<CommerceMomentAdmin> {
    return this.commerce.show(p, id, momentId);
  }

  @Post(':momentId/hide')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hide a moment', description: 'It leaves the viewers\' screens; a drop takes no more claims. Claims and statistics are kept.' })
  @ApiParam({ name: 'momentId' })
  @ApiOkResponse({ schema: jsonSchema(CommerceMomentAdminSchema) })
  @ApiResponse(problemResponse(409, 'Not shown'))
  hide(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('momentId', uuidParam('momentId')) momentId: string): Promise<CommerceMomentAdmin> {
    return this.commerce.hide(p, id, momentId);
  }

  @Delete(':momentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a moment', description: 'With its picture, claims and statistics.' })
  @ApiParam({ name: 'momentId' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  remove(@CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('momentId', uuidParam('momentId')) momentId: string): Promise<void> {
    return this.commerce.remove(p, id, momentId);
  }

  @Put(':momentId/image')
  @ApiOperation({ summary: 'Upload the picture', description: 'The product picture or sponsor logo as the raw request body: PNG, JPEG or WebP (checked by its bytes), at most 2 MiB.' })
  @ApiParam({ name: 'momentId' })
  @ApiConsumes('image/png', 'image/jpeg', 'image/webp')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ schema: jsonSchema(CommerceMomentAdminSchema) })
  @ApiResponse(problemResponse(413, 'Larger than 2 MiB'))
  @ApiResponse(problemResponse(415, 'Not a PNG, JPEG or WebP image'))
  async image(
    @CurrentPrincipal() p: Principal, @Param('idOrSlug', idOrSlug) id: string, @Param('momentId', uuidParam('momentId')) momentId: string, @Req() req: Request, @Res({ passthrough: true }) res: Response,
  ): Promise<CommerceMomentAdmin> {
    try {
      return await this.commerce.putImage(p, id, momentId, req);
    } catch (err) {
      // Refused before the whole body was read: close the connection rather than read the rest.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw err;
    }
  }
}

const deviceHeader = { name: DEVICE_HEADER, required: false, description: 'Anonymous viewers: the device token the chat join handed out (`you.deviceToken`).' };

/** What viewers do: see the moments on screen, count an impression or click, claim a drop. */
@ApiTags('commerce')
@Controller()
@OptionalAuth()
export class CommerceViewerController {
  constructor(private readonly viewers: CommerceViewerService) {}

  @Get('v1/channels/:idOrSlug/commerce/live')
  @ApiOperation({ summary: 'Moments on screen now', description: 'The channel\'s shown moments, with how many units of each drop the caller holds (`yourClaims`).' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiHeader(deviceHeader)
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(CommerceViewerMomentSchema) })) })
  live(@MaybePrincipal() p: Principal | null, @Headers(DEVICE_HEADER) device: string | undefined, @Param('idOrSlug', idOrSlug) id: string): Promise<{ items: CommerceViewerMoment[] }> {
    return this.viewers.live(p, device, id);
  }

  @Post('v1/channels/:idOrSlug/commerce/moments/:momentId/events')
  @HttpCode(204)
  @ApiOperation({ summary: 'Count an impression or a click', description: 'Once per viewer and moment, only while the moment is shown.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiParam({ name: 'momentId' })
  @ApiHeader(deviceHeader)
  @ApiBody({ schema: jsonSchema(CommerceEventSchema) })
  @ApiResponse({ status: 204, description: 'Counted' })
  @ApiResponse(problemResponse(401, 'Neither signed in nor a chat device token'))
  event(
    @MaybePrincipal() p: Principal | null, @Headers(DEVICE_HEADER) device: string | undefined, @Param('idOrSlug', idOrSlug) id: string,
    @Param('momentId', uuidParam('momentId')) momentId: string, @Body(new ZodPipe(CommerceEventSchema)) body: CommerceEvent,
  ): Promise<void> {
    return this.viewers.event(p, device, id, momentId, body);
  }

  @Post('v1/channels/:idOrSlug/commerce/moments/:momentId/claim')
  @ApiOperation({
    summary: 'Claim a drop',
    description: 'One unit per call, at most `perViewerLimit` per viewer (an account, or the chat\'s anonymous device), never more than `quantity` in all, on any number of API nodes. Answers the coupon code.',
  })
  @ApiParam({ name: 'idOrSlug' })
  @ApiParam({ name: 'momentId' })
  @ApiHeader(deviceHeader)
  @ApiResponse({ status: 201, description: 'Claimed', schema: jsonSchema(CommerceClaimSchema) })
  @ApiResponse(problemResponse(401, 'Neither signed in nor a chat device token, or the drop is for signed-in accounts'))
  @ApiResponse(problemResponse(409, 'Already claimed (the per-viewer limit), or the drop is not open'))
  @ApiResponse(problemResponse(410, 'Sold out, or the claim window is over'))
  @ApiResponse(problemResponse(422, 'Not a drop'))
  claim(@MaybePrincipal() p: Principal | null, @Headers(DEVICE_HEADER) device: string | undefined, @Param('idOrSlug', idOrSlug) id: string, @Param('momentId', uuidParam('momentId')) momentId: string): Promise<CommerceClaim> {
    return this.viewers.claim(p, device, id, momentId);
  }

  @Get('v1/vods/:id/commerce')
  @ApiOperation({ summary: 'Moments of a recording', description: 'The moments shown during the broadcast the VOD was recorded from, in seconds from its start: the player shows each again at the same time.' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(CommerceMarkerSchema) })) })
  vod(@MaybePrincipal() p: Principal | null, @Param('id', uuidParam()) vodId: string): Promise<{ items: CommerceMarker[] }> {
    return this.viewers.vodMarkers(p, vodId);
  }
}

/** A broadcast's moments on its reaction timeline (the channel owner's statistics). */
@ApiTags('commerce')
@Controller('v1/live-sessions')
export class CommerceSessionController {
  constructor(private readonly viewers: CommerceViewerService) {}

  @Get(':id/commerce')
  @RequireScopes('sessions:read')
  @ApiOperation({ summary: 'Moments of a broadcast', description: 'Each moment shown during the live session, in seconds from its start (as the reaction timeline): when it was shown and until when.' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(CommerceMarkerSchema) })) })
  @ApiResponse(problemResponse(404, 'No live session of yours'))
  session(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string): Promise<{ items: CommerceMarker[] }> {
    return this.viewers.sessionMarkers(p, id);
  }
}
