import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Channel as ChannelDto, CreateChannel, LiveSession as LiveSessionDto, Moderator, Playback, StreamKey as StreamKeyDto, UpdateChannel } from '@onda/contracts';
import { STREAM_KEY_SHOWN_LENGTH, THUMBNAIL_FILE } from '@onda/contracts';
import type { ObjectStorage } from '@onda/storage';
import { hasScope, isOperator, managesChannel, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../common/cursor.js';
import { API_OPTIONS, STORAGE, type ApiOptions, mediaBaseUrl } from '../common/tokens.js';
import { UniqueViolation } from '../common/unique-violation.js';
import { PlaybackSigner } from '../playback/playback-signer.js';
import { ChannelsRepository, type ChannelSession, type ChannelWithLive, type KeyRow } from './channels.repository.js';
import { StreamKeyCrypto } from './stream-key.crypto.js';

export type { Page } from '../common/cursor.js';

/** Channels of an account: public reads honour visibility; writes and keys are the owner's and the operators' (managesChannel). */
@Injectable()
export class ChannelsService {
  private readonly keys: StreamKeyCrypto;
  private readonly signer: PlaybackSigner;
  private readonly logger = new Logger('Channels');

  constructor(
    private readonly repo: ChannelsRepository,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    @Inject(STORAGE) private readonly storage: ObjectStorage,
  ) {
    this.keys = new StreamKeyCrypto(options.secret);
    this.signer = new PlaybackSigner(options.secret);
  }

  async create(principal: Principal, input: CreateChannel): Promise<ChannelDto> {
    if (await this.repo.slugTaken(input.slug)) throw new AppError('conflict', `The slug "${input.slug}" is already taken`);
    const channel = await this.repo.create(principal.user.id, input, this.newKey().stored).catch((e: unknown) => {
      // Two creates racing for one slug: the unique index decides, the loser gets a conflict.
      if (e instanceof UniqueViolation) throw new AppError('conflict', `The slug "${input.slug}" is already taken`);
      throw e;
    });
    return this.toDto(channel);
  }

  /** Public and unlisted channels for everyone; private ones only for their owner, moderators and operators. */
  async get(principal: Principal | null, idOrSlug: string): Promise<ChannelDto> {
    const channel = await this.findReadable(principal, idOrSlug);
    // An operator reading another account's channel is told whose it is (the console shows it).
    const withOwner = principal !== null && channel.ownerId !== principal.user.id && isOperator(principal) && hasScope(principal, 'channels:read');
    return this.toDto(withOwner ? ((await this.repo.findBySlugOrId(channel.id, true)) ?? channel) : channel);
  }

  /** `owner=me`: the caller's channels; `owner=all` (operators): every account's, each with its owner. */
  async list(principal: Principal | null, opts: { limit: number; cursor?: string; live?: boolean; owner?: 'me' | 'all'; visibility?: ChannelDto['visibility'] }): Promise<Page<ChannelDto>> {
    if (opts.owner) {
      if (!principal) throw new AppError('unauthenticated', `owner=${opts.owner} needs credentials`);
      if (!hasScope(principal, 'channels:read')) throw new AppError('forbidden', 'This credential lacks the scope channels:read');
      if (opts.owner === 'all' && !isOperator(principal)) throw new AppError('forbidden', 'Only operators list every account\'s channels (owner=all)');
    } else if (opts.visibility && opts.visibility !== 'public') {
      throw new AppError('validation_failed', 'visibility: only owner=me or owner=all lists unlisted or private channels', [{ path: 'visibility', message: 'needs owner=me' }]);
    }
    const rows = await this.repo.list({
      limit: opts.limit + 1,
      liveOnly: opts.live ?? false,
      ...(opts.owner === 'me' && principal ? { ownerId: principal.user.id } : {}),
      ...(opts.owner === 'all' ? { everyOwner: true } : {}),
      ...(opts.visibility ? { visibility: opts.visibility } : {}),
      ...(opts.cursor ? { after: decodeCursor(opts.cursor) } : {}),
    });
    return toPage(rows, opts.limit, (c) => this.toDto(c));
  }

  async update(principal: Principal, idOrSlug: string, input: UpdateChannel): Promise<ChannelDto> {
    const channel = await this.findOwned(principal, idOrSlug);
    return this.toDto(await this.repo.update(channel.id, input));
  }

  /**
   * Deletes the channel and then its media in storage (finding 5). Should the storage delete fail half-way, the
   * media route still never serves the leftovers: objects of an unknown session or VOD are refused unsigned.
   */
  async remove(principal: Principal, idOrSlug: string): Promise<void> {
    const channel = await this.findOwned(principal, idOrSlug);
    const prefixes = await this.repo.mediaPrefixes(channel.id);
    if (!(await this.repo.deleteIfIdle(channel.id))) throw new AppError('conflict', 'The channel is live; end its session first');
    for (const prefix of prefixes) {
      await this.storage.deletePrefix(prefix).catch((e: unknown) => this.logger.error(`channel ${channel.id}: deleting ${prefix} failed: ${(e as Error).message}`));
    }
  }

  async streamKey(principal: Principal, idOrSlug: string): Promise<StreamKeyDto> {
    // Reading another account's key is audited like a change: whoever holds it can broadcast as that channel.
    const channel = await this.findOwned(principal, idOrSlug, { sensitive: true });
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
      // The running broadcast's mode decides the player; offline, the channel's setting.
      latencyMode: session && live ? session.latencyMode : channel.latencyMode,
    };
  }

  /**
   * Where the newest live thumbnail of a channel is now (signed like its playlists when private), for the stable
   * per-channel URL; not_found while offline or before the first picture. Readable as the channel itself is.
   */
  async thumbnail(principal: Principal | null, idOrSlug: string): Promise<{ url: string; visibility: ChannelDto['visibility'] }> {
    const channel = await this.findReadable(principal, idOrSlug);
    const url = this.toDto(channel).thumbnailUrl;
    if (!url) throw new AppError('not_found', 'The channel is offline or has no thumbnail yet');
    return { url, visibility: channel.visibility };
  }

  /** The channel's accepted moderators (owner and operators); invitations are ModeratorInvitationsService's. */
  async moderators(principal: Principal, idOrSlug: string): Promise<{ id: string; items: Moderator[] }> {
    const channel = await this.findOwned(principal, idOrSlug);
    return { id: channel.id, items: (await this.repo.moderators(channel.id)).map(moderatorDto) };
  }

  /** A channel the caller manages (its own; any for an operator), or the same 404 as for a channel that does not exist. */
  owned(principal: Principal, idOrSlug: string): Promise<ChannelWithLive> {
    return this.findOwned(principal, idOrSlug);
  }

  async removeModerator(principal: Principal, idOrSlug: string, userId: string): Promise<void> {
    const channel = await this.findOwned(principal, idOrSlug);
    if (!(await this.repo.removeModerator(channel.id, userId))) throw new AppError('not_found', 'That user does not moderate this channel');
  }

  /** Any channel by id or slug, whoever owns it: for an operator's invitation (people); null when unknown. */
  async ref(idOrSlug: string): Promise<{ id: string; slug: string; title: string } | null> {
    const channel = await this.repo.findBySlugOrId(idOrSlug);
    return channel ? { id: channel.id, slug: channel.slug, title: channel.title } : null;
  }

  /** Whether `userId` is the channel's owner or an assigned moderator (operators: see managesChannel); for chat and other features. */
  async canModerate(channelId: string, userId: string): Promise<boolean> {
    const channel = await this.repo.findBySlugOrId(channelId);
    return !!channel && (channel.ownerId === userId || (await this.repo.isModerator(channelId, userId)));
  }

  private async findReadable(principal: Principal | null, idOrSlug: string): Promise<ChannelWithLive> {
    const channel = await this.repo.findBySlugOrId(idOrSlug);
    if (!channel) throw new AppError('not_found', `No channel "${idOrSlug}"`);
    if (channel.visibility !== 'private') return channel;
    if (principal && hasScope(principal, 'channels:read') && (managesChannel(principal, channel) || (await this.repo.isModerator(channel.id, principal.user.id)))) return channel;
    throw new AppError('not_found', `No channel "${idOrSlug}"`);
  }

  /** A channel the caller does not manage is a 404, not a 403: its existence is none of the caller's business. */
  private async findOwned(principal: Principal, idOrSlug: string, opts: { sensitive?: boolean } = {}): Promise<ChannelWithLive> {
    const channel = await this.repo.findBySlugOrId(idOrSlug);
    if (!channel || !managesChannel(principal, channel, opts)) throw new AppError('not_found', `No channel "${idOrSlug}" of yours`);
    return channel;
  }

  private newKey(): { plain: string; stored: KeyRow } {
    const plain = this.keys.generate();
    return { plain, stored: { keyHash: this.keys.hash(plain), keyCiphertext: this.keys.encrypt(plain), keyPrefix: plain.slice(0, STREAM_KEY_SHOWN_LENGTH) } };
  }

  /** Low-latency playlists are rendered by the API (blocking reload): their URL is the API's even when a CDN serves the media objects. */
  private playlistBase(session: ChannelSession): string {
    return session.latencyMode === 'low' ? `${this.options.publicUrl}/media` : mediaBaseUrl(this.options);
  }

  private plainUrl(session: ChannelSession): string {
    return `${this.playlistBase(session)}/${session.storagePrefix}/master.m3u8`;
  }

  private signedUrl(session: ChannelSession, file = 'master.m3u8'): { url: string; expiresAt: Date } {
    const exp = Math.floor(Date.now() / 1000) + (this.options.playbackTtlSeconds ?? 6 * 3600);
    const token = this.signer.token(session.storagePrefix, exp);
    // Signed playback always goes through the API's media route (it checks the signature; with direct
    // delivery it serves the playlists and signs each object for storage/CDN), never MEDIA_PUBLIC_URL.
    return { url: `${this.options.publicUrl}/media/s/${token}/${session.storagePrefix}/${file}`, expiresAt: new Date(exp * 1000) };
  }

  /**
   * The session's newest live thumbnail: an object under the session's prefix like its segments, so a private
   * channel's is signed by the same playback token. `?v=` changes with every picture (the object is rewritten
   * in place), so browsers and CDNs never show a stale one under a URL the API hands out.
   */
  private thumbnailUrl(channel: ChannelWithLive, session: ChannelSession): string | null {
    if (!session.thumbnailAt) return null;
    const file = `${THUMBNAIL_FILE}?v=${session.thumbnailAt.getTime()}`;
    return channel.visibility === 'private' ? this.signedUrl(session, file).url : `${mediaBaseUrl(this.options)}/${session.storagePrefix}/${file}`;
  }

  private sessionDto(channel: ChannelWithLive, session: ChannelSession): LiveSessionDto {
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
      latencyMode: session.latencyMode,
      playbackUrl: url,
      endReason: session.endReason,
      degraded: session.degradedReason !== null,
      thumbnailUrl: session.startedAt ? this.thumbnailUrl(channel, session) : null,
    };
  }

  private toDto(channel: ChannelWithLive): ChannelDto {
    const session = channel.liveSessions[0] ?? null;
    const live = session?.state === 'live' || (session?.state === 'reconnecting' && !!session.startedAt);
    const liveSession = session ? this.sessionDto(channel, session) : null;
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
      dvrWindowSeconds: channel.dvrWindowSeconds,
      embedOrigins: channel.embedOrigins,
      clipPolicy: channel.clipPolicy,
      createdAt: channel.createdAt.toISOString(),
      // An encoder drop within the reconnect window is still the same broadcast for viewers.
      status: live ? 'live' : 'offline',
      liveSession,
      thumbnailUrl: live ? (liveSession?.thumbnailUrl ?? null) : null,
      ...(channel.owner ? { owner: channel.owner } : {}),
    };
  }
}

const moderatorDto = (m: { userId: string; createdAt: Date; user: { email: string; displayName: string } }): Moderator => ({
  userId: m.userId,
  email: m.user.email,
  displayName: m.user.displayName,
  createdAt: m.createdAt.toISOString(),
});
