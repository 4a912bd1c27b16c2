import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

@Injectable()
export class PlaybackRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Visibility of the channel whose live session stores under `live/<sessionId>`; null when unknown. */
  async sessionVisibility(sessionId: string): Promise<string | null> {
    const row = await this.prisma.liveSession.findUnique({ where: { id: sessionId }, select: { channel: { select: { visibility: true } } } });
    return row?.channel.visibility ?? null;
  }

  /** Visibility of the channel whose VOD stores under `vod/<vodId>`; null when unknown. */
  async vodVisibility(vodId: string): Promise<string | null> {
    const row = await this.prisma.vod.findUnique({ where: { id: vodId }, select: { channel: { select: { visibility: true } } } });
    return row?.channel.visibility ?? null;
  }

  /** Visibility of a clip's channel (`clip/<id>`), `private` while the owner hides it; null when unknown. */
  async clipVisibility(clipId: string): Promise<string | null> {
    const row = await this.prisma.clip.findUnique({ where: { id: clipId }, select: { hidden: true, channel: { select: { visibility: true } } } });
    return row ? (row.hidden ? 'private' : row.channel.visibility) : null;
  }
}
