import { Inject, Injectable } from '@nestjs/common';
import type { Channel as ChannelDto, CreateChannel, LiveSession as LiveSessionDto, Moderator, Playback, StreamKey as StreamKeyDto, UpdateChannel } from '@onda/contracts';
import type { LiveSession } from '@onda/db';
import { hasScope, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../common/cursor.js';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { PlaybackSigner } from '../playback/playback-signer.js';
import { ChannelsRepository, type ChannelWithLive, type KeyRow } from './channels.repository.js';
import { StreamKeyCrypto } from './stream-key.crypto.js';

export type { Page } from '../common/cursor.js';

/** Channels of an account: public reads honour visibility; writes and keys are the owner's alone. */
@Injectable()
export class ChannelsService {
  private readonly keys: StreamKeyCrypto;
  private readonly signer: PlaybackSigner;

  constructor(
    private readonly repo: ChannelsRepository,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {
    this.keys = new StreamKeyCrypto(options.secret);
    this.signer = new PlaybackSigner(options.secret);
  }

  async create(principal: Principal, input: CreateChannel): Promise<ChannelDto> {
    if (await this.repo.slugTaken(input.slug)) throw new AppError('conflict', `The slug "${input.slug}" is already taken`);
    const channel = await this.repo.create(principal.user.id, input, this.newKey().stored).catch((e: unknown) => {
      // Two creates racing for one slug: the unique index decides, the loser gets a conflict.
      if ((e as { code?: string }).code === 'P2002') throw new AppError('conflict', `The slug "${input.slug}" is already taken`);
      throw e;
    });
    return this.toDto(channel);
  }

  /** Public and unlisted channels for everyone; private ones only for their owner and moderators. */
  async get(principal: Principal | null, idOrSlug: string): Promise<ChannelDto> {
    return this.toDto(await this.findReadable(principal, idOrSlug));
  }

  async list(principal: Principal | null, opts: { limit: number; cursor?: string; live?: boolean; owner?: 'me'; visibility?: ChannelDto['visibility'] }): Promise<Page<ChannelDto>> {
    if (opts.owner === 'me') {
      if (!principal) throw new AppError('unauthenticated', 'owner=me needs credentials');
      if (!hasScope(principal, 'channels:read')) throw new AppError('forbidden', 'This credential lacks the scope channels:read');
    } else if (opts.visibility && opts.visibility !== 'public') {
      throw new AppError('validation_failed', 'visibility: only owner=me lists unlisted or private channels', [{ path: 'visibility', message: 'needs owner=me' }]);
    }
    const rows = await this.repo.list({
      limit: opts.limit + 1,
      liveOnly: opts.live ?? false,
      ...(opts.owner === 'me' && principal ? { ownerId: principal.user.id } : {}),
      ...(opts.visibility ? { visibility: opts.visibility } : {}),
      ...(opts.cursor ? { after: decodeCursor(opts.cursor) } : {}),
    });
    return toPage(rows, opts.limit, (c) => this.toDto(c));
  }

  async update(principal: Principal, idOrSlug: string, input: UpdateChannel): Promise<ChannelDto> {
    const channel = await this.findOwned(principal, idOrSlug);
    return this.toDto(await this.repo.update(channel.id, input));
  }

  async remove(principal: Principal, idOrSlug: string): Promise<void> {
    const channel = await this.findOwned(principal, idOrSlug);
    if (!(await this.repo.deleteIfIdle(channel.id))) throw new AppError('conflict', 'The channel is live; end its session first');
  }

  async streamKey(principal: Principal, idOrSlug: string): Promise<StreamKeyDto> {
    const channel = await this.findOwned(principal, idOrSlug);
    const key = await this.repo.activeKey(channel.id);
    return { streamKey: key ? this.keys.decrypt(key.keyCiphertext) : null, rtmpUrl: this.options.rtmpPublicUrl, createdAt: (key?.createdAt ?? channel.createdAt).toISOString() };
  }

  async rotateKey(principal: Principal, idOrSlug: string): Promise<StreamKeyDto> {
    const channel = await this.findOwned(principal, idOrSlug);
    const { plain, stored } = this.newKey();
    const key = await this.repo.rotateKey(channel.id, stored);
    return { streamKey: plain, rtmpUrl: this.options.rtmpPublicUrl, createdAt: key.createdAt.toISOString() };
  }

  /** No key works afterwards until the next rotate; a broadcast in progress continues. */
  async revokeKey(principal: Principal, idOrSlug: string): Promise<void> {
    const channel = await this.findOwned(principal, idOrSlug);
    await this.repo.revokeKeys(channel.id);
  }

  async playback(principal: Principal | null, idOrSlug: string): Promise<Playback> {
    const channel = await this.findReadable(principal, idOrSlug);
    const session = channel.liveSessions[0];
    const live = !!session?.startedAt && (session.state === 'live' || session.state === 'reconnecting');
    const signed = channel.visibility === 'private' && session ? this.signedUrl(session) : null;
    return {
      channelId: channel.id,
      visibility: channel.visibility,
      live,
      hlsUrl: session && live ? (signed?.url ?? this.plainUrl(session)) : null,
      expiresAt: live && signed ? signed.expiresAt.toISOString() : null,
    };
  }

  async moderators(principal: Principal, idOrSlug: string): Promise<{ items: Moderator[] }> {
    const channel = await this.findOwned(principal, idOrSlug);
    return { items: (await this.repo.moderators(channel.id)).map(moderatorDto) };
  }

  async addModerator(principal: Principal, idOrSlug: string, email: string): Promise<Moderator> {
    const channel = await this.findOwned(principal, idOrSlug);
    const user = await this.repo.findUserByEmail(email);
    if (!user) throw new AppError('not_found', `No user with the email ${email}`);
    return moderatorDto(await this.repo.addModerator(channel.id, user));
  }

  async removeModerator(principal: Principal, idOrSlug: string, userId: string): Promise<void> {
    const channel = await this.findOwned(principal, idOrSlug);
    if (!(await this.repo.removeModerator(channel.id, userId))) throw new AppError('not_found', 'That user does not moderate this channel');
  }

  /** Whether `userId` may moderate the channel (owner or assigned moderator); for chat and other features. */
  async canModerate(channelId: string, userId: string): Promise<boolean> {
    const channel = await this.repo.findBySlugOrId(channelId);
    return !!channel && (channel.ownerId === userId || (await this.repo.isModerator(channelId, userId)));
  }

  private async findReadable(principal: Principal | null, idOrSlug: string): Promise<ChannelWithLive> {
    const channel = await this.repo.findBySlugOrId(idOrSlug);
    if (!channel) throw new AppError('not_found', `No channel "${idOrSlug}"`);
    if (channel.visibility !== 'private') return channel;
    if (principal && hasScope(principal, 'channels:read') && (channel.ownerId === principal.user.id || (await this.repo.isModerator(channel.id, principal.user.id)))) return channel;
    throw new AppError('not_found', `No channel "${idOrSlug}"`);
  }

  /** Another account's channel is a 404, not a 403: its existence is none of the caller's business. */
  private async findOwned(principal: Principal, idOrSlug: string): Promise<ChannelWithLive> {
    const channel = await this.repo.findBySlugOrId(idOrSlug);
    if (!channel || channel.ownerId !== principal.user.id) throw new AppError('not_found', `No channel "${idOrSlug}" of yours`);
    return channel;
  }

  private newKey(): { plain: string; stored: KeyRow } {
    const plain = this.keys.generate();
    return { plain, stored: { keyHash: this.keys.hash(plain), keyCiphertext: this.keys.encrypt(plain), keyPrefix: plain.slice(0, 9) } };
  }

  private plainUrl(session: LiveSession): string {
    return `${this.options.mediaBaseUrl}/${session.storagePrefix}/master.m3u8`;
  }

  private signedUrl(session: LiveSession): { url: string; expiresAt: Date } {
    const exp = Math.floor(Date.now() / 1000) + (this.options.playbackTtlSeconds ?? 6 * 3600);
    const token = this.signer.token(session.storagePrefix, exp);
    return { url: `${this.options.mediaBaseUrl}/s/${token}/${session.storagePrefix}/master.m3u8`, expiresAt: new Date(exp * 1000) };
  }

  private sessionDto(channel: ChannelWithLive, session: LiveSession): LiveSessionDto {
    // Once started, the URL stays valid through encoder drops (reconnecting) and as an instant replay.
    const url = !session.startedAt ? null : channel.visibility === 'private' ? this.signedUrl(session).url : this.plainUrl(session);
    return {
      id: session.id,
      channelId: session.channelId,
      state: session.state,
      createdAt: session.createdAt.toISOString(),
      startedAt: session.startedAt?.toISOString() ?? null,
      endedAt: session.endedAt?.toISOString() ?? null,
      renditions: session.renditions,
      playbackUrl: url,
      endReason: session.endReason,
    };
  }

  private toDto(channel: ChannelWithLive): ChannelDto {
    const session = channel.liveSessions[0] ?? null;
    return {
      id: channel.id,
      slug: channel.slug,
      title: channel.title,
      passthrough: channel.passthrough,
      description: channel.description,
      visibility: channel.visibility,
      recording: channel.recording,
      reconnectWindowSeconds: channel.reconnectWindowSeconds,
      latencyMode: channel.latencyMode,
      ladderProfile: channel.ladderProfile,
      createdAt: channel.createdAt.toISOString(),
      // An encoder drop within the reconnect window is still the same broadcast for viewers.
      status: session?.state === 'live' || (session?.state === 'reconnecting' && session.startedAt) ? 'live' : 'offline',
      liveSession: session ? this.sessionDto(channel, session) : null,
    };
  }
}

const moderatorDto = (m: { userId: string; createdAt: Date; user: { email: string; displayName: string } }): Moderator => ({
  userId: m.userId,
  email: m.user.email,
  displayName: m.user.displayName,
  createdAt: m.createdAt.toISOString(),
});
