import { Inject, Injectable } from '@nestjs/common';
import type { LatencyModes, LiveSessionState } from '@onda/contracts';
import type { LiveSession, Prisma, PrismaClient } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';
import { rethrowUnique } from '../common/unique-violation.js';

type LatencyMode = (typeof LatencyModes)[number];

/** A broadcast as the live path reads it: its state, timings, storage prefix and ingest. */
export interface LiveSessionRecord {
  id: string;
  channelId: string;
  state: LiveSessionState;
  publisherConnected: boolean;
  ingestId: string;
  pullUrl: string | null;
  clientIp: string | null;
  /** SourceInfo as the ingest probed it (stored JSON, not re-validated). */
  source: unknown;
  renditions: string[];
  storagePrefix: string;
  latencyMode: LatencyMode;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  /** The worker's last health event (stored JSON). */
  lastHealth: unknown;
  lastHealthAt: Date | null;
  disconnectedAt: Date | null;
  degradedLevel: number;
  degradedReason: string | null;
  degradedAt: Date | null;
  thumbnailAt: Date | null;
}

/** What the live path writes on a session besides the state moves (resume, finish) that have their own methods. */
export interface LiveSessionChanges {
  state?: 'reconnecting' | 'live';
  publisherConnected?: boolean;
  pullUrl?: string;
  /** Stored as JSON. */
  source?: object;
  /** Stored as JSON. */
  lastHealth?: object;
  lastHealthAt?: Date;
  renditions?: string[];
  startedAt?: Date;
  disconnectedAt?: Date;
  degradedLevel?: number;
  degradedReason?: string | null;
  degradedAt?: Date | null;
  thumbnailAt?: Date;
}

/** A stream key as publish-time authorisation reads it. */
export interface PublishKey {
  channelId: string;
  revokedAt: Date | null;
  /** The channel's owner is disabled: a disabled account's keys publish nothing. */
  ownerDisabled: boolean;
}

const toSession = (r: LiveSession): LiveSessionRecord => ({
  id: r.id,
  channelId: r.channelId,
  state: r.state,
  publisherConnected: r.publisherConnected,
  ingestId: r.ingestId,
  pullUrl: r.pullUrl,
  clientIp: r.clientIp,
  source: r.source,
  renditions: r.renditions,
  storagePrefix: r.storagePrefix,
  latencyMode: r.latencyMode,
  createdAt: r.createdAt,
  startedAt: r.startedAt,
  endedAt: r.endedAt,
  endReason: r.endReason,
  lastHealth: r.lastHealth,
  lastHealthAt: r.lastHealthAt,
  disconnectedAt: r.disconnectedAt,
  degradedLevel: r.degradedLevel,
  degradedReason: r.degradedReason,
  degradedAt: r.degradedAt,
  thumbnailAt: r.thumbnailAt,
});
const toSessionOrNull = (r: LiveSession | null): LiveSessionRecord | null => (r ? toSession(r) : null);

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;

function toUpdate(changes: LiveSessionChanges): Prisma.LiveSessionUpdateInput & Prisma.LiveSessionUpdateManyMutationInput {
  const { source, lastHealth, ...rest } = changes;
  return {
    ...rest,
    ...(source !== undefined ? { source: source as Prisma.InputJsonObject } : {}),
    ...(lastHealth !== undefined ? { lastHealth: lastHealth as Prisma.InputJsonObject } : {}),
  };
}

@Injectable()
export class LiveRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** The key, and whether its channel's owner is disabled (a disabled account's keys publish nothing). */
  async findKey(keyHash: string): Promise<PublishKey | null> {
    const key = await this.prisma.streamKey.findUnique({ where: { keyHash }, include: { channel: { select: { owner: { select: { disabledAt: true } } } } } });
    if (!key) return null;
    return { channelId: key.channelId, revokedAt: key.revokedAt, ownerDisabled: key.channel.owner.disabledAt !== null };
  }

  async activeSession(channelId: string): Promise<LiveSessionRecord | null> {
    return toSessionOrNull(await this.prisma.liveSession.findFirst({ where: { channelId, state: { in: [...ACTIVE] } } }));
  }

  async find(id: string): Promise<LiveSessionRecord | null> {
    return toSessionOrNull(await this.prisma.liveSession.findUnique({ where: { id } }));
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
  async createStarting(data: { id: string; channelId: string; ingestId: string; clientIp: string; storagePrefix: string; latencyMode: LatencyMode }): Promise<LiveSessionRecord> {
    // One open session per channel (a partial unique index): a second publisher is a UniqueViolation.
    return toSession(await this.prisma.liveSession.create({ data: { ...data, state: 'starting', publisherConnected: true } }).catch(rethrowUnique('open live session of the channel')));
  }

  async update(id: string, changes: LiveSessionChanges): Promise<LiveSessionRecord> {
    return toSession(await this.prisma.liveSession.update({ where: { id }, data: toUpdate(changes) }));
  }

  /**
   * Changes a session only while it is in one of `from`; null when it no longer is. State moves go through
   * here (never a plain update from a state read earlier): a concurrent `finish` must not be written over.
   */
  async transition(id: string, from: readonly LiveSessionRecord['state'][], changes: LiveSessionChanges): Promise<LiveSessionRecord | null> {
    const { count } = await this.prisma.liveSession.updateMany({ where: { id, state: { in: [...from] } }, data: toUpdate(changes) });
    return count === 1 ? this.find(id) : null;
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
  async reconnecting(): Promise<Array<LiveSessionRecord & { channel: { reconnectWindowSeconds: number } }>> {
    const rows = await this.prisma.liveSession.findMany({ where: { state: 'reconnecting' }, include: { channel: { select: { reconnectWindowSeconds: true } } } });
    return rows.map((r) => ({ ...toSession(r), channel: { reconnectWindowSeconds: r.channel.reconnectWindowSeconds } }));
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
  async listForOwner(opts: { ownerId?: string; channelId?: string; state?: LiveSessionState; limit: number; after?: CursorPosition }): Promise<LiveSessionRecord[]> {
    if (!opts.ownerId && !opts.channelId) throw new Error('listForOwner needs an owner or a channel');
    const rows = await this.prisma.liveSession.findMany({
      where: {
        ...(opts.ownerId ? { channel: { ownerId: opts.ownerId } } : {}),
        ...(opts.channelId ? { channelId: opts.channelId } : {}),
        ...(opts.state ? { state: opts.state } : {}),
        ...afterCursor(opts.after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
    });
    return rows.map(toSession);
  }

  /** The session and its channel's owner (who may see or end it is managesChannel's to say). */
  async findWithOwner(id: string): Promise<(LiveSessionRecord & { ownerId: string }) | null> {
    const row = await this.prisma.liveSession.findUnique({ where: { id }, include: { channel: { select: { ownerId: true } } } });
    if (!row) return null;
    return { ...toSession(row), ownerId: row.channel.ownerId };
  }

  /** The broadcasts in progress on the account's channels. */
  async activeOfOwner(ownerId: string): Promise<LiveSessionRecord[]> {
    return (await this.prisma.liveSession.findMany({ where: { channel: { ownerId }, state: { in: ['starting', 'live', 'reconnecting'] } } })).map(toSession);
  }
}
