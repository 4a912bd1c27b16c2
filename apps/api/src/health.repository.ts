import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@onda/db';
import { PRISMA } from './common/tokens.js';

/** The database as operations see it: reachable, and how many broadcasts are on. */
@Injectable()
export class HealthRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  /** Live sessions that are not over, per state. */
  async openSessionCounts(): Promise<Record<string, number>> {
    const rows = await this.prisma.liveSession.groupBy({ by: ['state'], where: { state: { in: ['starting', 'live', 'reconnecting'] } }, _count: { _all: true } });
    return Object.fromEntries(rows.map((r) => [r.state, r._count._all]));
  }
}
