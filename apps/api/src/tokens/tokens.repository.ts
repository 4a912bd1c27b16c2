import { Inject, Injectable } from '@nestjs/common';
import type { ApiToken, PrismaClient } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

@Injectable()
export class TokensRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(data: { userId: string; name: string; tokenHash: string; prefix: string; scopes: string[]; expiresAt: Date | null }): Promise<ApiToken> {
    return this.prisma.apiToken.create({ data });
  }

  async list(userId: string): Promise<ApiToken[]> {
    return this.prisma.apiToken.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 200 });
  }

  async find(userId: string, id: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findFirst({ where: { id, userId } });
  }

  async revoke(id: string): Promise<ApiToken> {
    return this.prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  }
}
