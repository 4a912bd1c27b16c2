import type { Channel, LiveSession, Vod } from '@onda/contracts';
import { ApiError, type Page, type ViewerApi } from '../api/client';

let counter = 0;
function uuid(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/** A valid offline channel; pass `liveSession` to make it live. */
export function makeChannel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: uuid(),
    slug: 'test',
    title: 'Test channel',
    passthrough: false,
    description: '',
    visibility: 'public',
    recording: true,
    reconnectWindowSeconds: 30,
    latencyMode: 'normal',
    ladderProfile: 'default',
    createdAt: '2026-01-01T00:00:00.000Z',
    status: 'offline',
    liveSession: null,
    ...overrides,
  };
}

/** A live session of `channel` with a playback URL. */
export function makeLiveSession(channelId: string, overrides: Partial<LiveSession> = {}): LiveSession {
  const id = uuid();
  return {
    id,
    channelId,
    state: 'live',
    createdAt: '2026-01-01T09:00:00.000Z',
    startedAt: '2026-01-01T09:00:05.000Z',
    endedAt: null,
    renditions: ['720p', '480p', '360p'],
    playbackUrl: `/media/live/${id}/master.m3u8`,
    endReason: null,
    ...overrides,
  };
}

/** A ready VOD of `channelId` with playback, poster and storyboard URLs. */
export function makeVod(channelId: string, overrides: Partial<Vod> = {}): Vod {
  const id = uuid();
  return {
    id,
    channelId,
    liveSessionId: id,
    origin: 'recording',
    title: 'Test VOD',
    status: 'ready',
    durationSeconds: 30,
    width: 1280,
    height: 720,
    renditions: ['720p', '480p'],
    progressPercent: 100,
    etaSeconds: 0,
    failureReason: null,
    playbackUrl: `/media/vod/${id}/hls/master.m3u8`,
    posterUrl: `/media/vod/${id}/poster.jpg`,
    storyboardUrl: `/media/vod/${id}/storyboard.vtt`,
    downloadUrl: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    readyAt: '2026-01-01T10:01:00.000Z',
    ...overrides,
  };
}

/** An in-memory ViewerApi whose answers tests change between polls. */
export class FakeViewerApi implements ViewerApi {
  channels = new Map<string, Channel>();
  vods = new Map<string, Vod>();
  /** Storyboard WebVTT texts by URL. */
  storyboards = new Map<string, string>();
  failWith: Error | null = null;

  async listLiveChannels(): Promise<Page<Channel>> {
    if (this.failWith) throw this.failWith;
    return { items: [...this.channels.values()].filter((c) => c.status === 'live'), nextCursor: null };
  }

  async getChannel(slug: string): Promise<Channel> {
    if (this.failWith) throw this.failWith;
    const channel = this.channels.get(slug);
    if (!channel) throw new ApiError('not_found', 404, `no channel ${slug}`);
    return channel;
  }

  async getVod(id: string): Promise<Vod> {
    if (this.failWith) throw this.failWith;
    const vod = this.vods.get(id);
    if (!vod) throw new ApiError('not_found', 404, `no VOD ${id}`);
    return vod;
  }

  async listChannelVods(idOrSlug: string, limit: number): Promise<Page<Vod>> {
    const channel = [...this.channels.values()].find((c) => c.slug === idOrSlug || c.id === idOrSlug);
    if (!channel) throw new ApiError('not_found', 404, `no channel ${idOrSlug}`);
    const items = [...this.vods.values()].filter((v) => v.channelId === channel.id && v.status === 'ready');
    return { items: items.slice(0, limit), nextCursor: null };
  }

  async getStoryboard(url: string): Promise<string> {
    const text = this.storyboards.get(url);
    if (text === undefined) throw new ApiError('not_found', 404, `no storyboard ${url}`);
    return text;
  }
}
