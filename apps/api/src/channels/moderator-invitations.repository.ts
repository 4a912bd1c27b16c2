import { Inject, Injectable } from '@nestjs/common';
import type { ModeratorInvitation, PrismaClient } from '@onda/db';
import { PRISMA } from '../common/tokens.js';
import { rethrowUnique } from '../common/unique-violation.js';
import { writeAudit, type AuditInput } from '../people/people.repository.js';

type ChannelRef = { id: string; slug: string; title: string };
/** An invitation to moderate a channel (channelId set) or, with a link, to open an account (issue 14). */
export interface InvitationRecord {
  id: string;
  channelId: string | null;
  email: string;
  /** Role of the account a link creates: streamer, moderator, or operator. */
  role: string;
  tokenHash: string | null;
  expiresAt: Date | null;
  invitedById: string | null;
  createdAt: Date;
}
export type InvitationWithChannel = InvitationRecord & { channel: ChannelRef };
/** An invitation with a single-use link (issue 14): what the operator lists and the accept page previews. */
export type LinkInvitation = InvitationRecord & { channel: ChannelRef | null; expiresAt: Date };
const channelRef = { channel: { select: { id: true, slug: true, title: true } } } as const;

const toInvitation = (r: ModeratorInvitation): InvitationRecord => ({
  id: r.id,
  channelId: r.channelId,
  email: r.email,
  role: r.role,
  tokenHash: r.tokenHash,
  expiresAt: r.expiresAt,
  invitedById: r.invitedById,
  createdAt: r.createdAt,
});
const toRef = (c: ChannelRef): ChannelRef => ({ id: c.id, slug: c.slug, title: c.title });
/** Rows with a token always carry their expiry (createLink sets both). */
const toLink = (r: ModeratorInvitation & { channel: ChannelRef | null }): LinkInvitation => ({ ...toInvitation(r), channel: r.channel ? toRef(r.channel) : null, expiresAt: r.expiresAt as Date });

/** Pending moderator invitations (finding 15); accepting one turns it into a ChannelModerator row. */
@Injectable()
export class ModeratorInvitationsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Invites `email` unless it is invited already (then nothing changes). */
  async invite(channelId: string, email: string): Promise<void> {
    await this.prisma.moderatorInvitation.upsert({ where: { channelId_email: { channelId, email } }, update: {}, create: { channelId, email } });
  }

  /** Stores an invitation with a link (only the digest of its token); one pending link per email and channel. */
  async createLink(data: { email: string; role: string; channelId: string | null; tokenHash: string; expiresAt: Date; invitedById: string }, entry: AuditInput): Promise<LinkInvitation> {
    return this.prisma.$transaction(async (tx) => {
      // A new link replaces an older invitation for the same email and channel (the old link stops working).
      await tx.moderatorInvitation.deleteMany({ where: { email: data.email, channelId: data.channelId } });
      const row = await tx.moderatorInvitation.create({ data, include: channelRef });
      await writeAudit(tx, { ...entry, detail: { ...entry.detail, invitationId: row.id } });
      return toLink(row);
    });
  }

  async links(): Promise<LinkInvitation[]> {
    return (await this.prisma.moderatorInvitation.findMany({ where: { tokenHash: { not: null } }, include: channelRef, orderBy: { createdAt: 'desc' }, take: 500 })).map(toLink);
  }

  async revokeLink(id: string, entry: AuditInput): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.moderatorInvitation.findFirst({ where: { id, tokenHash: { not: null } } });
      if (!row) return false;
      await tx.moderatorInvitation.delete({ where: { id } });
      await writeAudit(tx, { ...entry, detail: { invitationId: id, email: row.email, role: row.role } });
      return true;
    });
  }

  async byToken(tokenHash: string): Promise<LinkInvitation | null> {
    const row = await this.prisma.moderatorInvitation.findUnique({ where: { tokenHash }, include: channelRef });
    return row ? toLink(row) : null;
  }

  /**
   * Uses a link once: in one transaction the invitation row is deleted (a replay finds nothing), the account is created
   * with the invited role, and a moderator invitation makes it the channel's moderator. Null when the link was used
   * (or revoked) meanwhile; 'taken' when an account with that email appeared since the invitation was made.
   */
  async acceptLink(id: string, account: { email: string; displayName: string; passwordHash: string; role: 'streamer' | 'moderator'; operator: boolean; locale?: string }, channelId: string | null, invitedBy: string | null): Promise<{ id: string } | 'taken' | null> {
    return this.prisma.$transaction(async (tx) => {
      if ((await tx.user.count({ where: { email: account.email } })) > 0) return 'taken';
      if ((await tx.moderatorInvitation.deleteMany({ where: { id } })).count !== 1) return null;
      const user = await tx.user.create({ data: account });
      if (channelId) await tx.channelModerator.create({ data: { channelId, userId: user.id } });
      await writeAudit(tx, { actor: { id: user.id, email: user.email }, target: { id: user.id, email: user.email }, action: 'invitation.accepted', detail: { invitationId: id, role: account.operator ? 'operator' : account.role, channelId, invitedBy } });
      return { id: user.id };
    }).catch(rethrowUnique('account email'));
  }

  async pendingOf(channelId: string): Promise<InvitationRecord[]> {
    return (await this.prisma.moderatorInvitation.findMany({ where: { channelId }, orderBy: { createdAt: 'asc' } })).map(toInvitation);
  }

  async revoke(channelId: string, id: string): Promise<boolean> {
    return (await this.prisma.moderatorInvitation.deleteMany({ where: { id, channelId } })).count === 1;
  }

  async addressedTo(email: string): Promise<InvitationWithChannel[]> {
    // Operator invitations without a channel are answered through their link, not here.
    const rows = await this.prisma.moderatorInvitation.findMany({ where: { email, channelId: { not: null } }, include: channelRef, orderBy: { createdAt: 'asc' } });
    return rows.map((r) => ({ ...toInvitation(r), channel: toRef(r.channel as ChannelRef) }));
  }

  /** Accepts invitation `id` of `email` for `userId`: one transaction makes the moderator and removes the invitation. */
  async accept(id: string, email: string, userId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const invitation = await tx.moderatorInvitation.findFirst({ where: { id, email } });
      if (!invitation?.channelId) return false;
      const user = await tx.user.findUniqueOrThrow({ where: { id: userId } });
      // A viewer account becomes a moderator (the console lets it in); streamers keep their role.
      if (user.role === 'viewer') await tx.user.update({ where: { id: userId }, data: { role: 'moderator' } });
      await tx.channelModerator.upsert({ where: { channelId_userId: { channelId: invitation.channelId, userId } }, update: {}, create: { channelId: invitation.channelId, userId } });
      await tx.moderatorInvitation.delete({ where: { id } });
      return true;
    });
  }

  async decline(id: string, email: string): Promise<boolean> {
    return (await this.prisma.moderatorInvitation.deleteMany({ where: { id, email } })).count === 1;
  }
}
