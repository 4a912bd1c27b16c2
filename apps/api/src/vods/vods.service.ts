import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  VOD_ENCODE_ATTEMPTS, VOD_FILES, type UpdateVod, type Vod as VodDto, type WorkerArchiveReport, type WorkerVodProgress, type WorkerVodResult,
} from '@onda/contracts';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import { hasScope, managesChannel, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../common/cursor.js';
import { API_OPTIONS, QUEUE, STORAGE, type ApiOptions } from '../common/tokens.js';
import { PlaybackSigner, playbackObjectUrl } from '../playback/playback-signer.js';
import { WebhookService } from '../webhooks/webhooks.service.js';
import { VodsRepository, type VodRecord, type VodWithChannel } from './vods.repository.js';

/** Archive duration may differ from the live media time by this much (last segment, AAC priming). */
const tolerance = (mediaSeconds: number): number => Math.max(2, mediaSeconds * 0.02);

/** VODs: created from recordings when a broadcast ends (or from uploads), encoded by the worker pool. */
@Injectable()
export class VodsService {
  private readonly logger = new Logger('Vods');
  private readonly signer: PlaybackSigner;

  constructor(
    private readonly repo: VodsRepository,
    private readonly webhooks: WebhookService,
    @Inject(QUEUE) private readonly queue: JobQueue,
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {
    this.signer = new PlaybackSigner(options.secret);
  }

  /**
   * A broadcast is over: its VOD (id = session id) appears at once with the live HLS as instant replay,
   * and the encode is queued; the worker joins the archive chunks first. No-op when the channel does not record.
   */
  async recordingFinished(session: { id: string; channelId: string; createdAt: Date; storagePrefix: string }, mediaSeconds?: number): Promise<void> {
    const channel = await this.repo.channel(session.channelId);
    if (!channel?.recording) return;
    const title = `${channel.title} · ${session.createdAt.toISOString().slice(0, 16).replace('T', ' ')}`;
    const vod = await this.repo.createForRecording({ id: session.id, channelId: session.channelId, title, replayPrefix: session.storagePrefix });
    if (!vod) return;
    await this.queueEncode(vod.id, VOD_FILES.source, mediaSeconds);
    this.logger.log(`VOD ${vod.id} created from the broadcast; encode queued`);
  }

  /**
   * Queues the VOD's encode from `vod/<id>/<sourceFile>` (recordings and uploads alike). The jobId makes a
   * repeated call a no-op while the job exists.
   */
  async queueEncode(vodId: string, sourceFile: string, expectedSeconds?: number): Promise<void> {
    const prefix = `vod/${vodId}`;
    await this.queue.enqueue(
      'vod-encode',
      { vodId, sourceKey: `${prefix}/${sourceFile}`, storagePrefix: prefix, ...(expectedSeconds === undefined ? {} : { expectedSeconds }) },
      { jobId: `vod-${vodId}`, attempts: VOD_ENCODE_ATTEMPTS, backoffMs: 2000 },
    );
  }

  async archive(id: string, r: WorkerArchiveReport): Promise<void> {
    await this.mustFind(id);
    if (r.status === 'failed') {
      await this.fail(id, `recording: ${r.reason}`);
      return;
    }
    // Checked here too: the API, not the worker, decides what counts as stored.
    const slack = r.takeoverSlack ?? { shortSeconds: 0, longSeconds: 0 };
    const tol = tolerance(r.mediaSeconds);
    if (r.bytes === 0 || r.durationSeconds < r.mediaSeconds - slack.shortSeconds - tol || r.durationSeconds > r.mediaSeconds + slack.longSeconds + tol) {
      await this.fail(id, `recording: archive of ${r.durationSeconds.toFixed(1)} s does not match ${r.mediaSeconds.toFixed(1)} s of broadcast`);
      return;
    }
    await this.repo.update(id, { sourceKey: r.key, sourceBytes: BigInt(r.bytes) });
  }

  async progress(id: string, p: WorkerVodProgress): Promise<void> {
    await this.repo.updateProcessing(id, { progressPercent: p.percent, etaSeconds: p.etaSeconds });
  }

  async result(id: string, r: WorkerVodResult): Promise<void> {
    const vod = await this.mustFind(id);
    if (r.status === 'failed') {
      await this.fail(id, r.reason);
      return;
    }
    const ready = await this.repo.update(id, {
      status: 'ready', durationSeconds: r.durationSeconds, width: r.width, height: r.height, renditions: r.renditions,
      progressPercent: 100, etaSeconds: 0, failureReason: null, readyAt: new Date(),
    });
    this.logger.log(`VOD ${id} ready (${r.renditions.join(', ')}, ${r.durationSeconds.toFixed(1)} s)`);
    // The webhook goes to the channel owner: a private channel's playback URL comes signed.
    const { playbackUrl } = await this.dto(ready, true);
    await this.emit(vod, 'vod.ready', { status: 'ready', durationSeconds: r.durationSeconds, playbackUrl });
  }

  async list(caller: Principal | null, q: { limit: number; cursor?: string; channel?: string; owner?: 'me' }): Promise<Page<VodDto>> {
    // The owner's view (every status, private channels, signed URLs, downloads) needs `vods:read` (finding 3).
    if (q.owner === 'me' && caller && !hasScope(caller, 'vods:read')) throw new AppError('forbidden', 'This credential lacks the scope vods:read');
    const principal = ownerView(caller);
    let channelId: string | undefined;
    let mine = q.owner === 'me' && principal !== null;
    let ownerId = mine ? principal!.user.id : undefined;
    if (q.channel) {
      const channel = await this.repo.channel(q.channel);
      if (!channel) throw new AppError('not_found', `No channel ${q.channel}`);
      channelId = channel.id;
      // A channel the caller manages (its own; an operator: any) lists as its owner sees it, whoever owns it.
      if (managesChannel(principal, channel)) {
        mine = true;
        ownerId = undefined;
      }
    }
    const rows = await this.repo.list({
      ownerId, channelId, publicOnly: !mine, limit: q.limit + 1, after: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    const page = toPage(rows, q.limit, (v) => v);
    return { items: await Promise.all(page.items.map((v) => this.dto(v, managesChannel(principal, { id: v.channelId, ownerId: v.channel.ownerId })))), nextCursor: page.nextCursor };
  }

  async read(caller: Principal | null, id: string): Promise<VodDto> {
    const principal = ownerView(caller);
    const vod = await this.repo.findWithChannel(id);
    const manager = !!vod && managesChannel(principal, { id: vod.channelId, ownerId: vod.channel.ownerId });
    if (vod && (vod.channel.visibility !== 'private' || manager)) return this.dto(vod, manager);
    throw new AppError('not_found', `No VOD ${id}`);
  }

  async update(principal: Principal, id: string, body: UpdateVod): Promise<VodDto> {
    await this.mustOwn(principal, id);
    return this.dto(await this.repo.update(id, { title: body.title }), true);
  }

  /** Deletes the VOD and everything it owns in storage (archive, source, ladder, poster, storyboard). */
  async delete(principal: Principal, id: string): Promise<void> {
    await this.mustOwn(principal, id);
    await this.storage.deletePrefix(`vod/${id}/`);
    await this.repo.delete(id);
  }

  /**
   * The VOD as the REST API shows it; `owner`: to someone who manages its channel (managesChannel: the owner or an
   * operator). They get signed media URLs for a private channel (the same `/media/s/<exp>.<sig>/<prefix>/...` scheme
   * as live playback; public and unlisted stay unsigned) and a download URL of the source.
   */
  async dto(v: VodWithChannel, owner: boolean): Promise<VodDto> {
    const sign = owner && v.channel.visibility === 'private';
    const exp = Math.floor(Date.now() / 1000) + (this.options.playbackTtlSeconds ?? 6 * 3600);
    const media = (prefix: string, path: string): string => playbackObjectUrl(this.signer, this.options, prefix, path, sign);
    const prefix = `vod/${v.id}`;
    const ready = v.status === 'ready';
    return {
      id: v.id, channelId: v.channelId, liveSessionId: v.liveSessionId, origin: v.origin, title: v.title, status: v.status,
      durationSeconds: v.durationSeconds, width: v.width, height: v.height, renditions: v.renditions,
      progressPercent: v.progressPercent, etaSeconds: v.etaSeconds, failureReason: v.failureReason,
      playbackUrl: ready ? media(prefix, VOD_FILES.master) : v.replayPrefix ? media(v.replayPrefix, 'master.m3u8') : null,
      posterUrl: ready ? media(prefix, VOD_FILES.poster) : null,
      storyboardUrl: ready ? media(prefix, VOD_FILES.storyboardVtt) : null,
      downloadUrl: owner && v.sourceKey ? await this.downloadUrl(v, v.sourceKey, exp) : null,
      createdAt: v.createdAt.toISOString(), readyAt: v.readyAt?.toISOString() ?? null,
    };
  }

  /**
   * A presigned storage URL when the store can make one (S3), else a signed URL of the API's media route;
   * either answers with `Content-Disposition: attachment`. An upload keeps the uploader's container, so its
   * name gets no extension (browsers add one from the stored Content-Type).
   */
  private async downloadUrl(v: VodRecord, key: string, exp: number): Promise<string> {
    const name = key.endsWith('.mp4') ? `${v.title}.mp4` : v.title;
    const presigned = await this.storage.presignGet(key, { expiresInSeconds: exp - Math.floor(Date.now() / 1000), downloadName: name });
    if (presigned) return presigned;
    // The name is signed with the key: a link cannot be re-used to serve the file under another name (finding 15).
    const token = this.signer.downloadToken(key, name, exp);
    return `${this.options.publicUrl}/media/s/${token}/${key}?name=${encodeURIComponent(name)}`;
  }

  /** Marks the VOD failed (once) and tells the owner's webhooks. */
  async fail(id: string, reason: string): Promise<void> {
    const vod = await this.mustFind(id);
    if (vod.status === 'failed') return;
    await this.repo.update(id, { status: 'failed', failureReason: reason.slice(0, 2000), etaSeconds: null });
    this.logger.error(`VOD ${id} failed: ${reason}`);
    await this.emit(vod, 'vod.failed', { status: 'failed', reason });
  }

  private async emit(vod: VodRecord, type: 'vod.ready' | 'vod.failed', extra: Record<string, unknown>): Promise<void> {
    const channel = await this.repo.channel(vod.channelId);
    if (channel) await this.webhooks.emit(channel.ownerId, type, { vodId: vod.id, channelId: vod.channelId, liveSessionId: vod.liveSessionId, ...extra });
  }

  private async mustFind(id: string): Promise<VodRecord> {
    const vod = await this.repo.find(id);
    if (!vod) throw new AppError('not_found', `No VOD ${id}`);
    return vod;
  }

  /** A VOD of a channel the caller manages (managesChannel), or 404 (another account's VOD is none of the caller's business). */
  async mustOwn(principal: Principal, id: string): Promise<VodWithChannel> {
    const vod = await this.repo.findWithChannel(id);
    if (!vod || !managesChannel(principal, { id: vod.channelId, ownerId: vod.channel.ownerId })) throw new AppError('not_found', `No VOD ${id}`);
    return vod;
  }
}

/** The caller as far as VOD reads go: without `vods:read` a credential sees what anonymous viewers see. */
const ownerView = (principal: Principal | null): Principal | null => (principal && hasScope(principal, 'vods:read') ? principal : null);
