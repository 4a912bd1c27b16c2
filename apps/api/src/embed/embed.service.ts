import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { API_OPTIONS, type ApiOptions } from '../common/tokens.js';
import { ChannelsService } from '../channels/channels.service.js';
import { VodsService } from '../vods/vods.service.js';
import { ClipsService } from '../clips/clips.service.js';
import { sharedPage, type PageMeta, type SharedPage } from './page-meta.js';

/** The oEmbed 1.0 answer of a video (https://oembed.com, section 2.3.4). */
export interface OEmbedVideo {
  version: '1.0';
  type: 'video';
  title: string;
  author_name: string;
  author_url: string;
  provider_name: 'Onda';
  provider_url: string;
  html: string;
  width: number;
  height: number;
  thumbnail_url?: string;
}

/** What the web-app route needs for one shared page: its tags, and who may frame it. */
export interface PageInfo {
  meta: PageMeta;
  /** Origins allowed to frame it (embed pages only), or null: nobody. */
  frameAncestors: string[] | null;
}

const DefaultWidth = 640;
const MaxSide = 4096;

/**
 * Sharing and embedding (issue 15): oEmbed answers and the per-page tags and frame-ancestors of channel and
 * VOD pages. Reads go through the channel and VOD services as an anonymous viewer, so a private channel or
 * VOD is never described nor framed.
 */
@Injectable()
export class EmbedService {
  constructor(
    private readonly channels: ChannelsService,
    private readonly vods: VodsService,
    private readonly clips: ClipsService,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  /** oEmbed for a channel or VOD page URL of this site; `t` of a VOD URL starts the embed there. */
  async oembed(url: string, maxWidth?: number, maxHeight?: number): Promise<OEmbedVideo> {
    const parsed = this.ownUrl(url);
    const page = parsed ? sharedPage(parsed.pathname) : null;
    if (!parsed || !page) throw new AppError('not_found', 'Not a channel or video page of this site');
    const info = await this.describe(page);
    if (!info) throw new AppError('not_found', 'No such public channel or video');
    const start = page.kind === 'vod' ? startSeconds(parsed.searchParams.get('t')) : 0;
    const src = start > 0 ? `${info.meta.embedUrl}?t=${start}` : info.meta.embedUrl;
    // 16:9, shrunk to fit both limits.
    let width = Math.min(maxWidth ?? DefaultWidth, MaxSide);
    let height = Math.round((width * 9) / 16);
    if (maxHeight !== undefined && height > maxHeight) {
      height = maxHeight;
      width = Math.round((height * 16) / 9);
    }
    const title = info.meta.title.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    return {
      version: '1.0',
      type: 'video',
      title: info.meta.title,
      author_name: info.author.name,
      author_url: info.author.url,
      provider_name: 'Onda',
      provider_url: this.base(),
      html: `<iframe src="${src}" width="${width}" height="${height}" title="${title}" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`,
      width,
      height,
      ...(info.meta.image ? { thumbnail_url: info.meta.image } : {}),
    };
  }

  /** Tags and framing rules for a path of the web app; null for pages that are not shared (home, console...). */
  async page(pathname: string): Promise<PageInfo | null> {
    const page = sharedPage(pathname);
    if (!page) return null;
    const info = await this.describe(page);
    if (!info) return null;
    return { meta: info.meta, frameAncestors: page.embed ? info.embedOrigins : null };
  }

  private async describe(page: SharedPage): Promise<{ meta: PageMeta; author: { name: string; url: string }; embedOrigins: string[] } | null> {
    const base = this.base();
    try {
      if (page.kind === 'channel') {
        const channel = await this.channels.get(null, page.slug);
        const path = `/c/${channel.slug}`;
        return {
          // The newest live thumbnail while live (a versioned URL: link previews refetch a fresh picture).
          meta: this.meta(path, channel.title, channel.description || `${channel.title} · live on Onda`, channel.thumbnailUrl ?? null),
          author: { name: channel.title, url: `${base}${path}` },
          embedOrigins: channel.embedOrigins,
        };
      }
      if (page.kind === 'clip') {
        const clip = await this.clips.read(null, page.id);
        const channel = await this.channels.get(null, clip.channelId);
        return {
          meta: this.meta(`/clip/${clip.id}`, clip.title, `${channel.title} · Onda`, clip.posterUrl),
          author: { name: channel.title, url: `${base}/c/${channel.slug}` },
          embedOrigins: channel.embedOrigins,
        };
      }
      const vod = await this.vods.read(null, page.id);
      const channel = await this.channels.get(null, vod.channelId);
      return {
        meta: this.meta(`/v/${vod.id}`, vod.title, `${channel.title} · Onda`, vod.posterUrl),
        author: { name: channel.title, url: `${base}/c/${channel.slug}` },
        embedOrigins: channel.embedOrigins,
      };
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return null;
      throw error;
    }
  }

  private meta(path: string, title: string, description: string, image: string | null): PageMeta {
    const base = this.base();
    const url = `${base}${path}`;
    return { title, description, url, image, embedUrl: `${base}/embed${path}`, oembedUrl: `${base}/v1/oembed?url=${encodeURIComponent(url)}&format=json` };
  }

  private base(): string {
    return this.options.publicUrl.replace(/\/$/, '');
  }

  /** The URL when it points at this site (same origin as PUBLIC_URL), else null. */
  private ownUrl(url: string): URL | null {
    try {
      const parsed = new URL(url);
      return parsed.origin === new URL(this.base()).origin ? parsed : null;
    } catch {
      return null;
    }
  }
}

/** `?t=` as whole seconds: `90`, `90s`, `1m30s`; anything else is 0. */
function startSeconds(value: string | null): number {
  if (!value) return 0;
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(value);
  if (!match) return 0;
  const seconds = Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  return Number.isFinite(seconds) ? Math.min(seconds, 86_400 * 7) : 0;
}
