import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient, WebhookDelivery, WebhookEndpoint } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';

/** An endpoint as the API reads it (its secret stays sealed). */
export interface EndpointRecord {
  id: string;
  userId: string;
  url: string;
  /** AES-256-GCM ciphertext of the signing secret. */
  secretCiphertext: string;
  eventTypes: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}
/** One delivery of one event to one endpoint: its state, attempts and payload. */
export interface DeliveryRecord {
  id: string;
  endpointId: string;
  eventType: string;
  /** The event as sent (stored JSON). */
  payload: unknown;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}
/** What an endpoint's owner may change. */
export interface EndpointChanges {
  url?: string;
  eventTypes?: string[];
  enabled?: boolean;
}
export type DueDelivery = DeliveryRecord & { endpoint: EndpointRecord };

const toEndpoint = (e: WebhookEndpoint): EndpointRecord => ({
  id: e.id,
  userId: e.userId,
  url: e.url,
  secretCiphertext: e.secretCiphertext,
  eventTypes: e.eventTypes,
  enabled: e.enabled,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});
const toDelivery = (d: WebhookDelivery): DeliveryRecord => ({
  id: d.id,
  endpointId: d.endpointId,
  eventType: d.eventType,
  payload: d.payload,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt,
  lastAttemptAt: d.lastAttemptAt,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  createdAt: d.createdAt,
  deliveredAt: d.deliveredAt,
});

@Injectable()
export class WebhooksRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async createEndpoint(data: { userId: string; url: string; secretCiphertext: string; eventTypes: string[]; enabled: boolean }): Promise<EndpointRecord> {
    return toEndpoint(await this.prisma.webhookEndpoint.create({ data }));
  }

  async listEndpoints(userId: string): Promise<EndpointRecord[]> {
    return (await this.prisma.webhookEndpoint.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 100 })).map(toEndpoint);
  }

  async findEndpoint(userId: string, id: string): Promise<EndpointRecord | null> {
    const row = await this.prisma.webhookEndpoint.findFirst({ where: { id, userId } });
    return row ? toEndpoint(row) : null;
  }

  async updateEndpoint(id: string, data: EndpointChanges): Promise<EndpointRecord> {
    return toEndpoint(await this.prisma.webhookEndpoint.update({ where: { id }, data }));
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
    const rows = await this.prisma.webhookDelivery.findMany({ where: { id: { in: ids.map((r) => r.id) } }, include: { endpoint: true } });
    return rows.map((d) => ({ ...toDelivery(d), endpoint: toEndpoint(d.endpoint) }));
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

  async listDeliveries(endpointId: string, limit: number, after?: CursorPosition): Promise<DeliveryRecord[]> {
    return (await this.prisma.webhookDelivery.findMany({ where: { endpointId, ...afterCursor(after) }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit })).map(toDelivery);
  }

  async findDelivery(userId: string, id: string): Promise<DeliveryRecord | null> {
    const row = await this.prisma.webhookDelivery.findFirst({ where: { id, endpoint: { userId } } });
    return row ? toDelivery(row) : null;
  }

  /** A re-send is a new delivery of the same event, so the log keeps both histories. */
  async copyDelivery(source: DeliveryRecord): Promise<DeliveryRecord> {
    return toDelivery(await this.prisma.webhookDelivery.create({ data: { endpointId: source.endpointId, eventType: source.eventType, payload: source.payload as Prisma.InputJsonValue } }));
  }
}
