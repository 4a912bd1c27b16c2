import { Inject, Injectable } from '@nestjs/common';
import type { Channel, LiveSession, PrismaClient, StreamKey } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

export type ChannelWithLive = Channel & { liveSessions: LiveSession[] };

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;
const withActiveSession = { liveSessions: { where: { state: { in: [...ACTIVE] } }, orderBy: { createdAt: 'desc' as const }, take: 1 } };

@Injectable()
export class ChannelsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(data: { ownerId: string; slug: string; title: string; passthrough: boolean; key: { keyHash: string; keyCiphertext: string; keyPrefix: string } }): Promise<ChannelWithLive> {
    return this.prisma.channel.create({
      data: { ownerId: data.ownerId, slug: data.slug, title: data.title, passthrough: data.passthrough, streamKeys: { create: data.key } },
      include: withActiveSession,
    });
  }

  async findBySlugOrId(idOrSlug: string): Promise<ChannelWithLive | null> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrSlug);
    return this.prisma.channel.findFirst({ where: isUuid ? { id: idOrSlug } : { slug: idOrSlug }, include: withActiveSession });
  }

  async slugTaken(slug: string): Promise<boolean> {
    return (await this.prisma.channel.count({ where: { slug } })) > 0;
  }

  /** Newest first, keyset-paginated on (createdAt, id). */
  async list(opts: { limit: number; after?: { createdAt: Date; id: string }; liveOnly: boolean }): Promise<ChannelWithLive[]> {
    return this.prisma.channel.findMany({
      where: {
        ...(opts.liveOnly ? { liveSessions: { some: { state: 'live' } } } : {}),
        ...(opts.after
          ? { OR: [{ createdAt: { lt: opts.after.createdAt } }, { createdAt: opts.after.createdAt, id: { lt: opts.after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
      include: withActiveSession,
    });
  }

  async activeKey(channelId: string): Promise<StreamKey | null> {
    return this.prisma.streamKey.findFirst({ where: { channelId, revokedAt: null }, orderBy: { createdAt: 'desc' } });
  }

  /** Revokes every current key and adds the new one in one transaction: there is never a moment with two valid keys. */
  async rotateKey(channelId: string, key: { keyHash: string; keyCiphertext: string; keyPrefix: string }): Promise<StreamKey> {
    return this.prisma.$transaction(async (tx) => {
      await tx.streamKey.updateMany({ where: { channelId, revokedAt: null }, data: { revokedAt: new Date() } });
      return tx.streamKey.create({ data: { channelId, ...key } });
    });
  }
}
