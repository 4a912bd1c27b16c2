import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiExcludeController, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateDestinationSchema, DestinationListSchema, DestinationSchema, DestinationStateReportSchema, UpdateDestinationSchema,
  type CreateDestination, type Destination, type DestinationStateReport, type UpdateDestination, type WorkerDestination,
} from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import { InternalGuard } from '../auth/auth.guard.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { idOrSlug, ZodPipe } from '../common/zod.pipe.js';
import { DestinationsService } from './destinations.service.js';

const notYours = problemResponse(404, 'Unknown channel or destination, or not yours');
const badUrl = problemResponse(400, 'Invalid body, or a URL the address guard refuses (not rtmp/rtmps, private address, credentials)');

/** Simulcast: where a channel's broadcast is also pushed while live (owner or an operator). */
@ApiTags('simulcast')
@Controller('v1/channels/:idOrSlug/destinations')
export class DestinationsController {
  constructor(private readonly destinations: DestinationsService) {}

  @Get()
  @RequireScopes('channels:read')
  @ApiOperation({ summary: "List the channel's simulcast destinations (owner or an operator)", description: 'Stream keys are never returned: `streamKeyMasked` shows their last characters. `state` is the push state while live.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiOkResponse({ schema: jsonSchema(DestinationListSchema) })
  @ApiResponse(notYours)
  list(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) channel: string): Promise<{ items: Destination[] }> {
    return this.destinations.list(principal, channel);
  }

  @Post()
  @RequireScopes('channels:write')
  @ApiOperation({
    summary: 'Add a simulcast destination (owner or an operator)',
    description:
      '`platform` youtube or twitch uses the service\'s RTMPS ingest unless `url` is given; `custom` needs `url` (rtmp:// or rtmps://). ' +
      'The stream key is stored encrypted and never shown again. A URL whose host is, or resolves to, a loopback, private or other ' +
      'special-purpose address is refused (unless the operator set OUTBOUND_ALLOW_PRIVATE). Takes effect on a running broadcast within seconds.',
  })
  @ApiParam({ name: 'idOrSlug' })
  @ApiBody({ schema: jsonSchema(CreateDestinationSchema) })
  @ApiResponse({ status: 201, description: 'The destination (key masked)', schema: jsonSchema(DestinationSchema) })
  @ApiResponse(badUrl)
  @ApiResponse(notYours)
  create(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) channel: string, @Body(new ZodPipe(CreateDestinationSchema)) body: CreateDestination): Promise<Destination> {
    return this.destinations.create(principal, channel, body);
  }

  @Patch(':destinationId')
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Change a destination: name, URL, stream key, enabled (owner or an operator)', description: 'Disabling stops its push on a running broadcast; enabling (or a new key or URL) starts it again.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiParam({ name: 'destinationId', format: 'uuid' })
  @ApiBody({ schema: jsonSchema(UpdateDestinationSchema) })
  @ApiOkResponse({ schema: jsonSchema(DestinationSchema) })
  @ApiResponse(badUrl)
  @ApiResponse(notYours)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('idOrSlug', idOrSlug) channel: string,
    @Param('destinationId', uuidParam('destinationId')) id: string,
    @Body(new ZodPipe(UpdateDestinationSchema)) body: UpdateDestination,
  ): Promise<Destination> {
    return this.destinations.update(principal, channel, id, body);
  }

  @Delete(':destinationId')
  @HttpCode(204)
  @RequireScopes('channels:write')
  @ApiOperation({ summary: 'Delete a destination (owner or an operator)', description: 'Its push on a running broadcast stops.' })
  @ApiParam({ name: 'idOrSlug' })
  @ApiParam({ name: 'destinationId', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse(notYours)
  remove(@CurrentPrincipal() principal: Principal, @Param('idOrSlug', idOrSlug) channel: string, @Param('destinationId', uuidParam('destinationId')) id: string): Promise<void> {
    return this.destinations.remove(principal, channel, id);
  }
}

/** Called by workers pushing a broadcast; not part of the public API. */
@ApiExcludeController()
@UseGuards(InternalGuard)
@Controller('internal/worker/sessions/:id/destinations')
export class DestinationsInternalController {
  constructor(private readonly destinations: DestinationsService) {}

  @Get()
  list(@Param('id', uuidParam()) sessionId: string): Promise<{ items: WorkerDestination[] }> {
    return this.destinations.forWorker(sessionId);
  }

  @Post(':destinationId/state')
  @HttpCode(204)
  report(@Param('id', uuidParam()) sessionId: string, @Param('destinationId', uuidParam('destinationId')) id: string, @Body(new ZodPipe(DestinationStateReportSchema)) body: DestinationStateReport): Promise<void> {
    return this.destinations.report(sessionId, id, body);
  }
}
