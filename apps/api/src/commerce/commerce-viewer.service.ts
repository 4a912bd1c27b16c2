import { Inject, Injectable } from '@nestjs/common';
import type { CommerceClaim, CommerceEvent, CommerceMarker, CommerceViewerMoment } from '@onda/contracts';
import { hasScope, managesChannel, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import type { RateLimiter } from '../common/rate-limit.js';
import { API_OPTIONS, RATE_LIMITER, type ApiOptions, mediaBaseUrl } from '../common/tokens.js';
import { ChatRoomsService } from '../chat/domain/chat-rooms.service.js';
import type { ChatChannel } from '../chat/persistence/chat.repository.js';
import { anonymousKey } from '../chat/domain/chat-text.js';
import { DeviceTokens } from '../chat/domain/device-token.js';
import { WebhookService } from '../webhooks/webhooks.service.js';
import { CommerceRepository } from './commerce.repository.js';
import { claimRefusal, endsAt, momentDto } from './commerce.rules.js';
import { CommerceService } from './commerce.service.js';

/** Header an anonymous viewer sends its chat device token in (the token the chat's join handed out). */
export const DEVICE_HEADER = 'x-onda-device';

/** Who acts on a moment: an account (`u:<id>`), or an anonymous viewer by their chat identity in this channel (`a:<hash>`). */
export interface Viewer {
  key: string;
  userId: string | null;
}

/**
 * The viewers' side: the moments on screen now, impressions and clicks, claims, and a recording's moments. A
 * viewer is who the chat knows: a signed-in account, else the device token the chat issued (so a claim is once
 * per chat identity, and new identities cost what new chat devices cost: a few per address).
 */
@Injectable()
export class CommerceViewerService {
  private readonly devices: DeviceTokens;

  constructor(
    private readonly repo: CommerceRepository,
    private readonly rooms: ChatRoomsService,
    private readonly commerce: CommerceService,
    private readonly webhooks: WebhookService,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {
    this.devices = new DeviceTokens(options.secret);
  }

  async live(principal: Principal | null, device: string | undefined, idOrSlug: string): Promise<{ items: CommerceViewerMoment[] }> {
    const channel = await this.readable(principal, idOrSlug);
    const rows = await this.repo.shown(channel.id);
    const viewer = this.viewer(principal, device, channel.id);
    const units = viewer && rows.length ? await this.repo.unitsOfMany(rows.map((r) => r.id), viewer.key) : new Map<string, number>();
    return { items: rows.map((r) => ({ ...momentDto(r, mediaBaseUrl(this.options)), yourClaims: units.get(r.id) ?? 0 })) };
  }

  /** An impression or a click, once per viewer; only while the moment is shown (a replay does not count). */
  async event(principal: Principal | null, device: string | undefined, idOrSlug: string, id: string, body: CommerceEvent): Promise<void> {
    const channel = await this.readable(principal, idOrSlug);
    const viewer = await this.mustIdentify(principal, device, channel.id);
    const row = await this.repo.find(channel.id, id);
    if (!row) throw new AppError('not_found', 'No such moment');
    if (row.status !== 'shown') return;
    if (body.type === 'click') await this.repo.clicked(id, viewer.key, new Date());
    else await this.repo.seen(id, viewer.key);
  }

  async claim(principal: Principal | null, device: string | undefined, idOrSlug: string, id: string): Promise<CommerceClaim> {
    const channel = await this.readable(principal, idOrSlug);
    const viewer = await this.mustIdentify(principal, device, channel.id);
    const row = await this.repo.find(channel.id, id);
    if (!row) throw new AppError('not_found', 'No such moment');
    const now = new Date();
    const early = claimRefusal(row, now, await this.repo.unitsOf(id, viewer.key), viewer.userId !== null);
    if (early) throw early;
    const result = await this.repo.claim(id, viewer.key, viewer.userId, now);
    if (!result.ok) {
      // Someone else took the last unit, the window closed, or a parallel claim of this viewer got there first.
      const fresh = (await this.repo.find(channel.id, id)) ?? row;
      throw claimRefusal(fresh, now, await this.repo.unitsOf(id, viewer.key), viewer.userId !== null) ?? new AppError('conflict', 'The claim did not go through; try again');
    }
    // Claimed: counted (a claim is an impression too), announced and reported.
    await this.repo.seen(id, viewer.key);
    this.commerce.claimsChanged(channel.id, id);
    const claimedAt = now.toISOString();
    await this.webhooks.emit(channel.ownerId, 'commerce.claimed', {
      channelId: channel.id,
      momentId: id,
      title: row.title,
      dropKind: row.dropKind,
      viewer: viewer.key,
      userId: viewer.userId,
      units: result.units,
      remaining: result.remaining,
      claimedAt,
    });
    return { momentId: id, yourClaims: result.units, remaining: result.remaining, code: result.code, claimedAt };
  }

  /** The moments of the broadcast a VOD was recorded from, placed in seconds from its start (replay and timeline). */
  async vodMarkers(principal: Principal | null, vodId: string): Promise<{ items: CommerceMarker[] }> {
    const vod = await this.repo.vodSession(vodId);
    // A private recording is its channel's managers' (owner, operators), with a credential that reads VODs (as the VOD itself).
    const manages = vod !== null && vod.visibility === 'private' && managesChannel(principal, { id: vod.channelId, ownerId: vod.ownerId });
    if (!vod || (vod.visibility === 'private' && !(manages && principal && hasScope(principal, 'vods:read')))) throw new AppError('not_found', `No VOD ${vodId}`);
    if (!vod.liveSessionId || !vod.startedAt) return { items: [] };
    return { items: await this.markers(vod.liveSessionId, vod.startedAt) };
  }

  /** The moments of one broadcast for its reaction timeline (the channel owner's). */
  async sessionMarkers(principal: Principal, liveSessionId: string): Promise<{ items: CommerceMarker[] }> {
    const session = await this.repo.sessionWithOwner(liveSessionId);
    if (!session || !managesChannel(principal, { id: session.channelId, ownerId: session.ownerId })) throw new AppError('not_found', `No live session ${liveSessionId} of yours`);
    return { items: await this.markers(liveSessionId, session.createdAt) };
  }

  async markers(liveSessionId: string, t0: Date): Promise<CommerceMarker[]> {
    const rows = await this.repo.ofSession(liveSessionId);
    return rows.map((r) => {
      const at = (r.shownAt!.getTime() - t0.getTime()) / 1000;
      const stop = [endsAt(r), r.hiddenAt].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0];
      // Replayed, a moment is what it was: shown, never claimable again.
      const moment = { ...momentDto(r, mediaBaseUrl(this.options)), status: 'shown' as const, hiddenAt: null };
      return { moment, atSeconds: Math.max(0, at), untilSeconds: stop ? Math.max(0, (stop.getTime() - t0.getTime()) / 1000) : null };
    });
  }

  private async readable(principal: Principal | null, idOrSlug: string): Promise<ChatChannel> {
    const channel = await this.rooms.channel(idOrSlug);
    // A private channel's moments are for whoever may watch it: its owner, its moderators and operators (as its page).
    const role = channel.visibility === 'private' ? await this.rooms.roleOf(channel, principal?.user ?? null) : 'viewer';
    const mayRead = principal !== null && (hasScope(principal, 'channels:read') || hasScope(principal, 'chat:moderate'));
    if (channel.visibility === 'private' && (!['owner', 'moderator', 'admin'].includes(role) || !mayRead)) throw new AppError('not_found', `No channel "${idOrSlug}"`);
    return channel;
  }

  private viewer(principal: Principal | null, device: string | undefined, channelId: string): Viewer | null {
    if (principal) return { key: `u:${principal.user.id}`, userId: principal.user.id };
    const id = this.devices.verify(device);
    return id ? { key: anonymousKey(this.options.secret, channelId, `d:${id}`), userId: null } : null;
  }

  private async mustIdentify(principal: Principal | null, device: string | undefined, channelId: string): Promise<Viewer> {
    const viewer = this.viewer(principal, device, channelId);
    if (!viewer) throw new AppError('unauthenticated', `Sign in, or send the chat's device token in ${DEVICE_HEADER} (join the channel's chat first)`);
    // Accounts are limited per token or session by the guard; anonymous devices here.
    if (!principal) {
      const { allowed, retryAfterSeconds } = await this.limiter.hit(`commerce:${viewer.key}`);
      if (!allowed) throw new AppError('rate_limited', `Too many requests; try again in ${retryAfterSeconds} s`);
    }
    return viewer;
  }
}
