import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  CreateWebhookSchema,
  CreatedWebhookSchema,
  PageSchema,
  UpdateWebhookSchema,
  WebhookDeliverySchema,
  WebhookSchema,
  type CreateWebhook,
  type CreatedWebhook,
  type UpdateWebhook,
  type Webhook,
  type WebhookDelivery,
} from '@onda/contracts';
import { CurrentPrincipal, RequireScopes, type Principal } from '../auth/auth.context.js';
import type { Page } from '../common/cursor.js';
import { IdempotencyInterceptor, IDEMPOTENCY_HEADER } from '../common/idempotency.interceptor.js';
import { jsonSchema, problemResponse } from '../common/openapi.js';
import { uuidParam } from '../common/uuid.pipe.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { WebhookService } from './webhooks.service.js';

const PageQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(200).optional() }).strict();
const unknown = problemResponse(404, 'Unknown webhook');

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @RequireScopes('webhooks:write')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiOperation({
    summary: 'Register a webhook endpoint',
    description: 'The signing secret is in this response only. Each delivery is a POST with `Onda-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`, `Onda-Event` and `Onda-Delivery` headers.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ schema: jsonSchema(CreateWebhookSchema) })
  @ApiResponse({ status: 201, description: 'The endpoint with its secret, shown once', schema: jsonSchema(CreatedWebhookSchema) })
  @ApiResponse(problemResponse(400, 'Invalid body'))
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateWebhookSchema)) body: CreateWebhook): Promise<CreatedWebhook> {
    return this.webhooks.create(principal, body);
  }

  @Get()
  @RequireScopes('webhooks:write')
  @ApiOperation({ summary: "List the account's webhook endpoints" })
  @ApiOkResponse({ schema: jsonSchema(z.object({ items: z.array(WebhookSchema) })) })
  list(@CurrentPrincipal() principal: Principal): Promise<{ items: Webhook[] }> {
    return this.webhooks.list(principal);
  }

  @Patch(':id')
  @RequireScopes('webhooks:write')
  @ApiOperation({ summary: 'Change a webhook endpoint', description: 'URL, event types or enabled.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: jsonSchema(UpdateWebhookSchema) })
  @ApiOkResponse({ schema: jsonSchema(WebhookSchema) })
  @ApiResponse(unknown)
  update(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Body(new ZodPipe(UpdateWebhookSchema)) body: UpdateWebhook): Promise<Webhook> {
    return this.webhooks.update(principal, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('webhooks:write')
  @ApiOperation({ summary: 'Delete a webhook endpoint and its delivery log' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse(unknown)
  remove(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.webhooks.remove(principal, id);
  }

  @Get(':id/deliveries')
  @RequireScopes('webhooks:write')
  @ApiOperation({ summary: 'Delivery log of an endpoint', description: 'Newest first, with attempts, last status code and error. Retries back off from 10 s to 8 h for about 32 h.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  @ApiOkResponse({ schema: jsonSchema(PageSchema(WebhookDeliverySchema)) })
  @ApiResponse(unknown)
  deliveries(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string, @Query(new ZodPipe(PageQuerySchema)) query: z.infer<typeof PageQuerySchema>): Promise<Page<WebhookDelivery>> {
    return this.webhooks.deliveries(principal, id, query);
  }

  @Post('deliveries/:id/resend')
  @RequireScopes('webhooks:write')
  @ApiOperation({ summary: 'Send a delivery again', description: 'Queues a new delivery of the same event (same event id in the body).' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 201, description: 'The new delivery', schema: jsonSchema(WebhookDeliverySchema) })
  @ApiResponse(problemResponse(404, 'Unknown delivery'))
  resend(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam()) id: string): Promise<WebhookDelivery> {
    return this.webhooks.resend(principal, id);
  }
}
