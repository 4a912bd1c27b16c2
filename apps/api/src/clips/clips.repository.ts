import { Inject, Injectable } from '@nestjs/common';
import type { Clip, ClipPolicy, LiveSession, Prisma, PrismaClient } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';

/** What decides who may clip a channel and who sees its clips. */
export interface ClipChannel {
  id: string;
  slug: string;
  title: string;
  ownerId: string;
  visibility: string;
  clipPolicy: ClipPolicy;
  dvrWindowSeconds: number;
}

/** A clip with its channel's slug, title, owner and visibility. */
export type ClipWithChannel = Clip & { channel: { slug: string; title: string; ownerId: string; visibility: string } };
const withChannel = { channel: { select: { slug: true, title: true, ownerId: true, visibility: true } } } as const;
const channelSelect = { id: true, slug: true, title: true, ownerId: true, visibility: true, clipPolicy: true, dvrWindowSeconds: true } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ClipsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async channel(idOrSlug: string): Promise<ClipChannel | null> {
    return this.prisma.channel.findFirst({ where: UUID.test(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug }, select: channelSelect });
  }

  /** The broadcast a channel is live with now (live, or reconnecting after it went live), or null. */
  async liveSession(channelId: string): Promise<LiveSession | null> {
    return this.prisma.liveSession.findFirst({
      where: { channelId, OR: [{ state: 'live' }, { state: 'reconnecting', startedAt: { not: null } }] },
      orderBy: { createdAt: 'desc' },
    });
  }

  async vod(id: string): Promise<{ id: string; status: string; durationSeconds: number | null; channel: ClipChannel } | null> {
    return this.prisma.vod.findUnique({ where: { id }, select: { id: true, status: true, durationSeconds: true, channel: { select: channelSelect } } });
  }

  async find(id: string): Promise<ClipWithChannel | null> {
    return this.prisma.clip.findUnique({ where: { id }, include: withChannel });
  }

  async create(data: Prisma.ClipUncheckedCreateInput): Promise<ClipWithChannel> {
    return this.prisma.clip.create({ data, include: withChannel });
  }

  async update(id: string, data: Prisma.ClipUpdateInput): Promise<ClipWithChannel> {
    return this.prisma.clip.update({ where: { id }, data, include: withChannel });
  }

  /** Moves a clip out of `processing` once; false when it is gone or already done. */
  async finish(id: string, data: Prisma.ClipUpdateManyMutationInput): Promise<boolean> {
    const { count } = await this.prisma.clip.updateMany({ where: { id, status: 'processing' }, data });
    return count === 1;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.clip.count({ where: { id } })) > 0;
  }

  async delete(id: string): Promise<void> {
    await this.prisma.clip.deleteMany({ where: { id } });
  }

  async countView(id: string): Promise<void> {
    await this.prisma.clip.updateMany({ where: { id }, data: { viewCount: { increment: 1 } } });
  }

  /** Newest first. `everything`: every status and hidden ones (the owner's view of one channel); else ready, shown, on channels not private. */
  async list(opts: { channelId?: string; everything: boolean; publicOnly: boolean; limit: number; after?: CursorPosition }): Promise<ClipWithChannel[]> {
    return this.prisma.clip.findMany({
      where: {
        ...(opts.channelId ? { channelId: opts.channelId } : {}),
        ...(opts.everything ? {} : { status: 'ready' as const, hidden: false, channel: { visibility: opts.publicOnly ? ('public' as const) : { not: 'private' as const } } }),
        ...afterCursor(opts.after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
      include: withChannel,
    });
  }
}
