import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ChatRole } from '@onda/contracts';
import { hasScope, isOperatorUser, managesChannel, type Principal } from '../../auth/auth.context.js';
import type { Account } from '../../auth/auth.repository.js';
import { AppError } from '../../common/app-error.js';
import { messageDto, openPoll, settingsDto } from '../persistence/chat.mappers.js';
import { RECENT_SIZE } from '../chat.options.js';
import { ChatRepository, type ChatChannel } from '../persistence/chat.repository.js';
import { ChatModerationRepository, type AuditDetail } from '../persistence/chat-moderation.repository.js';
import { CHAT_STORE } from '../chat.tokens.js';
import { ChatWriter } from '../persistence/chat.writer.js';
import type { BanUntil, ChatStore } from '../state/chat.store.js';

const CHANNEL_CACHE_MS = 10_000;
const SESSION_CACHE_MS = 3_000;
// An operator's access to a foreign room is written to that room's audit log at most this often per operator.
const OPERATOR_AUDIT_MS = 10 * 60_000;

/** Who is moderating through REST, and where. */
export interface ModeratorAccess {
  channel: ChatChannel;
  /** `u:<userId>`: the audit log's actor. */
  actor: string;
  user: Account;
  role: ChatRole;
}

/**
 * What both the gateway and the REST API need about a room: the channel and its live session (cached
 * briefly: they are read on every join and message), roles, loading a room into the store from
 * PostgreSQL, and the audit log.
 */
@Injectable()
export class ChatRoomsService implements OnApplicationShutdown {
  private readonly channels = new Map<string, { value: Promise<ChatChannel | null>; at: number }>();
  private readonly sessions = new Map<string, { value: Promise<string | null>; at: number }>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly operatorSeen = new Map<string, number>();
  private readonly logger = new Logger('ChatRooms');

  constructor(
    @Inject(CHAT_STORE) private readonly store: ChatStore,
    private readonly writer: ChatWriter,
    private readonly repo: ChatRepository,
    private readonly modRepo: ChatModerationRepository,
  ) {}

  async channel(idOrSlug: string): Promise<ChatChannel> {
    const channel = await this.cached(this.channels, idOrSlug, CHANNEL_CACHE_MS, () => this.repo.findChannel(idOrSlug));
    if (!channel) throw new AppError('not_found', `No channel "${idOrSlug}"`);
    return channel;
  }

  /** The broadcast live now (messages and actions are counted against it), or null between broadcasts. */
  liveSessionId(channelId: string): Promise<string | null> {
    return this.cached(this.sessions, channelId, SESSION_CACHE_MS, () => this.repo.activeSessionId(channelId));
  }

  /** Caches the lookup's promise, so a burst of joins or messages makes one query, not one each. */
  private cached<T>(cache: Map<string, { value: Promise<T>; at: number }>, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.at >= now - ttlMs) return hit.value;
    if (cache.size > 10_000) cache.clear();
    const value = load();
    cache.set(key, { value, at: now });
    value.catch(() => cache.delete(key));
    return value;
  }

  /**
   * owner > moderator > admin (the platform operator) > viewer. The user role `admin` alone grants nothing
   * here: an admin account is a tenant and reaches only its own channels and the ones it moderates.
   */
  async roleOf(channel: ChatChannel, user: Pick<Account, 'id' | 'operator' | 'role'> | null): Promise<ChatRole> {
    if (!user) return 'viewer';
    if (channel.ownerId === user.id) return 'owner';
    if (await this.repo.isModerator(channel.id, user.id)) return 'moderator';
    return isOperatorUser(user) ? 'admin' : 'viewer';
  }

  /** REST moderation: the channel's owner, its moderators or the operator, with `chat:moderate`; anyone else gets a 404. */
  async moderatorAccess(principal: Principal, idOrSlug: string): Promise<ModeratorAccess> {
    const channel = await this.channel(idOrSlug).catch(() => null);
    const role = channel ? await this.roleOf(channel, principal.user) : 'viewer';
    if (!channel || role === 'viewer') throw new AppError('not_found', `No channel "${idOrSlug}" you moderate`);
    if (!hasScope(principal, 'chat:moderate')) throw new AppError('forbidden', 'This credential lacks the scope chat:moderate');
    if (role === 'admin') {
      // The operator rule is managesChannel's: noting the reach puts a change made here in the account audit log too.
      managesChannel(principal, channel);
      await this.operatorAccess(channel.id, principal.user.id, 'rest');
    }
    return { channel, actor: `u:${principal.user.id}`, user: principal.user, role };
  }

  /**
   * Operator access to a channel they neither own nor moderate lands in that channel's audit log (and the
   * server log), so the owner sees when the platform looked in. Throttled: one entry per operator and room
   * per ten minutes, not one per request.
   */
  async operatorAccess(channelId: string, userId: string, via: 'rest' | 'socket'): Promise<void> {
    const key = `${channelId}:${userId}`;
    const now = Date.now();
    if ((this.operatorSeen.get(key) ?? 0) > now - OPERATOR_AUDIT_MS) return;
    if (this.operatorSeen.size > 10_000) this.operatorSeen.clear();
    this.operatorSeen.set(key, now);
    this.logger.warn(`operator ${userId} accessed the chat of channel ${channelId} (${via})`);
    await this.audit(channelId, `u:${userId}`, 'operator_access', null, { via });
  }

  /** Loads the room into the store from PostgreSQL unless it is there already (one load per room per node at a time). */
  async ensureLoaded(channelId: string): Promise<void> {
    let pending = this.loading.get(channelId);
    if (!pending) {
      if (await this.store.loaded(channelId)) return;
      pending = this.loading.get(channelId);
      if (!pending) {
        pending = this.load(channelId).finally(() => this.loading.delete(channelId));
        this.loading.set(channelId, pending);
      }
    }
    return pending;
  }

  async audit(channelId: string, actor: string, action: string, target: string | null, detail: AuditDetail = {}): Promise<void> {
    await this.modRepo.audit({ channelId, liveSessionId: await this.liveSessionId(channelId), actor, action, target, detail });
  }

  /** After the sockets closed (Nest closes them between the two hooks): nothing can add to the last batch any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.writer.close();
    await this.store.close();
  }

  private async load(channelId: string): Promise<void> {
    const now = new Date();
    // This node's messages still waiting for their batch belong in the history too.
    await this.writer.flush();
    const [room, bans, poll, recent] = await Promise.all([
      this.repo.room(channelId),
      this.modRepo.activeBans(channelId, now),
      this.modRepo.openPoll(channelId),
      this.repo.recentVisible(channelId, RECENT_SIZE),
    ]);
    const pinned = room?.pinnedMessageId ? await this.repo.findVisible(channelId, room.pinnedMessageId) : null;
    const until = new Map<string, BanUntil>();
    for (const ban of bans) {
      const current = until.get(ban.authorKey);
      const next = ban.expiresAt?.getTime() ?? null;
      if (current === null) continue;
      until.set(ban.authorKey, next === null || current === undefined ? next : Math.max(current, next));
    }
    await this.store.load(channelId, {
      settings: settingsDto(room),
      bans: [...until].map(([authorKey, u]) => ({ authorKey, until: u })),
      pinned: pinned ? messageDto(pinned) : null,
      poll: poll ? openPoll(poll) : null,
      votes: poll ? await this.modRepo.pollVotes(poll.id) : [],
      recent: recent.map(messageDto),
    });
    this.logger.debug(`room ${channelId} loaded`);
  }
}
