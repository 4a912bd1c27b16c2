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

  async findActiveSession(tokenHash: string): Promise<{ sessionId: string; user: User } | null> {
    const session = await this.prisma.consoleSession.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!session || session.expiresAt <= new Date()) return null;
    return { sessionId: session.id, user: session.user };
  }

  async createSession(userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.prisma.consoleSession.create({ data: { userId, tokenHash, expiresAt } });
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { OR: [{ tokenHash }, { expiresAt: { lte: new Date() } }] } });
  }

  async findUserByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  /** Creates the first admin inside a serializable transaction so two racing setups cannot both win. */
  async createFirstAdmin(data: { email: string; displayName: string; passwordHash: string }): Promise<User | null> {
    return this.prisma.$transaction(
      async (tx) => {
        if ((await tx.user.count({ where: { role: 'admin' } })) > 0) return null;
        return tx.user.upsert({ where: { email: data.email }, update: { role: 'admin', passwordHash: data.passwordHash }, create: { ...data, role: 'admin' } });
      },
      { isolationLevel: 'Serializable' },
    );
  }

  async adminExists(): Promise<boolean> {
    return (await this.prisma.user.count({ where: { role: 'admin' } })) > 0;
  }
}
