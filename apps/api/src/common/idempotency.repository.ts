import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '@onda/db';
import { PRISMA } from './tokens.js';

/** A create request already seen under this key: which request it was and, once answered, its stored answer. */
export interface IdempotentRequest {
  requestHash: string;
  /** null while the first request is still running. */
  status: number | null;
  /** The stored answer (JSON), once there is one. */
  response: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Claims (scope, key); returns the existing row instead when another request holds it. */
  async claim(scope: string, key: string, requestHash: string, ttlMs: number): Promise<{ claimed: true } | { claimed: false; existing: IdempotentRequest }> {
    await this.prisma.idempotencyKey.deleteMany({ where: { scope, key, expiresAt: { lte: new Date() } } });
    try {
      await this.prisma.idempotencyKey.create({ data: { scope, key, requestHash, expiresAt: new Date(Date.now() + ttlMs) } });
      return { claimed: true };
    } catch (e) {
      if ((e as { code?: string }).code !== 'P2002') throw e;
      const existing = await this.prisma.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
      if (!existing) return this.claim(scope, key, requestHash, ttlMs);
      return { claimed: false, existing: { requestHash: existing.requestHash, status: existing.status, response: existing.response } };
    }
  }

  async complete(scope: string, key: string, status: number, response: unknown): Promise<void> {
    await this.prisma.idempotencyKey.update({ where: { scope_key: { scope, key } }, data: { status, response: (response ?? null) as Prisma.InputJsonValue } });
  }

  /** A failed request does not hold its key: the caller may retry it. */
  async release(scope: string, key: string): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: { scope, key, status: null } });
  }
}
