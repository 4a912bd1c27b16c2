import { Inject, Injectable } from '@nestjs/common';
import type { Channel, ChannelModerator, LiveSession, Prisma, PrismaClient, StreamKey, User } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';
import { rethrowUnique } from '../common/unique-violation.js';

export type ChannelOwner = { id: string; email: string; displayName: string };
export type ChannelWithLive = Channel & { liveSessions: LiveSession[]; owner?: ChannelOwner };
/** A channel's broadcast, as its playback and status read it. */
export type ChannelSession = ChannelWithLive['liveSessions'][number];
export type KeyRow = { keyHash: string; keyCiphertext: string; keyPrefix: string };
export type ChannelData = Omit<Prisma.ChannelUncheckedCreateInput, 'id' | 'ownerId' | 'createdAt' | 'updatedAt' | 'streamKeys' | 'liveSessions' | 'moderators'>;

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;
const withActiveSession = { liveSessions: { where: { state: { in: [...ACTIVE] } }, orderBy: { createdAt: 'desc' as const }, take: 1 } };
const ownerSelect = { owner: { select: { id: true, email: true, displayName: true } } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ChannelsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(ownerId: string, data: ChannelData & { slug: string; title: string }, key: KeyRow): Promise<ChannelWithLive> {
    return this.prisma.channel.create({ data: { ...data, ownerId, streamKeys: { create: key } }, include: withActiveSession }).catch(rethrowUnique('channel slug'));
  }

  async findBySlugOrId(idOrSlug: string, withOwner = false): Promise<ChannelWithLive | null> {
    return this.prisma.channel.findFirst({ where: UUID.test(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug }, include: { ...withActiveSession, ...(withOwner ? ownerSelect : {}) } });
  }

  async slugTaken(slug: string): Promise<boolean> {
    return (await this.prisma.channel.count({ where: { slug } })) > 0;
  }

  /**
   * Newest first, keyset-paginated on (createdAt, id). Without `ownerId` only public channels are listed; `everyOwner`
   * (an operator's listing) lists every account's, each with its owner.
   */
  async list(opts: { limit: number; after?: CursorPosition; liveOnly: boolean; ownerId?: string; everyOwner?: boolean; visibility?: Channel['visibility'] }): Promise<ChannelWithLive[]> {
    return this.prisma.channel.findMany({
      where: {
        ...(opts.everyOwner ? {} : opts.ownerId ? { ownerId: opts.ownerId } : { visibility: 'public' }),
        ...(opts.visibility ? { visibility: opts.visibility } : {}),
        ...(opts.liveOnly ? { liveSessions: { some: { state: 'live' } } } : {}),
        ...afterCursor(opts.after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
      include: { ...withActiveSession, ...(opts.everyOwner ? ownerSelect : {}) },
    });
  }

  async update(id: string, data: Partial<ChannelData>): Promise<ChannelWithLive> {
    return this.prisma.channel.update({ where: { id }, data, include: withActiveSession });
  }

  /** Storage prefixes a channel's media lives under: its sessions' (`live/<id>/`), its VODs' and its recordings' archives (`vod/<id>/`). */
  async mediaPrefixes(channelId: string): Promise<string[]> {
    const [sessions, vods] = await Promise.all([
      this.prisma.liveSession.findMany({ where: { channelId }, select: { id: true, storagePrefix: true } }),
      this.prisma.vod.findMany({ where: { channelId }, select: { id: true } }),
    ]);
    // A recording's archive chunks go to vod/<sessionId>/ before (or without) a VOD row.
    return [...new Set([...sessions.flatMap((s) => [`${s.storagePrefix}/`, `vod/${s.id}/`]), ...vods.map((v) => `vod/${v.id}/`)])];
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

  async removeModerator(channelId: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.channelModerator.deleteMany({ where: { channelId, userId } });
    return count === 1;
  }
}
