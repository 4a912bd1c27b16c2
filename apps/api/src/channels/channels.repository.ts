import { Inject, Injectable } from '@nestjs/common';
import type { Channel, ChannelModerator, LiveSession, Prisma, PrismaClient, StreamKey, User } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';

export type ChannelWithLive = Channel & { liveSessions: LiveSession[] };
export type KeyRow = { keyHash: string; keyCiphertext: string; keyPrefix: string };
export type ChannelData = Omit<Prisma.ChannelUncheckedCreateInput, 'id' | 'ownerId' | 'createdAt' | 'updatedAt' | 'streamKeys' | 'liveSessions' | 'moderators'>;

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;
const withActiveSession = { liveSessions: { where: { state: { in: [...ACTIVE] } }, orderBy: { createdAt: 'desc' as const }, take: 1 } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ChannelsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(ownerId: string, data: ChannelData & { slug: string; title: string }, key: KeyRow): Promise<ChannelWithLive> {
    return this.prisma.channel.create({ data: { ...data, ownerId, streamKeys: { create: key } }, include: withActiveSession });
  }

  async findBySlugOrId(idOrSlug: string): Promise<ChannelWithLive | null> {
    return this.prisma.channel.findFirst({ where: UUID.test(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug }, include: withActiveSession });
  }

  async slugTaken(slug: string): Promise<boolean> {
    return (await this.prisma.channel.count({ where: { slug } })) > 0;
  }

  /** Newest first, keyset-paginated on (createdAt, id). Without `ownerId` only public channels are listed. */
  async list(opts: { limit: number; after?: CursorPosition; liveOnly: boolean; ownerId?: string; visibility?: Channel['visibility'] }): Promise<ChannelWithLive[]> {
    return this.prisma.channel.findMany({
      where: {
        ...(opts.ownerId ? { ownerId: opts.ownerId } : { visibility: 'public' }),
        ...(opts.visibility ? { visibility: opts.visibility } : {}),
        ...(opts.liveOnly ? { liveSessions: { some: { state: 'live' } } } : {}),
        ...afterCursor(opts.after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
      include: withActiveSession,
    });
  }

  async update(id: string, data: Partial<ChannelData>): Promise<ChannelWithLive> {
    return this.prisma.channel.update({ where: { id }, data, include: withActiveSession });
  }

  /** Deletes unless a session is active; the check and the delete are one statement, so a publish cannot slip in between. */
  async deleteIfIdle(id: string): Promise<boolean> {
    const { count } = await this.prisma.channel.deleteMany({ where: { id, liveSessions: { none: { state: { in: [...ACTIVE] } } } } });
    return count === 1;
  }

  async activeKey(channelId: string): Promise<StreamKey | null> {
    return this.prisma.streamKey.findFirst({ where: { channelId, revokedAt: null }, orderBy: { createdAt: 'desc' } });
  }

  /** Revokes every current key and adds the new one in one transaction: there is never a moment with two valid keys. */
  async rotateKey(channelId: string, key: KeyRow): Promise<StreamKey> {
    return this.prisma.$transaction(async (tx) => {
      await tx.streamKey.updateMany({ where: { channelId, revokedAt: null }, data: { revokedAt: new Date() } });
      return tx.streamKey.create({ data: { channelId, ...key } });
    });
  }

  async revokeKeys(channelId: string): Promise<void> {
    await this.prisma.streamKey.updateMany({ where: { channelId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  async isModerator(channelId: string, userId: string): Promise<boolean> {
    return (await this.prisma.channelModerator.count({ where: { channelId, userId } })) > 0;
  }

  async moderators(channelId: string): Promise<Array<ChannelModerator & { user: User }>> {
    return this.prisma.channelModerator.findMany({ where: { channelId }, include: { user: true }, orderBy: { createdAt: 'asc' } });
  }

  async findUserByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  /** Assigning a viewer to a channel makes them a moderator; admins keep their role. */
  async addModerator(channelId: string, user: User): Promise<ChannelModerator & { user: User }> {
    return this.prisma.$transaction(async (tx) => {
      if (user.role === 'viewer') await tx.user.update({ where: { id: user.id }, data: { role: 'moderator' } });
      return tx.channelModerator.upsert({ where: { channelId_userId: { channelId, userId: user.id } }, update: {}, create: { channelId, userId: user.id }, include: { user: true } });
    });
  }

  async removeModerator(channelId: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.channelModerator.deleteMany({ where: { channelId, userId } });
    return count === 1;
  }
}
