import type { Channel, Clip, CreateClip, LiveSession, UpdateClip, Vod } from '@onda/contracts';
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
    dvrWindowSeconds: 300,
    embedOrigins: [],
    clipPolicy: 'viewers',
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
    latencyMode: 'normal',
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

  clips = new Map<string, Clip>();
  created: CreateClip[] = [];
  views: string[] = [];
  async createClip(body: CreateClip): Promise<Clip> {
    if (this.failWith) throw this.failWith;
    this.created.push(body);
    const clip = makeClip({ id: `clip-${this.created.length}`, status: 'processing', title: body.title ?? 'clip' });
    this.clips.set(clip.id, clip);
    return clip;
  }
  async getClip(id: string): Promise<Clip> {
    const clip = this.clips.get(id);
    if (!clip) throw new ApiError('not_found', 404, `no clip ${id}`);
    return clip;
  }
  /** Pages of `limit` by the clip's position in `clips` (the cursor is the next index). */
  async listChannelClips(idOrSlug: string, limit: number, cursor?: string): Promise<Page<Clip>> {
    if (this.failWith) throw this.failWith;
    const items = [...this.clips.values()].filter((c) => c.channelSlug === idOrSlug || c.channelId === idOrSlug);
    const start = cursor ? Number(cursor) : 0;
    return { items: items.slice(start, start + limit), nextCursor: start + limit < items.length ? String(start + limit) : null };
  }
  async countClipView(id: string): Promise<void> {
    this.views.push(id);
  }
  async updateClip(id: string, body: UpdateClip): Promise<Clip> {
    const clip = { ...(await this.getClip(id)), ...body };
    this.clips.set(id, clip);
    return clip;
  }
  async deleteClip(id: string): Promise<void> {
    this.clips.delete(id);
  }
}

/** A ready clip of the `night` channel, with overrides. */
export function makeClip(overrides: Partial<Clip> = {}): Clip {
  const id = overrides.id ?? 'clip-1';
  return {
    id, channelId: 'ch-1', channelSlug: 'night', channelTitle: 'Night radio', liveSessionId: null, vodId: 'vod-1', title: 'Great moment', status: 'ready', hidden: false,
    requestedSeconds: 30, durationSeconds: 31.2, width: 1280, height: 720, viewCount: 12, failureReason: null,
    playbackUrl: `/media/clip/${id}/hls/index.m3u8`, mp4Url: `/media/clip/${id}/clip.mp4`, posterUrl: `/media/clip/${id}/poster.jpg`,
    pageUrl: `http://localhost/clip/${id}`, embedUrl: `http://localhost/embed/clip/${id}`, canModerate: false,
    createdAt: '2026-01-01T00:00:00.000Z', readyAt: '2026-01-01T00:00:05.000Z', ...overrides,
  };
}
