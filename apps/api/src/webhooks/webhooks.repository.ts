import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient, WebhookDelivery, WebhookEndpoint } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';

/** An endpoint as the API reads it (its secret stays sealed). */
export type EndpointRecord = WebhookEndpoint;
/** One delivery of one event to one endpoint: its state, attempts and payload. */
export type DeliveryRecord = WebhookDelivery;
/** What an endpoint's owner may change. */
export interface EndpointChanges {
  url?: string;
  eventTypes?: string[];
  enabled?: boolean;
}
export type DueDelivery = WebhookDelivery & { endpoint: WebhookEndpoint };

@Injectable()
export class WebhooksRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async createEndpoint(data: { userId: string; url: string; secretCiphertext: string; eventTypes: string[]; enabled: boolean }): Promise<WebhookEndpoint> {
    return this.prisma.webhookEndpoint.create({ data });
  }

  async listEndpoints(userId: string): Promise<WebhookEndpoint[]> {
    return this.prisma.webhookEndpoint.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 100 });
  }

  async findEndpoint(userId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.prisma.webhookEndpoint.findFirst({ where: { id, userId } });
  }

  async updateEndpoint(id: string, data: EndpointChanges): Promise<WebhookEndpoint> {
    return this.prisma.webhookEndpoint.update({ where: { id }, data });
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.prisma.webhookEndpoint.delete({ where: { id } });
  }

  /** The outbox write: one pending delivery per subscribed, enabled endpoint of the account. */
  async enqueue(userId: string, eventType: string, event: object): Promise<number> {
    const payload = event as Prisma.InputJsonValue;
    const endpoints = await this.prisma.webhookEndpoint.findMany({ where: { userId, enabled: true, eventTypes: { has: eventType } }, select: { id: true } });
    if (!endpoints.length) return 0;
    const { count } = await this.prisma.webhookDelivery.createMany({ data: endpoints.map((e) => ({ endpointId: e.id, eventType, payload })) });
    return count;
  }

  /**
   * Leases up to `limit` due deliveries for `leaseMs`: rows another API node is leasing are skipped
   * (FOR UPDATE SKIP LOCKED) and a leased row is not due again until its lease runs out, so a node
   * that dies mid-send only delays the delivery.
   */
  async lease(limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const ids = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE "webhook_deliveries" SET "next_attempt_at" = now() + ${leaseMs} * interval '1 millisecond'
      WHERE "id" IN (
        SELECT "id" FROM "webhook_deliveries"
        WHERE "status" = 'pending' AND "next_attempt_at" <= now()
        ORDER BY "next_attempt_at" LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING "id"`;
    if (!ids.length) return [];
    return this.prisma.webhookDelivery.findMany({ where: { id: { in: ids.map((r) => r.id) } }, include: { endpoint: true } });
  }

  async recordAttempt(id: string, data: { status: 'pending' | 'succeeded' | 'failed'; statusCode: number | null; error: string | null; nextAttemptAt: Date | null }): Promise<void> {
    const now = new Date();
    await this.prisma.webhookDelivery.update({
      where: { id },
      data: {
        status: data.status,
        attempts: { increment: 1 },
        lastAttemptAt: now,
        lastStatusCode: data.statusCode,
        lastError: data.error,
        ...(data.nextAttemptAt ? { nextAttemptAt: data.nextAttemptAt } : {}),
        ...(data.status === 'succeeded' ? { deliveredAt: now } : {}),
      },
    });
  }

  async listDeliveries(endpointId: string, limit: number, after?: CursorPosition): Promise<WebhookDelivery[]> {
    return this.prisma.webhookDelivery.findMany({ where: { endpointId, ...afterCursor(after) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
  }

  async findDelivery(userId: string, id: string): Promise<WebhookDelivery | null> {
    return this.prisma.webhookDelivery.findFirst({ where: { id, endpoint: { userId } } });
  }

  /** A re-send is a new delivery of the same event, so the log keeps both histories. */
  async copyDelivery(source: WebhookDelivery): Promise<WebhookDelivery> {
    return this.prisma.webhookDelivery.create({ data: { endpointId: source.endpointId, eventType: source.eventType, payload: source.payload as Prisma.InputJsonValue } });
  }
}
