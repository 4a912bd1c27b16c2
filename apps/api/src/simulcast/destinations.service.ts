import { Inject, Injectable } from '@nestjs/common';
import {
  DESTINATION_PRESET_URLS, maskStreamKey,
  type CreateDestination, type Destination, type DestinationPlatform, type DestinationState, type DestinationStateReport, type UpdateDestination, type WorkerDestination,
} from '@onda/contracts';
import { checkAddress, outboundUrlProblem } from '@onda/outbound';
import type { Principal } from '../auth/auth.context.js';
import { ChannelsService } from '../channels/channels.service.js';
import { AppError } from '../common/app-error.js';
import { SecretBox } from '../common/secret-box.js';
import { API_OPTIONS, outboundAllowPrivate, type ApiOptions } from '../common/tokens.js';
import { WebhookService } from '../webhooks/webhooks.service.js';
import { DestinationsRepository, type DestinationRecord } from './destinations.repository.js';

/** Destinations per channel: each is one more ffmpeg on the worker while live. */
export const MAX_DESTINATIONS = 10;
const PROTOCOLS = ['rtmp:', 'rtmps:'] as const;
const PRESET_NAMES: Record<Exclude<DestinationPlatform, 'custom'>, string> = { youtube: 'YouTube', twitch: 'Twitch' };

/** The URL the worker pushes to: the ingest URL with the stream key as its last path segment. */
export const pushUrlOf = (url: string, key: string): string => `${url.replace(/\/+$/, '')}/${key}`;

/**
 * Simulcast destinations of a channel (owner only). Keys are encrypted with the server secret and only ever
 * leave the API towards a worker pushing an open broadcast; URLs pass the outbound address guard when saved,
 * and again at every connection the worker makes.
 */
@Injectable()
export class DestinationsService {
  private readonly keys: SecretBox;
  private readonly allowPrivate: boolean;

  constructor(
    private readonly repo: DestinationsRepository,
    private readonly channels: ChannelsService,
    private readonly webhooks: WebhookService,
    @Inject(API_OPTIONS) options: ApiOptions,
  ) {
    this.keys = new SecretBox(options.secret, 'simulcast-key');
    this.allowPrivate = outboundAllowPrivate(options);
  }

  async list(principal: Principal, idOrSlug: string): Promise<{ items: Destination[] }> {
    const channel = await this.channels.owned(principal, idOrSlug);
    const live = await this.repo.channelLive(channel.id);
    return { items: (await this.repo.list(channel.id)).map((d) => dto(d, live)) };
  }

  async create(principal: Principal, idOrSlug: string, body: CreateDestination): Promise<Destination> {
    const channel = await this.channels.owned(principal, idOrSlug);
    const url = body.url ?? (body.platform === 'custom' ? null : DESTINATION_PRESET_URLS[body.platform]);
    if (!url) throw new AppError('validation_failed', 'url: a custom destination needs its rtmp:// or rtmps:// URL', [{ path: 'url', message: 'required for platform custom' }]);
    await this.checkUrl(url);
    if ((await this.repo.count(channel.id)) >= MAX_DESTINATIONS) throw new AppError('conflict', `A channel has at most ${MAX_DESTINATIONS} destinations`);
    const row = await this.repo.create(channel.id, {
      platform: body.platform,
      name: body.name ?? (body.platform === 'custom' ? new URL(url).host : PRESET_NAMES[body.platform]),
      url,
      keyCiphertext: this.keys.encrypt(body.streamKey),
      keyMasked: maskStreamKey(body.streamKey),
      enabled: body.enabled ?? true,
    });
    return dto(row, await this.repo.channelLive(channel.id));
  }

  async update(principal: Principal, idOrSlug: string, id: string, body: UpdateDestination): Promise<Destination> {
    const channel = await this.channels.owned(principal, idOrSlug);
    await this.mustFind(channel.id, id);
    if (body.url !== undefined) await this.checkUrl(body.url);
    const row = await this.repo.update(id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      ...(body.streamKey !== undefined ? { keyCiphertext: this.keys.encrypt(body.streamKey), keyMasked: maskStreamKey(body.streamKey) } : {}),
    });
    return dto(row, await this.repo.channelLive(channel.id));
  }

  async remove(principal: Principal, idOrSlug: string, id: string): Promise<void> {
    const channel = await this.channels.owned(principal, idOrSlug);
    await this.mustFind(channel.id, id);
    await this.repo.remove(id);
  }

  /** For the worker pushing `sessionId`: the channel's enabled destinations with their keys; none once the session closed. */
  async forWorker(sessionId: string): Promise<{ items: WorkerDestination[] }> {
    const session = await this.repo.openSession(sessionId);
    if (!session) return { items: [] };
    const rows = await this.repo.enabled(session.channelId);
    return { items: rows.map((d) => ({ id: d.id, pushUrl: pushUrlOf(d.url, this.keys.decrypt(d.keyCiphertext)), revision: String(d.revision) })) };
  }

  /** A worker's report of one push; the first `failed` of a push tells the owner's webhooks. */
  async report(sessionId: string, id: string, body: DestinationStateReport): Promise<void> {
    const session = await this.repo.openSession(sessionId);
    if (!session) throw new AppError('not_found', `No open live session ${sessionId}`);
    const before = await this.repo.find(session.channelId, id);
    const row = before && (await this.repo.setState(session.channelId, id, body.state, body.reason));
    if (!row) throw new AppError('not_found', `No destination ${id} on this broadcast`);
    if (body.state === 'failed' && before.state !== 'failed') {
      await this.webhooks.emit(session.ownerId, 'simulcast.failed', { sessionId, channelId: session.channelId, destinationId: id, name: row.name, platform: row.platform, reason: body.reason });
    }
  }

  /** The address guard at save time: what the URL shows, then what its host resolves to now (a name that does not resolve yet is accepted). */
  private async checkUrl(url: string): Promise<void> {
    let problem = outboundUrlProblem(url, this.allowPrivate, { protocols: PROTOCOLS });
    if (!problem) {
      const checked = await checkAddress(new URL(`http://${new URL(url).host}`).hostname, { allowPrivate: this.allowPrivate });
      if (!checked.ok && 'refused' in checked) problem = `must not point at a private address: the host ${checked.refused}`;
    }
    if (problem) throw new AppError('validation_failed', `url: ${problem}`, [{ path: 'url', message: problem }]);
  }

  private async mustFind(channelId: string, id: string): Promise<DestinationRecord> {
    const row = await this.repo.find(channelId, id);
    if (!row) throw new AppError('not_found', `No destination ${id} on this channel`);
    return row;
  }
}

/** Push states are the worker's while a broadcast is open; afterwards a destination is idle (or shows why it failed). */
function dto(d: DestinationRecord, live: boolean): Destination {
  const reported = d.state as DestinationState;
  const state: DestinationState = !d.enabled ? 'idle' : live || reported === 'failed' ? reported : 'idle';
  return {
    id: d.id,
    channelId: d.channelId,
    platform: d.platform as DestinationPlatform,
    name: d.name,
    url: d.url,
    streamKeyMasked: d.keyMasked,
    enabled: d.enabled,
    state,
    stateReason: state === 'retrying' || state === 'failed' ? d.stateReason : null,
    stateAt: d.stateAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}
