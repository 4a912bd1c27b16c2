import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

/** An API token as the API shows it (its digest stays in the repository). */
export interface TokenRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

@Injectable()
export class TokensRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(data: { userId: string; name: string; tokenHash: string; prefix: string; scopes: string[]; expiresAt: Date | null; parentId: string | null }): Promise<TokenRecord> {
    return this.prisma.apiToken.create({ data });
  }

  async list(userId: string): Promise<TokenRecord[]> {
    return this.prisma.apiToken.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 200 });
  }

  async find(userId: string, id: string): Promise<TokenRecord | null> {
    return this.prisma.apiToken.findFirst({ where: { id, userId } });
  }

  /** Revokes the token and every token minted from it, at any depth. */
  async revoke(id: string): Promise<TokenRecord> {
    await this.prisma.$executeRaw`
      WITH RECURSIVE tree AS (
        SELECT id FROM api_tokens WHERE id = ${id}::uuid
        UNION SELECT t.id FROM api_tokens t JOIN tree ON t.parent_id = tree.id
      )
      UPDATE api_tokens SET revoked_at = now() WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL`;
    return this.prisma.apiToken.findUniqueOrThrow({ where: { id } });
  }
}
