import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

/** An account as people management sees it (no password hash, no reset digest). */
export interface PersonRow {
  id: string;
  email: string;
  displayName: string;
  role: 'admin' | 'moderator' | 'viewer' | 'streamer';
  operator: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  locale: string | null;
  channels: Array<{ id: string; slug: string; title: string }>;
}

export interface AuditRow {
  id: string;
  actorId: string | null;
  actorEmail: string | null;
  targetId: string | null;
  targetEmail: string | null;
  action: string;
  detail: unknown;
  createdAt: Date;
}

export interface AuditInput {
  actor: { id: string; email: string } | null;
  target: { id: string; email: string } | null;
  action: string;
  detail?: Record<string, unknown>;
}

const personSelect = {
  id: true, email: true, displayName: true, role: true, operator: true, disabledAt: true, createdAt: true, locale: true,
  channels: { select: { id: true, slug: true, title: true }, orderBy: { createdAt: 'asc' } },
} as const;

type Tx = Prisma.TransactionClient;
/** Writes one account audit entry with `tx` (a transaction or the client). */
export const writeAudit = (tx: Tx, entry: AuditInput) =>
  tx.accountAudit.create({
    data: {
      actorId: entry.actor?.id ?? null, actorEmail: entry.actor?.email ?? null, targetId: entry.target?.id ?? null, targetEmail: entry.target?.email ?? null,
      action: entry.action, detail: (entry.detail ?? {}) as Prisma.InputJsonValue,
    },
  });

/** Accounts, their audit log and password links (issue 14). Every write records its audit entry in the same transaction. */
@Injectable()
export class PeopleRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  list(): Promise<PersonRow[]> {
    return this.prisma.user.findMany({ select: personSelect, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 1000 });
  }

  find(id: string): Promise<PersonRow | null> {
    return this.prisma.user.findUnique({ where: { id }, select: personSelect });
  }

  async emailTaken(email: string): Promise<boolean> {
    return (await this.prisma.user.count({ where: { email } })) > 0;
  }

  async passwordHashOf(id: string): Promise<string | null> {
    return (await this.prisma.user.findUnique({ where: { id }, select: { passwordHash: true } }))?.passwordHash ?? null;
  }

  /** Enabled operators other than `exceptId`: the installation must keep at least one. */
  async otherOperators(exceptId: string): Promise<number> {
    return this.prisma.user.count({ where: { operator: true, disabledAt: null, id: { not: exceptId } } });
  }

  async update(id: string, data: { displayName?: string; role?: 'streamer' | 'moderator'; operator?: boolean; disabledAt?: Date | null; locale?: string }, entry: AuditInput): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id }, data });
      // Disabling signs the account out everywhere; its tokens are refused while it stays disabled.
      if (data.disabledAt) await tx.consoleSession.deleteMany({ where: { userId: id } });
      await writeAudit(tx, entry);
    });
  }

  /**
   * Deletes the account; its channels (with their VODs, sessions and moderators) go to `transferTo` first, so nothing of
   * theirs is lost, and their stream keys are revoked (the new owner rotates one). Its tokens, console sessions, webhooks and moderator assignments go with it (cascade).
   */
  async delete(id: string, transferTo: string | null, entry: AuditInput): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      // The leaving account knows its channels' stream keys: they stop working; the new owner rotates to go live.
      if (transferTo) await tx.streamKey.updateMany({ where: { channel: { ownerId: id }, revokedAt: null }, data: { revokedAt: new Date() } });
      const moved = transferTo ? (await tx.channel.updateMany({ where: { ownerId: id }, data: { ownerId: transferTo } })).count : 0;
      // The new owner moderating its own channel would be a leftover: drop it.
      if (transferTo) await tx.channelModerator.deleteMany({ where: { userId: transferTo, channel: { ownerId: transferTo } } });
      if ((await tx.channel.count({ where: { ownerId: id } })) > 0) throw new Error('channels left behind');
      await tx.user.delete({ where: { id } });
      await writeAudit(tx, { ...entry, detail: { ...entry.detail, channelsTransferred: moved } });
      return moved;
    });
  }

  async setPassword(id: string, passwordHash: string, keepSessionId: string | null, entry: AuditInput): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id }, data: { passwordHash, resetTokenHash: null, resetExpiresAt: null } });
      await tx.consoleSession.deleteMany({ where: { userId: id, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
      await writeAudit(tx, entry);
    });
  }

  async issueReset(id: string, tokenHash: string, expiresAt: Date, entry: AuditInput): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id }, data: { resetTokenHash: tokenHash, resetExpiresAt: expiresAt } });
      await writeAudit(tx, entry);
    });
  }

  /**
   * Uses a reset link once: the digest is cleared in the same statement that checks it, so a replay finds nothing.
   * Answers the account, `expired`, or null for an unknown (or used) link.
   */
  async consumeReset(tokenHash: string, passwordHash: string): Promise<{ id: string; email: string } | 'expired' | null> {
    return this.prisma.$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { resetTokenHash: tokenHash }, select: { id: true, email: true, resetExpiresAt: true, disabledAt: true } });
      if (!user) return null;
      if (!user.resetExpiresAt || user.resetExpiresAt <= new Date() || user.disabledAt) {
        await tx.user.update({ where: { id: user.id }, data: { resetTokenHash: null, resetExpiresAt: null } });
        return 'expired';
      }
      const claimed = await tx.user.updateMany({ where: { id: user.id, resetTokenHash: tokenHash }, data: { passwordHash, resetTokenHash: null, resetExpiresAt: null } });
      if (claimed.count !== 1) return null;
      await tx.consoleSession.deleteMany({ where: { userId: user.id } });
      await writeAudit(tx, { actor: user, target: user, action: 'user.password_reset' });
      return { id: user.id, email: user.email };
    });
  }

  async record(entry: AuditInput): Promise<void> {
    await writeAudit(this.prisma, entry);
  }

  /** Newest first; `before` pages on created_at. */
  auditLog(opts: { targetId?: string; limit: number; before?: Date }): Promise<AuditRow[]> {
    return this.prisma.accountAudit.findMany({
      where: { ...(opts.targetId ? { targetId: opts.targetId } : {}), ...(opts.before ? { createdAt: { lt: opts.before } } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
    });
  }
}
