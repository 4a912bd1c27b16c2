import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient, User } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

export interface TokenOwner {
  tokenId: string;
  scopes: string[];
  user: User;
}

@Injectable()
export class AuthRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findActiveToken(tokenHash: string): Promise<TokenOwner | null> {
    const token = await this.prisma.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= new Date())) return null;
    return { tokenId: token.id, scopes: token.scopes, user: token.user };
  }

  async touchToken(tokenId: string): Promise<void> {
    await this.prisma.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: new Date() } });
  }
}
