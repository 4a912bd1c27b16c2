import { Inject, Injectable } from '@nestjs/common';
import type { ChannelVisibility, ClipPolicy, LatencyModes, LiveSessionState } from '@onda/contracts';
import type { Channel, LiveSession, PrismaClient } from '@onda/db';
import { afterCursor, type CursorPosition } from '../common/cursor.js';
import { PRISMA } from '../common/tokens.js';
import { rethrowUnique } from '../common/unique-violation.js';

type LatencyMode = (typeof LatencyModes)[number];

export type ChannelOwner = { id: string; email: string; displayName: string };

/** A channel's settings, as the API reads them. */
export interface ChannelRecord {
  id: string;
  ownerId: string;
  slug: string;
  title: string;
  passthrough: boolean;
  description: string;
  visibility: ChannelVisibility;
  recording: boolean;
  reconnectWindowSeconds: number;
  latencyMode: LatencyMode;
  ladderProfile: string;
  dvrWindowSeconds: number;
  embedOrigins: string[];
  clipPolicy: ClipPolicy;
  createdAt: Date;
  updatedAt: Date;
}

/** A channel's broadcast, as its playback and status read it. */
export interface ChannelSession {
  id: string;
  channelId: string;
  state: LiveSessionState;
  storagePrefix: string;
  renditions: string[];
  latencyMode: LatencyMode;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  degradedReason: string | null;
  thumbnailAt: Date | null;
}

/** A channel with its active broadcast (at most one, in `liveSessions`) and, when asked for, its owner. */
export type ChannelWithLive = ChannelRecord & { liveSessions: ChannelSession[]; owner?: ChannelOwner };
export type KeyRow = { keyHash: string; keyCiphertext: string; keyPrefix: string };
/** The writable settings of a channel. */
export interface ChannelData {
  slug?: string;
  title?: string;
  passthrough?: boolean;
  description?: string;
  visibility?: ChannelVisibility;
  recording?: boolean;
  reconnectWindowSeconds?: number;
  latencyMode?: LatencyMode;
  ladderProfile?: string;
  dvrWindowSeconds?: number;
  embedOrigins?: string[];
  clipPolicy?: ClipPolicy;
}
/** The channel's current stream key, stored encrypted. */
export interface StoredStreamKey {
  keyCiphertext: string;
  createdAt: Date;
}
/** An accepted moderator of a channel. */
export interface ChannelModeratorRecord {
  userId: string;
  createdAt: Date;
  user: { email: string; displayName: string };
}

const toSession = (s: LiveSession): ChannelSession => ({
  id: s.id,
  channelId: s.channelId,
  state: s.state,
  storagePrefix: s.storagePrefix,
  renditions: s.renditions,
  latencyMode: s.latencyMode,
  createdAt: s.createdAt,
  startedAt: s.startedAt,
  endedAt: s.endedAt,
  endReason: s.endReason,
  degradedReason: s.degradedReason,
  thumbnailAt: s.thumbnailAt,
});

const toChannel = (c: Channel & { liveSessions: LiveSession[]; owner?: ChannelOwner }): ChannelWithLive => ({
  id: c.id,
  ownerId: c.ownerId,
  slug: c.slug,
  title: c.title,
  passthrough: c.passthrough,
  description: c.description,
  visibility: c.visibility,
  recording: c.recording,
  reconnectWindowSeconds: c.reconnectWindowSeconds,
  latencyMode: c.latencyMode,
  ladderProfile: c.ladderProfile,
  dvrWindowSeconds: c.dvrWindowSeconds,
  embedOrigins: c.embedOrigins,
  clipPolicy: c.clipPolicy,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  liveSessions: c.liveSessions.map(toSession),
  ...(c.owner ? { owner: { id: c.owner.id, email: c.owner.email, displayName: c.owner.displayName } } : {}),
});

const ACTIVE = ['starting', 'live', 'reconnecting'] as const;
const withActiveSession = { liveSessions: { where: { state: { in: [...ACTIVE] } }, orderBy: { createdAt: 'desc' as const }, take: 1 } };
const ownerSelect = { owner: { select: { id: true, email: true, displayName: true } } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ChannelsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async create(ownerId: string, data: ChannelData & { slug: string; title: string }, key: KeyRow): Promise<ChannelWithLive> {
    return toChannel(await this.prisma.channel.create({ data: { ...data, ownerId, streamKeys: { create: key } }, include: withActiveSession }).catch(rethrowUnique('channel slug')));
  }

  async findBySlugOrId(idOrSlug: string, withOwner = false): Promise<ChannelWithLive | null> {
    const row = await this.prisma.channel.findFirst({ where: UUID.test(idOrSlug) ? { id: idOrSlug } : { slug: idOrSlug }, include: { ...withActiveSession, ...(withOwner ? ownerSelect : {}) } });
    return row ? toChannel(row) : null;
  }

  async slugTaken(slug: string): Promise<boolean> {
    return (await this.prisma.channel.count({ where: { slug } })) > 0;
  }

  /**
   * Newest first, keyset-paginated on (createdAt, id). Without `ownerId` only public channels are listed; `everyOwner`
   * (an operator's listing) lists every account's, each with its owner.
   */
  async list(opts: { limit: number; after?: CursorPosition; liveOnly: boolean; ownerId?: string; everyOwner?: boolean; visibility?: ChannelVisibility }): Promise<ChannelWithLive[]> {
    const rows = await this.prisma.channel.findMany({
      where: {
        ...(opts.everyOwner ? {} : opts.ownerId ? { ownerId: opts.ownerId } : { visibility: 'public' }),
        ...(opts.visibility ? { visibility: opts.visibility } : {}),
        ...(opts.liveOnly ? { liveSessions: { some: { state: 'live' } } } : {}),
        ...afterCursor(opts.after),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
      include: { ...withActiveSession, ...(opts.everyOwner ? ownerSelect : {}) },
    });
    return rows.map(toChannel);
  }

  async update(id: string, data: ChannelData): Promise<ChannelWithLive> {
    return toChannel(await this.prisma.channel.update({ where: { id }, data, include: withActiveSession }));
  }

  /** Storage prefixes a channel's media lives under: its sessions' (`live/<id>/`), its VODs' and its recordings' archives (`vod/<id>/`). */
  async mediaPrefixes(channelId: string): Promise<string[]> {
    const [sessions, vods] = await Promise.all([
      this.prisma.liveSession.findMany({ where: { channelId }, select: { id: true, storagePrefix: true } }),
      this.prisma.vod.findMany({ where: { channelId }, select: { id: true } }),
    ]);
    // A recording's archive chunks go to vod/<sessionId>/ before (or without) a VOD row.
    return [...new Set([...sessions.flatMap((s) => [`${s.storagePrefix}/`, `vod/${s.id}/`]), ...vods.map((v) => `vod/${v.id}/`)])];
  }

  /** Deletes unless a session is active; the check and the delete are one statement, so a publish cannot slip in between. */
  async deleteIfIdle(id: string): Promise<boolean> {
    const { count } = await this.prisma.channel.deleteMany({ where: { id, liveSessions: { none: { state: { in: [...ACTIVE] } } } } });
    return count === 1;
  }

  async activeKey(channelId: string): Promise<StoredStreamKey | null> {
    const key = await this.prisma.streamKey.findFirst({ where: { channelId, revokedAt: null }, orderBy: { createdAt: 'desc' } });
    return key ? { keyCiphertext: key.keyCiphertext, createdAt: key.createdAt } : null;
  }

  /** Revokes every current key and adds the new one in one transaction: there is never a moment with two valid keys. */
  async rotateKey(channelId: string, key: KeyRow): Promise<StoredStreamKey> {
    const created = await this.prisma.$transaction(async (tx) => {
      await tx.streamKey.updateMany({ where: { channelId, revokedAt: null }, data: { revokedAt: new Date() } });
      return tx.streamKey.create({ data: { channelId, ...key } });
    });
    return { keyCiphertext: created.keyCiphertext, createdAt: created.createdAt };
  }

  async revokeKeys(channelId: string): Promise<void> {
    await this.prisma.streamKey.updateMany({ where: { channelId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  async isModerator(channelId: string, userId: string): Promise<boolean> {
    return (await this.prisma.channelModerator.count({ where: { channelId, userId } })) > 0;
  }

  async moderators(channelId: string): Promise<ChannelModeratorRecord[]> {
    const rows = await this.prisma.channelModerator.findMany({ where: { channelId }, include: { user: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((m) => ({ userId: m.userId, createdAt: m.createdAt, user: { email: m.user.email, displayName: m.user.displayName } }));
  }

  async removeModerator(channelId: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.channelModerator.deleteMany({ where: { channelId, userId } });
    return count === 1;
  }
}
