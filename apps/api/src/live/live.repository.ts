import { Inject, Injectable } from '@nestjs/common';
import type { LiveSession, Prisma, PrismaClient, StreamKey } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;

@Injectable()
export class LiveRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async findKey(keyHash: string): Promise<StreamKey | null> {
    return this.prisma.streamKey.findUnique({ where: { keyHash } });
  }

  async activeSession(channelId: string): Promise<LiveSession | null> {
    return this.prisma.liveSession.findFirst({ where: { channelId, state: { in: [...ACTIVE] } } });
  }

  async find(id: string): Promise<LiveSession | null> {
    return this.prisma.liveSession.findUnique({ where: { id } });
  }

  /** The channel settings a live transcode needs. */
  async channelSettings(channelId: string): Promise<{ passthrough: boolean } | null> {
    return this.prisma.channel.findUnique({ where: { id: channelId }, select: { passthrough: true } });
  }

  /** Inserts a `starting` session; the partial unique index refuses a second active session per channel. */
  async createStarting(data: { id: string; channelId: string; ingestId: string; clientIp: string; storagePrefix: string }): Promise<LiveSession> {
    return this.prisma.liveSession.create({ data: { ...data, state: 'starting', publisherConnected: true } });
  }

  async update(id: string, data: Prisma.LiveSessionUpdateInput): Promise<LiveSession> {
    return this.prisma.liveSession.update({ where: { id }, data });
  }

  /** Moves a session to a final state unless it already is in one; returns whether this call ended it. */
  async finish(id: string, state: 'ended' | 'failed', endReason: string | null): Promise<boolean> {
    const { count } = await this.prisma.liveSession.updateMany({
      where: { id, state: { in: [...ACTIVE] } },
      data: { state, endReason, endedAt: new Date(), publisherConnected: false },
    });
    return count === 1;
  }
}
