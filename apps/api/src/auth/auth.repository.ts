import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient, User } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

/**
 * An account as the API reasons about it (who calls, which role, operator or not, disabled or not). Password and
 * reset digests stay in the repositories (sign-in alone gets the password digest, AccountWithPassword).
 */
export interface Account {
  id: string;
  email: string;
  displayName: string;
  role: AccountRole;
  operator: boolean;
  disabledAt: Date | null;
  createdAt: Date;
}

/** An account's stored role (an operator is a streamer with `operator` set; `admin` predates roles). */
export type AccountRole = 'admin' | 'moderator' | 'viewer' | 'streamer';

/** An account with its password digest, for sign-in alone. */
export type AccountWithPassword = Account & { passwordHash: string | null };

export interface TokenOwner {
  tokenId: string;
  scopes: string[];
  user: Account;
  expiresAt: Date | null;
}

const toAccount = (u: User): Account => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  operator: u.operator,
  disabledAt: u.disabledAt,
  createdAt: u.createdAt,
});

@Injectable()
export class AuthRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findActiveToken(tokenHash: string): Promise<TokenOwner | null> {
    const token = await this.prisma.apiToken.findUnique({ where: { tokenHash }, include: { user: true, parent: { select: { revokedAt: true, expiresAt: true } } } });
    const now = new Date();
    const dead = (t: { revokedAt: Date | null; expiresAt: Date | null }) => t.revokedAt !== null || (t.expiresAt !== null && t.expiresAt <= now);
    // A child token dies with the token that minted it (revocation also marks children; this covers races).
    if (!token || dead(token) || (token.parent && dead(token.parent))) return null;
    // A disabled account's tokens stop at once (issue 14); they work again if an operator enables it.
    if (token.user.disabledAt) return null;
    return { tokenId: token.id, scopes: token.scopes, user: toAccount(token.user), expiresAt: token.expiresAt };
  }

  async touchToken(tokenId: string): Promise<void> {
    await this.prisma.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: new Date() } });
  }

  async findActiveSession(tokenHash: string): Promise<{ sessionId: string; user: Account } | null> {
    const session = await this.prisma.consoleSession.findUnique({ where: { tokenHash }, include: { user: true } });
    if (!session || session.expiresAt <= new Date() || session.user.disabledAt) return null;
    return { sessionId: session.id, user: toAccount(session.user) };
  }

  async createSession(userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.prisma.consoleSession.create({ data: { userId, tokenHash, expiresAt } });
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.prisma.consoleSession.deleteMany({ where: { OR: [{ tokenHash }, { expiresAt: { lte: new Date() } }] } });
  }

  async findUserByEmail(email: string): Promise<AccountWithPassword | null> {
    const user = await this.prisma.user.findUnique({ where: { email } });
    return user ? { ...toAccount(user), passwordHash: user.passwordHash } : null;
  }

  /** Whether someone invited this email to moderate a channel (a viewer account may then sign in to answer). */
  async hasModeratorInvitation(email: string): Promise<boolean> {
    return (await this.prisma.moderatorInvitation.count({ where: { email, channelId: { not: null } } })) > 0;
  }

  /**
   * An operator's change to (or sensitive read of) other accounts' channels: one account audit entry per channel, the
   * operator as actor and the channel's owner as target.
   */
  async auditChannelReach(actor: { id: string; email: string }, action: string, reached: Array<{ channelId: string; ownerId: string }>, detail: Record<string, string | number>): Promise<void> {
    const [owners, channels] = await Promise.all([
      this.prisma.user.findMany({ where: { id: { in: [...new Set(reached.map((r) => r.ownerId))] } }, select: { id: true, email: true } }),
      this.prisma.channel.findMany({ where: { id: { in: reached.map((r) => r.channelId) } }, select: { id: true, slug: true } }),
    ]);
    await this.prisma.accountAudit.createMany({
      data: reached.map((r) => ({
        actorId: actor.id, actorEmail: actor.email, targetId: r.ownerId, targetEmail: owners.find((o) => o.id === r.ownerId)?.email ?? null, action,
        // A deleted channel has no slug to look up any more: its id stays.
        detail: { ...detail, channelId: r.channelId, channel: channels.find((c) => c.id === r.channelId)?.slug ?? null },
      })),
    });
  }

  /** Creates the first operator inside a serializable transaction so two racing setups cannot both win. */
  async createFirstOperator(data: { email: string; displayName: string; passwordHash: string }): Promise<Account | null> {
    return this.prisma.$transaction(
      async (tx) => {
        if ((await tx.user.count({ where: { OR: [{ operator: true }, { role: { in: ['admin', 'streamer'] } }] } })) > 0) return null;
        const user = await tx.user.upsert({ where: { email: data.email }, update: { role: 'streamer', operator: true, passwordHash: data.passwordHash }, create: { ...data, role: 'streamer', operator: true } });
        await tx.accountAudit.create({ data: { actorId: user.id, actorEmail: user.email, targetId: user.id, targetEmail: user.email, action: 'user.setup', detail: { role: 'operator' } } });
        return toAccount(user);
      },
      { isolationLevel: 'Serializable' },
    );
  }

  /** Whether setup is over: some operator or streamer exists (a pre-roles admin counts). */
  async adminExists(): Promise<boolean> {
    return (await this.prisma.user.count({ where: { OR: [{ operator: true }, { role: { in: ['admin', 'streamer'] } }] } })) > 0;
  }

  async listSessions(userId: string): Promise<Array<{ id: string; createdAt: Date; expiresAt: Date }>> {
    return this.prisma.consoleSession.findMany({ where: { userId, expiresAt: { gt: new Date() } }, select: { id: true, createdAt: true, expiresAt: true }, orderBy: { createdAt: 'desc' } });
  }

  async deleteSessionById(userId: string, id: string): Promise<boolean> {
    return (await this.prisma.consoleSession.deleteMany({ where: { id, userId } })).count === 1;
  }

  /** Signs the account out everywhere, except `keepId` (the session that changed the password). */
  async deleteSessionsOf(userId: string, keepId?: string): Promise<number> {
    return (await this.prisma.consoleSession.deleteMany({ where: { userId, ...(keepId ? { id: { not: keepId } } : {}) } })).count;
  }
}
