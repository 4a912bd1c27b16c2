import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { CommerceMomentAdmin, CommerceStats, CreateCommerceMoment } from '@onda/contracts';
import type { ObjectStorage } from '@onda/storage';
import type { Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { API_OPTIONS, STORAGE, type ApiOptions, mediaBaseUrl } from '../common/tokens.js';
import { ChatRoomsService, type ModeratorAccess } from '../chat/domain/chat-rooms.service.js';
import { ChatFanout } from '../chat/transport/chat.fanout.js';
import { imageExtension, readImage } from './commerce-image.js';
import { CommerceRepository, type MomentRecord } from './commerce.repository.js';
import { momentDto, newMomentFields, statsOf } from './commerce.rules.js';

/** How often a drop's "claims left" reaches the room during a burst of claims (one item per moment per period). */
const REMAINING_PERIOD_MS = 500;

/**
 * The producer's side of sponsor and commerce moments: prepare, upload the picture, show, hide, read the numbers.
 * Who may: the channel's owner, its moderators and the operator (as polls), anyone else gets a 404. A moment shown
 * or hidden reaches every API node's viewers through the chat fan-out (a `commerce` item).
 */
@Injectable()
export class CommerceService implements OnModuleDestroy {
  private readonly logger = new Logger('Commerce');
  private readonly changed = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: CommerceRepository,
    private readonly rooms: ChatRoomsService,
    private readonly fanout: ChatFanout,
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  async list(principal: Principal, idOrSlug: string): Promise<{ items: CommerceMomentAdmin[] }> {
    const { channel } = await this.access(principal, idOrSlug);
    const rows = await this.repo.list(channel.id, 100);
    const counts = await this.repo.counts(rows.map((r) => r.id));
    return { items: rows.map((r) => this.adminDto(r, statsOf(r.kind, counts.get(r.id)!))) };
  }

  async create(principal: Principal, idOrSlug: string, body: CreateCommerceMoment): Promise<CommerceMomentAdmin> {
    const access = await this.access(principal, idOrSlug);
    const row = await this.repo.create(newMomentFields(access.channel.id, body, access.actor));
    await this.rooms.audit(access.channel.id, access.actor, 'commerce.create', row.id, { kind: row.kind, title: row.title });
    return this.adminDto(row, statsOf(row.kind, { impressions: 0, clicks: 0, claims: 0, claimers: 0 }));
  }

  /** Shows the moment to the room now (again, if it was hidden): during a live, it is placed on that broadcast's timeline. */
  async show(principal: Principal, idOrSlug: string, id: string): Promise<CommerceMomentAdmin> {
    const access = await this.access(principal, idOrSlug);
    const row = await this.mustFind(access.channel.id, id);
    if (row.status === 'shown') throw new AppError('conflict', 'This moment is already shown');
    const liveSessionId = await this.repo.activeSessionId(access.channel.id);
    const shown = await this.repo.update(access.channel.id, id, { status: 'shown', shownAt: new Date(), hiddenAt: null, liveSessionId });
    if (!shown) throw new AppError('not_found', 'No such moment');
    this.publish(shown);
    await this.rooms.audit(access.channel.id, access.actor, 'commerce.show', id, { title: row.title });
    return this.adminDto(shown, await this.stats(shown));
  }

  async hide(principal: Principal, idOrSlug: string, id: string): Promise<CommerceMomentAdmin> {
    const access = await this.access(principal, idOrSlug);
    const row = await this.mustFind(access.channel.id, id);
    if (row.status !== 'shown') throw new AppError('conflict', 'This moment is not shown');
    const hidden = await this.repo.update(access.channel.id, id, { status: 'hidden', hiddenAt: new Date() });
    if (!hidden) throw new AppError('not_found', 'No such moment');
    this.publish(hidden);
    await this.rooms.audit(access.channel.id, access.actor, 'commerce.hide', id, { title: row.title });
    return this.adminDto(hidden, await this.stats(hidden));
  }

  /** Deletes a moment with its claims and numbers; a shown one leaves the viewers' screens. */
  async remove(principal: Principal, idOrSlug: string, id: string): Promise<void> {
    const access = await this.access(principal, idOrSlug);
    const row = await this.repo.remove(access.channel.id, id);
    if (!row) throw new AppError('not_found', 'No such moment');
    if (row.status === 'shown') this.publish({ ...row, status: 'hidden', hiddenAt: new Date() });
    if (row.imageKey) await this.storage.delete(row.imageKey).catch(() => undefined);
    await this.rooms.audit(access.channel.id, access.actor, 'commerce.delete', id, { title: row.title });
  }

  /** The product picture or sponsor logo: PNG, JPEG or WebP up to 2 MiB, stored beside the media (`commerce/<channel>/...`). */
  async putImage(principal: Principal, idOrSlug: string, id: string, req: Readable & { headers: IncomingHttpHeaders }): Promise<CommerceMomentAdmin> {
    const { channel } = await this.access(principal, idOrSlug);
    const row = await this.mustFind(channel.id, id);
    const image = await readImage(req);
    // A new name per picture: the old URL stays cacheable forever, the new one is fetched fresh.
    const key = `commerce/${channel.id}/${id}-${randomBytes(6).toString('hex')}.${imageExtension(image.type)}`;
    await this.storage.put(key, image.body, { contentType: image.type, cacheControl: 'public, max-age=31536000, immutable' });
    const updated = await this.repo.update(channel.id, id, { imageKey: key });
    if (!updated) {
      await this.storage.delete(key).catch(() => undefined);
      throw new AppError('not_found', 'No such moment');
    }
    if (row.imageKey) await this.storage.delete(row.imageKey).catch(() => undefined);
    if (updated.status === 'shown') this.publish(updated);
    return this.adminDto(updated, await this.stats(updated));
  }

  /** A drop's claims changed on this node: its room hears how many are left, at most every half second. */
  claimsChanged(channelId: string, momentId: string): void {
    this.changed.set(momentId, channelId);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const changed = [...this.changed];
      this.changed.clear();
      void Promise.all(
        changed.map(async ([mid, cid]) => {
          const row = await this.repo.find(cid, mid);
          if (row) this.publish(row);
        }),
      ).catch((e: unknown) => this.logger.error(`claims update failed: ${(e as Error).message}`));
    }, REMAINING_PERIOD_MS);
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }

  private publish(row: MomentRecord): void {
    this.fanout.publish(row.channelId, [{ type: 'commerce', moment: momentDto(row, mediaBaseUrl(this.options)) }]);
  }

  private access(principal: Principal, idOrSlug: string): Promise<ModeratorAccess> {
    return this.rooms.moderatorAccess(principal, idOrSlug);
  }

  private async mustFind(channelId: string, id: string): Promise<MomentRecord> {
    const row = await this.repo.find(channelId, id);
    if (!row) throw new AppError('not_found', 'No such moment');
    return row;
  }

  private async stats(row: MomentRecord): Promise<CommerceStats> {
    return statsOf(row.kind, (await this.repo.counts([row.id])).get(row.id)!);
  }

  private adminDto(row: MomentRecord, stats: CommerceStats): CommerceMomentAdmin {
    return { ...momentDto(row, mediaBaseUrl(this.options)), code: row.code, stats, createdAt: row.createdAt.toISOString() };
  }
}
