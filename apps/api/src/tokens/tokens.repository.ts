import { Inject, Injectable } from '@nestjs/common';
import type { ApiToken, PrismaClient } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

@Injectable()
export class TokensRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(data: { userId: string; name: string; tokenHash: string; prefix: string; scopes: string[]; expiresAt: Date | null; parentId: string | null }): Promise<ApiToken> {
    return this.prisma.apiToken.create({ data });
  }

  async list(userId: string): Promise<ApiToken[]> {
    return this.prisma.apiToken.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 200 });
  }

  async find(userId: string, id: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findFirst({ where: { id, userId } });
  }

  /** Revokes the token and every token minted from it, at any depth. */
  async revoke(id: string): Promise<ApiToken> {
    await this.prisma.$executeRaw`
      WITH RECURSIVE tree AS (
        SELECT id FROM api_tokens WHERE id = ${id}::uuid
        UNION SELECT t.id FROM api_tokens t JOIN tree ON t.parent_id = tree.id
      )
      UPDATE api_tokens SET revoked_at = now() WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL`;
    return this.prisma.apiToken.findUniqueOrThrow({ where: { id } });
  }
}
