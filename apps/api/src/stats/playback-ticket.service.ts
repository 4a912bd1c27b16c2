import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRedisClient } from '@onda/queue';
import type { PlaybackTicket, PlaybackTicketRequest } from '@onda/contracts';
import { hasScope, managesChannel, type Principal } from '../auth/auth.context.js';
import { ChannelsService } from '../channels/channels.service.js';
import { AppError } from '../common/app-error.js';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from '../common/rate-limit.js';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { PlaybackTickets } from './playback-ticket.js';
import { STATS_OPTIONS, type StatsOptions } from './stats.options.js';
import { StatsRepository } from './stats.repository.js';

/**
 * Issues playback tickets (finding 9) for a live session or VOD the caller may watch: public and unlisted ones for
 * anyone who knows the id, a private channel's only for its owner (and, live, its moderators) with the read scope.
 * Anything else, unknown ids included, is the same 404. New tickets are limited per client address (shared through
 * Redis with several API nodes); renewing a still valid ticket of the same playback is free.
 */
@Injectable()
export class PlaybackTicketService implements OnModuleDestroy {
  readonly tickets: PlaybackTickets;
  private readonly limiter: RateLimiter;
  private readonly redis: Redis | null;

  constructor(
    private readonly repo: StatsRepository,
    private readonly channels: ChannelsService,
    @Inject(API_OPTIONS) options: ApiOptions,
    @Inject(STATS_OPTIONS) private readonly stats: StatsOptions,
  ) {
    this.tickets = new PlaybackTickets(options.secret);
    this.redis = options.redisUrl ? createRedisClient(options.redisUrl, 'request') : null;
    this.limiter = this.redis ? new RedisRateLimiter(this.redis, stats.ticketsPerIp, stats.now) : new MemoryRateLimiter(stats.ticketsPerIp, stats.now);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  async issue(principal: Principal | null, body: PlaybackTicketRequest, ip: string): Promise<PlaybackTicket> {
    const now = this.stats.now();
    const renewal = this.tickets.verify(body.previous, body, Math.floor(now / 1000));
    if (!renewal) await this.mayWatch(principal, body);
    if (!renewal) {
      const hit = await this.limiter.hit(`playback-ticket:${ip}`);
      if (!hit.allowed) {
        throw new AppError('rate_limited', `Too many new playbacks from this address; retry in ${hit.retryAfterSeconds} s`, [{ path: 'retryAfter', message: String(hit.retryAfterSeconds) }]);
      }
    }
    const exp = Math.floor(now / 1000) + this.stats.ticketTtlSeconds;
    const { playbackId, viewerId, liveSessionId, vodId } = body;
    return { ticket: this.tickets.issue({ playbackId, viewerId, liveSessionId, vodId }, exp), expiresAt: new Date(exp * 1000).toISOString() };
  }

  private async mayWatch(principal: Principal | null, body: PlaybackTicketRequest): Promise<void> {
    const target = body.liveSessionId ? await this.repo.sessionChannel(body.liveSessionId) : await this.repo.vodChannel(body.vodId!);
    if (target && target.visibility !== 'private') return;
    if (target && principal) {
      const uid = principal.user.id;
      const managed = () => managesChannel(principal, { id: target.channelId, ownerId: target.ownerId });
      if (body.liveSessionId && hasScope(principal, 'channels:read') && (managed() || (await this.channels.canModerate(target.channelId, uid)))) return;
      if (body.vodId && hasScope(principal, 'vods:read') && managed()) return;
    }
    throw new AppError('not_found', 'No live session or VOD by that id');
  }
}
