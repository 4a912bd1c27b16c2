import { Inject, Injectable } from '@nestjs/common';
import type { LatencyModes } from '@onda/contracts';

type LatencyMode = (typeof LatencyModes)[number];
import type { LiveSession, Prisma, PrismaClient, StreamKey } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';
import { rethrowUnique } from '../common/unique-violation.js';

/** A broadcast as the live path reads it: its state, timings, storage prefix and ingest. */
export type LiveSessionRecord = LiveSession;

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;

@Injectable()
export class LiveRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The key, and whether its channel's owner is disabled (a disabled account's keys publish nothing). */
  async findKey(keyHash: string): Promise<(StreamKey & { ownerDisabled: boolean }) | null> {
    const key = await this.prisma.streamKey.findUnique({ where: { keyHash }, include: { channel: { select: { owner: { select: { disabledAt: true } } } } } });
    if (!key) return null;
    const { channel, ...rest } = key;
    return { ...rest, ownerDisabled: channel.owner.disabledAt !== null };
  }

  async activeSession(channelId: string): Promise<LiveSession | null> {
    return this.prisma.liveSession.findFirst({ where: { channelId, state: { in: [...ACTIVE] } } });
  }

  async find(id: string): Promise<LiveSession | null> {
    return this.prisma.liveSession.findUnique({ where: { id } });
  }

  /** The channel settings a live transcode needs. */
  async channelSettings(channelId: string): Promise<{ passthrough: boolean; recording: boolean; reconnectWindowSeconds: number; latencyMode: LatencyMode; ladderProfile: string } | null> {
    return this.prisma.channel.findUnique({ where: { id: channelId }, select: { passthrough: true, recording: true, reconnectWindowSeconds: true, latencyMode: true, ladderProfile: true } });
  }

  /** Takes a `reconnecting` session back for a returning publisher; false when it ended meanwhile. */
  async resume(id: string, state: 'starting' | 'live', ingestId: string, clientIp: string): Promise<boolean> {
    const { count } = await this.prisma.liveSession.updateMany({
      where: { id, state: 'reconnecting' },
      data: { state, publisherConnected: true, disconnectedAt: null, ingestId, clientIp, pullUrl: null },
    });
    return count === 1;
  }

  /** Inserts a `starting` session; the partial unique index refuses a second active session per channel. */
  async createStarting(data: { id: string; channelId: string; ingestId: string; clientIp: string; storagePrefix: string; latencyMode: LatencyMode }): Promise<LiveSession> {
    // One open session per channel (a partial unique index): a second publisher is a UniqueViolation.
    return this.prisma.liveSession.create({ data: { ...data, state: 'starting', publisherConnected: true } }).catch(rethrowUnique('open live session of the channel'));
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

  /** Sessions waiting for their publisher, with their channel's reconnect window. */
  async reconnecting(): Promise<Array<LiveSession & { channel: { reconnectWindowSeconds: number } }>> {
    return this.prisma.liveSession.findMany({ where: { state: 'reconnecting' }, include: { channel: { select: { reconnectWindowSeconds: true } } } });
  }

  /** Marks a waiting session's window as passed (once, whichever API node gets there first). */
  async markWindowPassed(id: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.liveSession.updateMany({ where: { id, state: 'reconnecting', publisherConnected: false, endReason: null }, data: { endReason: reason } });
    return count === 1;
  }

  /** The account a channel belongs to (webhook events go to it). */
  async channelOwner(channelId: string): Promise<string | null> {
    return (await this.prisma.channel.findUnique({ where: { id: channelId }, select: { ownerId: true } }))?.ownerId ?? null;
  }

  /** Sessions newest first: of the owner's channels, or (no `ownerId`) of the one channel `channelId`. */
  async listForOwner(opts: { ownerId?: string; channelId?: string; state?: LiveSession['state']; limit: number; after?: CursorPosition }): Promise<LiveSession[]> {
    if (!opts.ownerId && !opts.channelId) throw new Error('listForOwner needs an owner or a channel');
    return this.prisma.liveSession.findMany({
      where: {
        ...(opts.ownerId ? { channel: { ownerId: opts.ownerId } } : {}),
        ...(opts.channelId ? { channelId: opts.channelId } : {}),
        ...(opts.state ? { state: opts.state } : {}),
        ...afterCursor(opts.after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
    });
  }

  /** The session and its channel's owner (who may see or end it is managesChannel's to say). */
  async findWithOwner(id: string): Promise<(LiveSessionRecord & { ownerId: string }) | null> {
    const row = await this.prisma.liveSession.findUnique({ where: { id }, include: { channel: { select: { ownerId: true } } } });
    if (!row) return null;
    const { channel, ...session } = row;
    return { ...session, ownerId: channel.ownerId };
  }

  /** The broadcasts in progress on the account's channels. */
  async activeOfOwner(ownerId: string): Promise<LiveSession[]> {
    return this.prisma.liveSession.findMany({ where: { channel: { ownerId }, state: { in: ['starting', 'live', 'reconnecting'] } } });
  }
}
