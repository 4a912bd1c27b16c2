import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  VOD_ENCODE_ATTEMPTS, VOD_FILES, type UpdateVod, type Vod as VodDto, type WorkerArchiveReport, type WorkerVodProgress, type WorkerVodResult,
} from '@onda/contracts';
import type { LiveSession, Vod } from '@onda/db';
import type { JobQueue } from '@onda/queue';
import type { ObjectStorage } from '@onda/storage';
import type { Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../common/cursor.js';
import { API_OPTIONS, QUEUE, STORAGE, type ApiOptions } from '../common/tokens.js';
import { WebhookService } from '../webhooks/webhooks.service.js';
import { VodsRepository } from './vods.repository.js';

/** Archive duration may differ from the live media time by this much (last segment, AAC priming). */
const tolerance = (mediaSeconds: number): number => Math.max(2, mediaSeconds * 0.02);

/** VODs: created from recordings when a broadcast ends (or from uploads), encoded by the worker pool. */
@Injectable()
export class VodsService {
  private readonly logger = new Logger('Vods');

  constructor(
    private readonly repo: VodsRepository,
    private readonly webhooks: WebhookService,
    @Inject(QUEUE) private readonly queue: JobQueue,
    @Inject(STORAGE) private readonly storage: ObjectStorage,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  /**
   * A broadcast is over: its VOD (id = session id) appears at once with the live HLS as instant replay,
   * and the encode is queued; the worker joins the archive chunks first. No-op when the channel does not record.
   */
  async recordingFinished(session: LiveSession, mediaSeconds?: number): Promise<void> {
    const channel = await this.repo.channel(session.channelId);
    if (!channel?.recording) return;
    const title = `${channel.title} · ${session.createdAt.toISOString().slice(0, 16).replace('T', ' ')}`;
    const vod = await this.repo.createForRecording({ id: session.id, channelId: session.channelId, title, replayPrefix: session.storagePrefix });
    if (!vod) return;
    const prefix = `vod/${vod.id}`;
    await this.queue.enqueue(
      'vod-encode',
      { vodId: vod.id, sourceKey: `${prefix}/${VOD_FILES.source}`, storagePrefix: prefix, ...(mediaSeconds === undefined ? {} : { expectedSeconds: mediaSeconds }) },
      { jobId: `vod-${vod.id}`, attempts: VOD_ENCODE_ATTEMPTS, backoffMs: 2000 },
    );
    this.logger.log(`VOD ${vod.id} created from the broadcast; encode queued`);
  }

  async archive(id: string, r: WorkerArchiveReport): Promise<void> {
    await this.mustFind(id);
    if (r.status === 'failed') {
      await this.fail(id, `recording: ${r.reason}`);
      return;
    }
    // Checked here too: the API, not the worker, decides what counts as stored.
    if (r.bytes === 0 || Math.abs(r.durationSeconds - r.mediaSeconds) > tolerance(r.mediaSeconds)) {
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
    await this.emit(vod, 'vod.ready', { status: 'ready', durationSeconds: r.durationSeconds, playbackUrl: this.dto(ready).playbackUrl });
  }

  async list(principal: Principal | null, q: { limit: number; cursor?: string; channel?: string; owner?: 'me' }): Promise<Page<VodDto>> {
    let channelId: string | undefined;
    let mine = q.owner === 'me' && principal !== null;
    if (q.channel) {
      const channel = await this.repo.channel(q.channel);
      if (!channel) throw new AppError('not_found', `No channel ${q.channel}`);
      channelId = channel.id;
      mine ||= principal?.user.id === channel.ownerId;
    }
    const rows = await this.repo.list({
      ownerId: mine ? principal!.user.id : undefined, channelId, publicOnly: !mine, limit: q.limit + 1, after: q.cursor ? decodeCursor(q.cursor) : undefined,
    });
    return toPage(rows, q.limit, (v) => this.dto(v));
  }

  async read(principal: Principal | null, id: string): Promise<VodDto> {
    const vod = await this.repo.find(id);
    if (vod) {
      const channel = await this.repo.channel(vod.channelId);
      if (channel && (channel.visibility !== 'private' || channel.ownerId === principal?.user.id)) return this.dto(vod);
    }
    throw new AppError('not_found', `No VOD ${id}`);
  }

  async update(principal: Principal, id: string, body: UpdateVod): Promise<VodDto> {
    await this.mustOwn(principal, id);
    return this.dto(await this.repo.update(id, { title: body.title }));
  }

  /** Deletes the VOD and everything it owns in storage (archive, source, ladder, poster, storyboard). */
  async delete(principal: Principal, id: string): Promise<void> {
    await this.mustOwn(principal, id);
    await this.storage.deletePrefix(`vod/${id}/`);
    await this.repo.delete(id);
  }

  /** The VOD as the REST API shows it. */
  dto(v: Vod): VodDto {
    const base = `${this.options.mediaBaseUrl}/vod/${v.id}`;
    const ready = v.status === 'ready';
    return {
      id: v.id, channelId: v.channelId, liveSessionId: v.liveSessionId, origin: v.origin, title: v.title, status: v.status,
      durationSeconds: v.durationSeconds, width: v.width, height: v.height, renditions: v.renditions,
      progressPercent: v.progressPercent, etaSeconds: v.etaSeconds, failureReason: v.failureReason,
      playbackUrl: ready ? `${base}/${VOD_FILES.master}` : v.replayPrefix ? `${this.options.mediaBaseUrl}/${v.replayPrefix}/master.m3u8` : null,
      posterUrl: ready ? `${base}/${VOD_FILES.poster}` : null,
      storyboardUrl: ready ? `${base}/${VOD_FILES.storyboardVtt}` : null,
      createdAt: v.createdAt.toISOString(), readyAt: v.readyAt?.toISOString() ?? null,
    };
  }

  private async fail(id: string, reason: string): Promise<void> {
    const vod = await this.mustFind(id);
    if (vod.status === 'failed') return;
    await this.repo.update(id, { status: 'failed', failureReason: reason.slice(0, 2000), etaSeconds: null });
    this.logger.error(`VOD ${id} failed: ${reason}`);
    await this.emit(vod, 'vod.failed', { status: 'failed', reason });
  }

  private async emit(vod: Vod, type: 'vod.ready' | 'vod.failed', extra: Record<string, unknown>): Promise<void> {
    const channel = await this.repo.channel(vod.channelId);
    if (channel) await this.webhooks.emit(channel.ownerId, type, { vodId: vod.id, channelId: vod.channelId, liveSessionId: vod.liveSessionId, ...extra });
  }

  private async mustFind(id: string): Promise<Vod> {
    const vod = await this.repo.find(id);
    if (!vod) throw new AppError('not_found', `No VOD ${id}`);
    return vod;
  }

  private async mustOwn(principal: Principal, id: string): Promise<Vod> {
    const vod = await this.repo.findForOwner(principal.user.id, id);
    if (!vod) throw new AppError('not_found', `No VOD ${id}`);
    return vod;
  }
}
