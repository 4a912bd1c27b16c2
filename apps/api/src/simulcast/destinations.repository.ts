import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient, SimulcastDestination } from '@onda/db';
import { PRISMA } from '../common/tokens.js';

/** A simulcast target of a channel, with the push state its worker last reported (the key stays sealed). */
export interface DestinationRecord {
  id: string;
  channelId: string;
  /** youtube, twitch or custom (stored as text). */
  platform: string;
  name: string;
  url: string;
  keyCiphertext: string;
  keyMasked: string;
  enabled: boolean;
  /** Bumped by every change of URL, key or enabled. */
  revision: number;
  /** idle, connecting, live, retrying or failed (stored as text). */
  state: string;
  stateReason: string | null;
  stateAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
/** What a destination's owner sets (the key arrives sealed). */
export type DestinationData = Pick<DestinationRecord, 'platform' | 'name' | 'url' | 'keyCiphertext' | 'keyMasked' | 'enabled'>;

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;

const toDestination = (d: SimulcastDestination): DestinationRecord => ({
  id: d.id,
  channelId: d.channelId,
  platform: d.platform,
  name: d.name,
  url: d.url,
  keyCiphertext: d.keyCiphertext,
  keyMasked: d.keyMasked,
  enabled: d.enabled,
  revision: d.revision,
  state: d.state,
  stateReason: d.stateReason,
  stateAt: d.stateAt,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

@Injectable()
export class DestinationsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async list(channelId: string): Promise<DestinationRecord[]> {
    return (await this.prisma.simulcastDestination.findMany({ where: { channelId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map(toDestination);
  }

  async count(channelId: string): Promise<number> {
    return this.prisma.simulcastDestination.count({ where: { channelId } });
  }

  async find(channelId: string, id: string): Promise<DestinationRecord | null> {
    const row = await this.prisma.simulcastDestination.findFirst({ where: { id, channelId } });
    return row ? toDestination(row) : null;
  }

  async create(channelId: string, data: DestinationData): Promise<DestinationRecord> {
    return toDestination(await this.prisma.simulcastDestination.create({ data: { ...data, channelId } }));
  }

  /** A change of URL, key or enabled resets the reported state: the worker starts over with it. */
  async update(id: string, data: Partial<DestinationData>): Promise<DestinationRecord> {
    const resets = data.url !== undefined || data.keyCiphertext !== undefined || data.enabled !== undefined;
    return toDestination(await this.prisma.simulcastDestination.update({ where: { id }, data: { ...data, ...(resets ? { revision: { increment: 1 }, state: 'idle', stateReason: null, stateAt: new Date() } : {}) } }));
  }

  async remove(id: string): Promise<void> {
    await this.prisma.simulcastDestination.deleteMany({ where: { id } });
  }

  /** Whether the channel has a broadcast open (the reported push states mean something only then). */
  async channelLive(channelId: string): Promise<boolean> {
    return (await this.prisma.liveSession.count({ where: { channelId, state: { in: [...ACTIVE] } } })) > 0;
  }

  /** The session's channel and its owner, while the session is open; null otherwise. */
  async openSession(sessionId: string): Promise<{ channelId: string; ownerId: string } | null> {
    const s = await this.prisma.liveSession.findFirst({ where: { id: sessionId, state: { in: [...ACTIVE] } }, select: { channelId: true, channel: { select: { ownerId: true } } } });
    return s ? { channelId: s.channelId, ownerId: s.channel.ownerId } : null;
  }

  async enabled(channelId: string): Promise<DestinationRecord[]> {
    return (await this.prisma.simulcastDestination.findMany({ where: { channelId, enabled: true }, orderBy: { createdAt: 'asc' } })).map(toDestination);
  }

  /** Records a reported state; false when the destination is gone or no longer of that channel. */
  async setState(channelId: string, id: string, state: string, reason: string | null): Promise<DestinationRecord | null> {
    const n = await this.prisma.simulcastDestination.updateMany({ where: { id, channelId }, data: { state, stateReason: reason, stateAt: new Date() } });
    return n.count ? this.find(channelId, id) : null;
  }
}
