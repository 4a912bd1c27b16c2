import { Inject, Injectable } from '@nestjs/common';
import type { Channel as ChannelDto, CreateChannel, LiveSession as LiveSessionDto, StreamKey as StreamKeyDto } from '@onda/contracts';
import type { LiveSession, User } from '@onda/db';
import { AppError } from '../common/app-error.js';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { ChannelsRepository, type ChannelWithLive } from './channels.repository.js';
import { StreamKeyCrypto } from './stream-key.crypto.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const encodeCursor = (c: { createdAt: Date; id: string }) => Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw new AppError('validation_failed', 'cursor: not a cursor returned by this API');
  return { createdAt, id };
}

@Injectable()
export class ChannelsService {
  private readonly keys: StreamKeyCrypto;

  constructor(
    private readonly repo: ChannelsRepository,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {
    this.keys = new StreamKeyCrypto(options.secret);
  }

  async create(owner: User, input: CreateChannel): Promise<ChannelDto> {
    if (await this.repo.slugTaken(input.slug)) throw new AppError('conflict', `The slug "${input.slug}" is already taken`);
    const channel = await this.repo.create({ ownerId: owner.id, slug: input.slug, title: input.title, passthrough: input.passthrough ?? false, key: this.newKey().stored }).catch((e: unknown) => {
      // Two creates racing for one slug: the unique index decides, the loser gets a conflict.
      if ((e as { code?: string }).code === 'P2002') throw new AppError('conflict', `The slug "${input.slug}" is already taken`);
      throw e;
    });
    return this.toDto(channel);
  }

  async get(idOrSlug: string): Promise<ChannelDto> {
    return this.toDto(await this.find(idOrSlug));
  }

  async list(opts: { limit: number; cursor?: string; live?: boolean }): Promise<Page<ChannelDto>> {
    const rows = await this.repo.list({ limit: opts.limit + 1, liveOnly: opts.live ?? false, ...(opts.cursor ? { after: decodeCursor(opts.cursor) } : {}) });
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return { items: page.map((c) => this.toDto(c)), nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null };
  }

  async streamKey(owner: User, idOrSlug: string): Promise<StreamKeyDto> {
    const channel = await this.findOwned(owner, idOrSlug);
    const key = await this.repo.activeKey(channel.id);
    if (!key) throw new AppError('not_found', 'This channel has no active stream key; rotate to create one');
    return { streamKey: this.keys.decrypt(key.keyCiphertext), rtmpUrl: this.options.rtmpPublicUrl, createdAt: key.createdAt.toISOString() };
  }

  async rotateKey(owner: User, idOrSlug: string): Promise<StreamKeyDto> {
    const channel = await this.findOwned(owner, idOrSlug);
    const { plain, stored } = this.newKey();
    const key = await this.repo.rotateKey(channel.id, stored);
    return { streamKey: plain, rtmpUrl: this.options.rtmpPublicUrl, createdAt: key.createdAt.toISOString() };
  }

  playbackUrl(session: Pick<LiveSession, 'storagePrefix'>): string {
    return `${this.options.mediaBaseUrl}/${session.storagePrefix}/master.m3u8`;
  }

  sessionDto(session: LiveSession): LiveSessionDto {
    return {
      id: session.id,
      channelId: session.channelId,
      state: session.state,
      createdAt: session.createdAt.toISOString(),
      startedAt: session.startedAt?.toISOString() ?? null,
      endedAt: session.endedAt?.toISOString() ?? null,
      renditions: session.renditions,
      // The master playlist exists only once every rendition has a segment in storage.
      playbackUrl: session.startedAt ? this.playbackUrl(session) : null,
      endReason: session.endReason,
    };
  }

  private async find(idOrSlug: string): Promise<ChannelWithLive> {
    const channel = await this.repo.findBySlugOrId(idOrSlug);
    if (!channel) throw new AppError('not_found', `No channel "${idOrSlug}"`);
    return channel;
  }

  /** Someone else's channel answers 404, not 403: its existence is not theirs to learn. */
  private async findOwned(owner: User, idOrSlug: string): Promise<ChannelWithLive> {
    const channel = await this.repo.findBySlugOrId(idOrSlug);
    if (!channel || (channel.ownerId !== owner.id && owner.role !== 'admin')) throw new AppError('not_found', `No channel "${idOrSlug}"`);
    return channel;
  }

  private newKey(): { plain: string; stored: { keyHash: string; keyCiphertext: string; keyPrefix: string } } {
    const plain = this.keys.generate();
    return { plain, stored: { keyHash: this.keys.hash(plain), keyCiphertext: this.keys.encrypt(plain), keyPrefix: plain.slice(0, 9) } };
  }

  private toDto(channel: ChannelWithLive): ChannelDto {
    const session = channel.liveSessions[0] ?? null;
    return {
      id: channel.id,
      slug: channel.slug,
      title: channel.title,
      passthrough: channel.passthrough,
      createdAt: channel.createdAt.toISOString(),
      status: session?.state === 'live' ? 'live' : 'offline',
      liveSession: session ? this.sessionDto(session) : null,
    };
  }
}
