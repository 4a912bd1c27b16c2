import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient, Vod, VodStatus } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';

/** A VOD as the library reads it: status, files, progress, timings. */
export type VodRecord = Vod;

/** A VOD with what decides who sees what of it: its channel's owner and visibility. */
export type VodWithChannel = Vod & { channel: { ownerId: string; visibility: string } };
const withChannel = { channel: { select: { ownerId: true, visibility: true } } } as const;

@Injectable()
export class VodsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async find(id: string): Promise<Vod | null> {
    return this.prisma.vod.findUnique({ where: { id } });
  }

  async findWithChannel(id: string): Promise<VodWithChannel | null> {
    return this.prisma.vod.findUnique({ where: { id }, include: withChannel });
  }

  /** Creates the VOD of a recording once (id = live session id); returns null when it already exists. */
  async createForRecording(data: { id: string; channelId: string; title: string; replayPrefix: string }): Promise<Vod | null> {
    const { count } = await this.prisma.vod.createMany({
      data: [{ ...data, liveSessionId: data.id, origin: 'recording', status: 'processing' }],
      skipDuplicates: true,
    });
    return count === 1 ? this.find(data.id) : null;
  }

  async create(data: Prisma.VodUncheckedCreateInput): Promise<Vod> {
    return this.prisma.vod.create({ data });
  }

  async update(id: string, data: Prisma.VodUpdateInput): Promise<VodWithChannel> {
    return this.prisma.vod.update({ where: { id }, data, include: withChannel });
  }

  /** Moves the VOD from one status to the next only if it is still in `from`; false when another request got there first. */
  async transition(id: string, from: VodStatus, data: Prisma.VodUpdateManyMutationInput): Promise<boolean> {
    const { count } = await this.prisma.vod.updateMany({ where: { id, status: from }, data });
    return count === 1;
  }

  /** Updates only while the VOD is still processing (a late progress report must not undo `ready`). */
  async updateProcessing(id: string, data: Prisma.VodUpdateManyMutationInput): Promise<boolean> {
    const { count } = await this.prisma.vod.updateMany({ where: { id, status: 'processing' }, data });
    return count === 1;
  }

  async delete(id: string): Promise<void> {
    await this.prisma.vod.delete({ where: { id } });
  }

  async list(opts: { ownerId?: string; channelId?: string; publicOnly: boolean; limit: number; after?: CursorPosition }): Promise<VodWithChannel[]> {
    return this.prisma.vod.findMany({
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
  }

  async channel(idOrSlug: string): Promise<{ id: string; ownerId: string; title: string; visibility: string; recording: boolean } | null> {
    const select = { id: true, ownerId: true, title: true, visibility: true, recording: true } as const;
    const uuid = /^[0-9a-f-]{36}$/.test(idOrSlug);
    return this.prisma.channel.findFirst({ where: uuid ? { id: idOrSlug } : { slug: idOrSlug }, select });
  }
}
