import { Inject, Injectable } from '@nestjs/common';
import type { ChannelVisibility, VodStatus } from '@onda/contracts';
import type { PrismaClient, Vod } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';

/** A VOD as the library reads it: status, files, progress, timings. */
export interface VodRecord {
  id: string;
  channelId: string;
  liveSessionId: string | null;
  origin: 'recording' | 'upload';
  title: string;
  status: VodStatus;
  sourceKey: string | null;
  sourceBytes: bigint | null;
  replayPrefix: string | null;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  renditions: string[];
  progressPercent: number;
  etaSeconds: number | null;
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  readyAt: Date | null;
}

/** What the library writes on a VOD after creating it. */
export type VodChanges = Partial<Pick<VodRecord, 'title' | 'status' | 'sourceKey' | 'sourceBytes' | 'durationSeconds' | 'width' | 'height' | 'renditions' | 'progressPercent' | 'etaSeconds' | 'failureReason' | 'readyAt'>>;

/** A VOD with what decides who sees what of it: its channel's owner and visibility. */
export type VodWithChannel = VodRecord & { channel: { ownerId: string; visibility: ChannelVisibility } };
const withChannel = { channel: { select: { ownerId: true, visibility: true } } } as const;

const toVod = (v: Vod): VodRecord => ({
  id: v.id,
  channelId: v.channelId,
  liveSessionId: v.liveSessionId,
  origin: v.origin,
  title: v.title,
  status: v.status,
  sourceKey: v.sourceKey,
  sourceBytes: v.sourceBytes,
  replayPrefix: v.replayPrefix,
  durationSeconds: v.durationSeconds,
  width: v.width,
  height: v.height,
  renditions: v.renditions,
  progressPercent: v.progressPercent,
  etaSeconds: v.etaSeconds,
  failureReason: v.failureReason,
  createdAt: v.createdAt,
  updatedAt: v.updatedAt,
  readyAt: v.readyAt,
});
const toVodWithChannel = (v: Vod & { channel: { ownerId: string; visibility: ChannelVisibility } }): VodWithChannel => ({
  ...toVod(v),
  channel: { ownerId: v.channel.ownerId, visibility: v.channel.visibility },
});

@Injectable()
export class VodsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async find(id: string): Promise<VodRecord | null> {
    const row = await this.prisma.vod.findUnique({ where: { id } });
    return row ? toVod(row) : null;
  }

  async findWithChannel(id: string): Promise<VodWithChannel | null> {
    const row = await this.prisma.vod.findUnique({ where: { id }, include: withChannel });
    return row ? toVodWithChannel(row) : null;
  }

  /** Creates the VOD of a recording once (id = live session id); returns null when it already exists. */
  async createForRecording(data: { id: string; channelId: string; title: string; replayPrefix: string }): Promise<VodRecord | null> {
    const { count } = await this.prisma.vod.createMany({
      data: [{ ...data, liveSessionId: data.id, origin: 'recording', status: 'processing' }],
      skipDuplicates: true,
    });
    return count === 1 ? this.find(data.id) : null;
  }

  async create(data: { channelId: string; title: string; origin: VodRecord['origin']; status: VodStatus }): Promise<VodRecord> {
    return toVod(await this.prisma.vod.create({ data }));
  }

  async update(id: string, data: VodChanges): Promise<VodWithChannel> {
    return toVodWithChannel(await this.prisma.vod.update({ where: { id }, data, include: withChannel }));
  }

  /** Moves the VOD from one status to the next only if it is still in `from`; false when another request got there first. */
  async transition(id: string, from: VodStatus, data: VodChanges): Promise<boolean> {
    const { count } = await this.prisma.vod.updateMany({ where: { id, status: from }, data });
    return count === 1;
  }

  /** Updates only while the VOD is still processing (a late progress report must not undo `ready`). */
  async updateProcessing(id: string, data: VodChanges): Promise<boolean> {
    const { count } = await this.prisma.vod.updateMany({ where: { id, status: 'processing' }, data });
    return count === 1;
  }

  async delete(id: string): Promise<void> {
    await this.prisma.vod.delete({ where: { id } });
  }

  async list(opts: { ownerId?: string; channelId?: string; publicOnly: boolean; limit: number; after?: CursorPosition }): Promise<VodWithChannel[]> {
    const rows = await this.prisma.vod.findMany({
      where: {
        ...(opts.channelId ? { channelId: opts.channelId } : {}),
        ...(opts.ownerId ? { channel: { ownerId: opts.ownerId } } : {}),
        ...(opts.publicOnly ? { status: 'ready' as const, channel: { visibility: 'public' as const } } : {}),
        ...afterCursor(opts.after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
      include: withChannel,
    });
    return rows.map(toVodWithChannel);
  }

  async channel(idOrSlug: string): Promise<{ id: string; ownerId: string; title: string; visibility: ChannelVisibility; recording: boolean } | null> {
    const select = { id: true, ownerId: true, title: true, visibility: true, recording: true } as const;
    const uuid = /^[0-9a-f-]{36}$/.test(idOrSlug);
    return this.prisma.channel.findFirst({ where: uuid ? { id: idOrSlug } : { slug: idOrSlug }, select });
  }
}
