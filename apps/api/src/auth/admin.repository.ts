import type { PrismaClient } from '@onda/db';

/** The writes of `create-admin`: upsert the streamer account, store a token's digest. Built on the caller's client (a CLI, not Nest). */
export class AdminRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates the account or makes it a streamer; a password digest replaces the old one only when given; `operator` only ever promotes. */
  async upsertStreamer(data: { email: string; displayName: string; passwordHash?: string; operator: boolean }): Promise<{ id: string; operator: boolean }> {
    const { email, displayName, passwordHash, operator } = data;
    return this.prisma.user.upsert({
      where: { email },
      update: { role: 'streamer', ...(passwordHash ? { passwordHash } : {}), ...(operator ? { operator: true } : {}) },
      create: { email, displayName, role: 'streamer', operator, passwordHash: passwordHash ?? null },
      select: { id: true, operator: true },
    });
  }

  async createToken(data: { userId: string; name: string; tokenHash: string; prefix: string; scopes: string[] }): Promise<void> {
    await this.prisma.apiToken.create({ data });
  }
}
