import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CLIP_ATTEMPTS, CLIP_FILES, LIVE_CLIP_REACH_SECONDS, LIVE_CLIP_SECONDS, VOD_CLIP_SECONDS,
  type Clip as ClipDto, type ClipJob, type CreateClip, type UpdateClip, type WorkerClipResult,
} from '@onda/contracts';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import { hasScope, managesChannel, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../common/cursor.js';
import type { RateLimiter } from '../common/rate-limit.js';
import { API_OPTIONS, QUEUE, STORAGE, type ApiOptions } from '../common/tokens.js';
import { PlaybackSigner, playbackObjectUrl } from '../playback/playback-signer.js';
import { clipJob, clipRendition, playlistSeconds } from './clip-source.js';
import { ClipsRepository, type ClipChannel, type ClipWithChannel } from './clips.repository.js';

export const CLIP_LIMITER = Symbol('CLIP_LIMITER');
/** Clips one account may make per window (ApiOptions.clips.rateLimit): enough for a person, not for a script. */
export const CLIP_LIMIT = { limit: 10, windowMs: 10 * 60_000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A view from the same address counts again after this long (per API node). */
const VIEW_REPEAT_MS = 30 * 60_000;

/** Clips: cut by the worker from a broadcast's or a VOD's stored HLS, watched on their own page. */
@Injectable()
export class ClipsService {
  private readonly logger = new Logger('Clips');
  private readonly signer: PlaybackSigner;
  private readonly views = new Map<string, number>();

  constructor(
    private readonly repo: ClipsRepository,
    @Inject(QUEUE) private readonly queue: JobQueue,
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    @Inject(CLIP_LIMITER) private readonly limiter: RateLimiter,
  ) {
    this.signer = new PlaybackSigner(options.secret);
  }

  async create(principal: Principal, body: CreateClip): Promise<ClipDto> {
    const id = randomUUID();
    const made = body.kind === 'live' ? await this.planLive(principal, id, body) : await this.planVod(principal, id, body);
    // Counted once the request is sound: a viewer fixing a bad range is not charged for it.
    const verdict = await this.limiter.hit(`clips:user:${principal.user.id}`);
    if (!verdict.allowed) {
      throw new AppError('rate_limited', `Too many clips; retry in ${verdict.retryAfterSeconds} s`, [{ path: 'retryAfter', message: String(verdict.retryAfterSeconds) }]);
    }
    const clip = await this.repo.create({
      id, channelId: made.channel.id, creatorId: principal.user.id, title: body.title ?? made.channel.title,
      requestedSeconds: made.job.durationSeconds, ...made.source,
    });
    await this.queue.enqueue('clip', made.job, { jobId: `clip-${id}`, attempts: CLIP_ATTEMPTS, backoffMs: 2000 });
    this.logger.log(`clip ${id} of ${made.channel.slug} queued (${made.job.durationSeconds.toFixed(1)} s)`);
    return this.dto(clip, principal);
  }

  private async planLive(principal: Principal, id: string, body: Extract<CreateClip, { kind: 'live' }>): Promise<Planned> {
    const channel = this.mayClip(principal, await this.repo.channel(body.channel), `No channel ${body.channel}`);
    lengthWithin(body.durationSeconds, LIVE_CLIP_SECONDS);
    const behind = body.behindLiveSeconds ?? 0;
    const reach = Math.max(channel.dvrWindowSeconds, LIVE_CLIP_REACH_SECONDS);
    if (behind + body.durationSeconds > reach + 1) {
      throw new AppError('unprocessable', `A live clip may reach ${reach} s behind the live edge; this one reaches ${Math.round(behind + body.durationSeconds)} s`);
    }
    const session = await this.repo.liveSession(channel.id);
    if (!session) throw new AppError('conflict', 'The channel is not live');
    const rendition = await clipRendition(this.storage, session.storagePrefix, 'master.m3u8');
    if (!rendition) throw new AppError('conflict', 'The broadcast has no video stored yet');
    const end = playlistSeconds(rendition.playlist) - behind;
    if (end - body.durationSeconds < 0) {
      throw new AppError('unprocessable', `Only ${Math.floor(Math.max(0, end))} s of the broadcast are available to clip here`);
    }
    return { channel, job: clipJob(id, rendition, end - body.durationSeconds, end), source: { liveSessionId: session.id } };
  }

  private async planVod(principal: Principal, id: string, body: Extract<CreateClip, { kind: 'vod' }>): Promise<Planned> {
    const vod = await this.repo.vod(body.vodId);
    const channel = this.mayClip(principal, vod?.channel ?? null, `No VOD ${body.vodId}`);
    lengthWithin(body.endSeconds - body.startSeconds, VOD_CLIP_SECONDS);
    if (vod!.status !== 'ready') throw new AppError('conflict', 'The VOD is not ready yet; clip it once it is');
    if (body.endSeconds > (vod!.durationSeconds ?? 0) + 0.5) {
      throw new AppError('unprocessable', `The range ends after the VOD (${(vod!.durationSeconds ?? 0).toFixed(1)} s)`);
    }
    const rendition = await clipRendition(this.storage, `vod/${vod!.id}/hls`, 'master.m3u8');
    if (!rendition) throw new AppError('conflict', 'The VOD has no stored renditions');
    return { channel, job: clipJob(id, rendition, body.startSeconds, body.endSeconds), source: { vodId: vod!.id } };
  }

  /** The channel if the caller may clip it: 404 when they cannot see it, 403 when its policy says no. */
  private mayClip(principal: Principal, channel: ClipChannel | null, missing: string): ClipChannel {
    // Asked only where it matters: an operator clipping a public channel like any viewer is no reach into it.
    const owner = () => !!channel && managesChannel(principal, channel);
    // Clips of a private channel are private: only its owner (and operators) make and see them.
    if (!channel || (channel.visibility === 'private' && !owner())) throw new AppError('not_found', missing);
    if (channel.clipPolicy === 'off') throw new AppError('forbidden', 'This channel does not allow clips');
    if (channel.clipPolicy === 'owner' && !owner()) throw new AppError('forbidden', 'Only the channel owner may clip this channel');
    return channel;
  }

  async read(caller: Principal | null, id: string): Promise<ClipDto> {
    return this.dto(await this.visible(caller, id), caller);
  }

  async list(caller: Principal | null, q: { limit: number; cursor?: string; channel?: string }): Promise<Page<ClipDto>> {
    let channelId: string | undefined;
    let everything = false;
    if (q.channel) {
      const channel = await this.repo.channel(q.channel);
      const owner = channel !== null && isOwner(caller, channel);
      if (!channel || (channel.visibility === 'private' && !owner)) throw new AppError('not_found', `No channel ${q.channel}`);
      channelId = channel.id;
      everything = owner;
    }
    const rows = await this.repo.list({ channelId, everything, publicOnly: !channelId, limit: q.limit + 1, after: q.cursor ? decodeCursor(q.cursor) : undefined });
    const page = toPage(rows, q.limit, (c) => c);
    return { items: page.items.map((c) => this.dto(c, caller)), nextCursor: page.nextCursor };
  }

  /** Rename or hide (moderation): the channel owner's. */
  async update(principal: Principal, id: string, body: UpdateClip): Promise<ClipDto> {
    const clip = await this.repo.find(id);
    if (!clip || !managesChannel(principal, { id: clip.channelId, ownerId: clip.channel.ownerId })) throw new AppError('not_found', `No clip ${id}`);
    return this.dto(await this.repo.update(id, body), principal);
  }

  /** Deletes the clip and its files: the channel owner's right, and the right of whoever made it. */
  async delete(principal: Principal, id: string): Promise<void> {
    const clip = await this.repo.find(id);
    const allowed = clip && ((clip.creatorId === principal.user.id && clip.channel.visibility !== 'private') || managesChannel(principal, { id: clip.channelId, ownerId: clip.channel.ownerId }));
    if (!allowed) throw new AppError('not_found', `No clip ${id}`);
    await this.storage.deletePrefix(`clip/${id}/`);
    await this.repo.delete(id);
  }

  /** One view of the clip's page; the same address counts once per half hour. */
  async view(caller: Principal | null, id: string, address: string): Promise<void> {
    await this.visible(caller, id);
    const key = `${id}|${address}`;
    const now = Date.now();
    if ((this.views.get(key) ?? 0) > now - VIEW_REPEAT_MS) return;
    if (this.views.size > 100_000) this.views.clear();
    this.views.set(key, now);
    await this.repo.countView(id);
  }

  async result(id: string, r: WorkerClipResult): Promise<void> {
    if (!(await this.repo.exists(id))) throw new AppError('not_found', `No clip ${id}`);
    const done = r.status === 'ready'
      ? await this.repo.finish(id, { status: 'ready', durationSeconds: r.durationSeconds, width: r.width, height: r.height, readyAt: new Date() })
      : await this.repo.finish(id, { status: 'failed', failureReason: r.reason.slice(0, 2000) });
    if (done) this.logger.log(`clip ${id} ${r.status}${r.status === 'ready' ? ` (${r.durationSeconds.toFixed(2)} s)` : `: ${r.reason}`}`);
  }

  /** The clip if the caller may see it: anyone, unless its channel is private or the owner hid it (then the owner only). */
  private async visible(caller: Principal | null, id: string): Promise<ClipWithChannel> {
    // Page paths (`/clip/<anything>`) reach here too: only a UUID can name a clip.
    const clip = UUID.test(id) ? await this.repo.find(id) : null;
    if (clip && ((clip.channel.visibility !== 'private' && !clip.hidden) || isOwner(caller, { id: clip.channelId, ownerId: clip.channel.ownerId }))) return clip;
    throw new AppError('not_found', `No clip ${id}`);
  }

  dto(c: ClipWithChannel, caller: Principal | null): ClipDto {
    const owner = isOwner(caller, { id: c.channelId, ownerId: c.channel.ownerId });
    // What the media route would refuse unsigned (private channel, hidden clip) comes signed, to the owner only.
    const sign = c.channel.visibility === 'private' || c.hidden;
    const prefix = `clip/${c.id}`;
    const media = (path: string): string | null => (c.status === 'ready' ? playbackObjectUrl(this.signer, this.options, prefix, path, sign) : null);
    return {
      id: c.id, channelId: c.channelId, channelSlug: c.channel.slug, channelTitle: c.channel.title, liveSessionId: c.liveSessionId, vodId: c.vodId,
      title: c.title, status: c.status, hidden: c.hidden, requestedSeconds: c.requestedSeconds, durationSeconds: c.durationSeconds,
      width: c.width, height: c.height, viewCount: c.viewCount, failureReason: owner ? c.failureReason : null,
      playbackUrl: media(CLIP_FILES.playlist), mp4Url: media(CLIP_FILES.mp4), posterUrl: media(CLIP_FILES.poster),
      pageUrl: `${this.options.publicUrl}/clip/${c.id}`, embedUrl: `${this.options.publicUrl}/embed/clip/${c.id}`,
      canModerate: owner, createdAt: c.createdAt.toISOString(), readyAt: c.readyAt?.toISOString() ?? null,
    };
  }
}

interface Planned {
  channel: ClipChannel;
  job: ClipJob;
  source: { liveSessionId: string } | { vodId: string };
}

function lengthWithin(seconds: number, bounds: { min: number; max: number }): void {
  if (seconds < bounds.min - 0.001) throw new AppError('unprocessable', `A clip is at least ${bounds.min} s long; this one is ${seconds.toFixed(1)} s`);
  if (seconds > bounds.max + 0.001) throw new AppError('unprocessable', `A clip is at most ${bounds.max} s long; this one is ${seconds.toFixed(1)} s`);
}

/** Who manages the channel (its owner; an operator), with a credential that may manage clips (a narrower token sees what anyone sees). */
const isOwner = (caller: Principal | null, channel: { id: string; ownerId: string }): boolean => caller !== null && hasScope(caller, 'clips:write') && managesChannel(caller, channel);
