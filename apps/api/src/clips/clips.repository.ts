import { Inject, Injectable } from '@nestjs/common';
import type { ChannelVisibility, ClipPolicy, VodStatus } from '@onda/contracts';
import type { Clip, PrismaClient } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';

/** What decides who may clip a channel and who sees its clips. */
export interface ClipChannel {
  id: string;
  slug: string;
  title: string;
  ownerId: string;
  visibility: ChannelVisibility;
  clipPolicy: ClipPolicy;
  dvrWindowSeconds: number;
}

/** A clip: what it cuts from (a broadcast or a VOD), its state and its media's measurements. */
export interface ClipRecord {
  id: string;
  channelId: string;
  creatorId: string | null;
  liveSessionId: string | null;
  vodId: string | null;
  title: string;
  status: 'processing' | 'ready' | 'failed';
  hidden: boolean;
  requestedSeconds: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  viewCount: number;
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  readyAt: Date | null;
}

/** A clip with its channel's slug, title, owner and visibility. */
export type ClipWithChannel = ClipRecord & { channel: { slug: string; title: string; ownerId: string; visibility: ChannelVisibility } };
/** A new clip, `processing` until the worker reports. */
export type NewClip = Pick<ClipRecord, 'id' | 'channelId' | 'title' | 'requestedSeconds'> & { creatorId: string } & ({ liveSessionId: string } | { vodId: string });
/** What the clip's owner or the worker's result changes. */
export type ClipChanges = Partial<Pick<ClipRecord, 'title' | 'hidden' | 'status' | 'durationSeconds' | 'width' | 'height' | 'failureReason' | 'readyAt'>>;

const toClip = (c: Clip & { channel: ClipWithChannel['channel'] }): ClipWithChannel => ({
  id: c.id,
  channelId: c.channelId,
  creatorId: c.creatorId,
  liveSessionId: c.liveSessionId,
  vodId: c.vodId,
  title: c.title,
  status: c.status,
  hidden: c.hidden,
  requestedSeconds: c.requestedSeconds,
  durationSeconds: c.durationSeconds,
  width: c.width,
  height: c.height,
  viewCount: c.viewCount,
  failureReason: c.failureReason,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  readyAt: c.readyAt,
  channel: { slug: c.channel.slug, title: c.channel.title, ownerId: c.channel.ownerId, visibility: c.channel.visibility },
});
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
  async liveSession(channelId: string): Promise<{ id: string; storagePrefix: string } | null> {
    const session = await this.prisma.liveSession.findFirst({
      where: { channelId, OR: [{ state: 'live' }, { state: 'reconnecting', startedAt: { not: null } }] },
      orderBy: { createdAt: 'desc' },
    });
    return session ? { id: session.id, storagePrefix: session.storagePrefix } : null;
  }

  async vod(id: string): Promise<{ id: string; status: VodStatus; durationSeconds: number | null; channel: ClipChannel } | null> {
    return this.prisma.vod.findUnique({ where: { id }, select: { id: true, status: true, durationSeconds: true, channel: { select: channelSelect } } });
  }

  async find(id: string): Promise<ClipWithChannel | null> {
    const row = await this.prisma.clip.findUnique({ where: { id }, include: withChannel });
    return row ? toClip(row) : null;
  }

  async create(data: NewClip): Promise<ClipWithChannel> {
    return toClip(await this.prisma.clip.create({ data, include: withChannel }));
  }

  async update(id: string, data: ClipChanges): Promise<ClipWithChannel> {
    return toClip(await this.prisma.clip.update({ where: { id }, data, include: withChannel }));
  }

  /** Moves a clip out of `processing` once; false when it is gone or already done. */
  async finish(id: string, data: ClipChanges): Promise<boolean> {
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
    const rows = await this.prisma.clip.findMany({
      where: {
        ...(opts.channelId ? { channelId: opts.channelId } : {}),
        ...(opts.everything ? {} : { status: 'ready' as const, hidden: false, channel: { visibility: opts.publicOnly ? ('public' as const) : { not: 'private' as const } } }),
        ...afterCursor(opts.after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
      include: withChannel,
    });
    return rows.map(toClip);
  }
}
