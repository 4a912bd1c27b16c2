import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CreateWebhook, CreatedWebhook, UpdateWebhook, Webhook, WebhookDelivery as WebhookDeliveryDto, WebhookEventType } from '@onda/contracts';
import type { Principal } from '../auth/auth.context.js';
import { randomSecret } from '../common/token-crypto.js';
import { AppError } from '../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../common/cursor.js';
import { SecretBox } from '../common/secret-box.js';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { WebhooksRepository, type DeliveryRecord, type EndpointRecord } from './webhooks.repository.js';
import { webhookUrlProblem } from './webhook-url.js';

/** The JSON body every delivery carries. */
export interface WebhookEvent<T = unknown> {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: T;
}

/** Webhook endpoints of an account and the outbox: `emit` is how any feature publishes an event. */
@Injectable()
export class WebhookService {
  private readonly logger = new Logger('Webhooks');
  readonly secrets: SecretBox;
  private readonly allowPrivate: boolean;

  constructor(
    private readonly repo: WebhooksRepository,
    @Inject(API_OPTIONS) options: ApiOptions,
  ) {
    this.secrets = new SecretBox(options.secret, 'webhook-secret');
    this.allowPrivate = options.webhooksAllowPrivate ?? false;
  }

  /**
   * Records one delivery per subscribed endpoint of the account (`accountUserId` = the channel owner's
   * user id); the dispatcher sends them. Never throws: an event must not fail the caller's work.
   */
  async emit(accountUserId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<void> {
    const event: WebhookEvent = { id: randomUUID(), type, createdAt: new Date().toISOString(), data };
    try {
      await this.repo.enqueue(accountUserId, type, event);
    } catch (error) {
      this.logger.error(`could not record ${type} for ${accountUserId}: ${(error as Error).message}`);
    }
  }

  async create(principal: Principal, body: CreateWebhook): Promise<CreatedWebhook> {
    this.checkUrl(body.url);
    const secret = randomSecret('whsec_', 24);
    const row = await this.repo.createEndpoint({ userId: principal.user.id, url: body.url, secretCiphertext: this.secrets.encrypt(secret), eventTypes: [...new Set(body.eventTypes)], enabled: body.enabled ?? true });
    return { ...endpointDto(row), secret };
  }

  async list(principal: Principal): Promise<{ items: Webhook[] }> {
    return { items: (await this.repo.listEndpoints(principal.user.id)).map(endpointDto) };
  }

  async update(principal: Principal, id: string, body: UpdateWebhook): Promise<Webhook> {
    if (body.url !== undefined) this.checkUrl(body.url);
    await this.mustFind(principal, id);
    return endpointDto(await this.repo.updateEndpoint(id, { ...body, ...(body.eventTypes ? { eventTypes: [...new Set(body.eventTypes)] } : {}) }));
  }

  async remove(principal: Principal, id: string): Promise<void> {
    await this.mustFind(principal, id);
    await this.repo.deleteEndpoint(id);
  }

  async deliveries(principal: Principal, id: string, opts: { limit: number; cursor?: string }): Promise<Page<WebhookDeliveryDto>> {
    await this.mustFind(principal, id);
    const rows = await this.repo.listDeliveries(id, opts.limit + 1, opts.cursor ? decodeCursor(opts.cursor) : undefined);
    return toPage(rows, opts.limit, deliveryDto);
  }

  async resend(principal: Principal, deliveryId: string): Promise<WebhookDeliveryDto> {
    const delivery = await this.repo.findDelivery(principal.user.id, deliveryId);
    if (!delivery) throw new AppError('not_found', `No webhook delivery ${deliveryId}`);
    return deliveryDto(await this.repo.copyDelivery(delivery));
  }

  private checkUrl(url: string): void {
    const problem = webhookUrlProblem(url, this.allowPrivate);
    if (problem) throw new AppError('validation_failed', problem, [{ path: 'url', message: problem }]);
  }

  private async mustFind(principal: Principal, id: string): Promise<EndpointRecord> {
    const endpoint = await this.repo.findEndpoint(principal.user.id, id);
    if (!endpoint) throw new AppError('not_found', `No webhook ${id}`);
    return endpoint;
  }
}

const endpointDto = (e: EndpointRecord): Webhook => ({ id: e.id, url: e.url, eventTypes: e.eventTypes, enabled: e.enabled, createdAt: e.createdAt.toISOString() });

const deliveryDto = (d: DeliveryRecord): WebhookDeliveryDto => ({
  id: d.id,
  endpointId: d.endpointId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  payload: d.payload,
});
