import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LadderProfiles, liveSourceProblem, redactStreamKey, type LadderProfile } from '@onda/contracts';
import type { IngestAuthorize, IngestAuthorizeResult, IngestSessionView, IngestStarted, LiveSessionDetail, LiveSessionState, WorkerEvent, WorkerSessionView } from '@onda/contracts';
import type { JobQueue } from '@onda/queue';
import { managesChannel, type Principal } from '../auth/auth.context.js';
import { AppError } from '../common/app-error.js';
import { decodeCursor, toPage, type Page } from '../common/cursor.js';
import { QUEUE } from '../common/tokens.js';
import { UniqueViolation } from '../common/unique-violation.js';
import { LiveRepository, type LiveSessionRecord } from './live.repository.js';
import { reconnectVerdict, WINDOW_PASSED } from './live-expiry.js';

/** How often reconnect windows are checked, and how long a worker may take to finalise before the API ends the session itself. */
const EXPIRY_TICK_MS = 1000;
const WORKER_FINALISE_GRACE_MS = 60_000;
import { hashStreamKey } from '../channels/stream-key.crypto.js';
import { WebhookService } from '../webhooks/webhooks.service.js';
import { VodsService } from '../vods/vods.service.js';
import { ChatLiveUpdates } from '../chat/transport/chat-live-updates.js';

/** The life of a broadcast as the ingest and the worker report it: starting -> live -> ended | failed. */
@Injectable()
export class LiveService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private expiryTimer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    private readonly repo: LiveRepository,
    @Inject(QUEUE) private readonly queue: JobQueue,
    private readonly webhooks: WebhookService,
    private readonly vods: VodsService,
    private readonly chatLive: ChatLiveUpdates,
  ) {}

  onModuleInit(): void {
    this.expiryTimer = setInterval(() => void this.sweepReconnects(), EXPIRY_TICK_MS);
    this.expiryTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
  }

  /**
   * The reconnect-window timer (every API node runs it; the writes are conditional, so one wins): a passed
   * window is marked for the worker, which finishes the playlists and reports `ended`; a session whose
   * worker never does (it died) is ended here after a grace period.
   */
  async sweepReconnects(now = Date.now()): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const s of await this.repo.reconnecting()) {
        const verdict = reconnectVerdict(s, s.channel.reconnectWindowSeconds, now, WORKER_FINALISE_GRACE_MS);
        if (verdict === 'finish' && (await this.repo.markWindowPassed(s.id, WINDOW_PASSED))) {
          this.logger.log(`session ${s.id}: reconnect window passed; the worker finishes the playlists`);
        } else if (verdict === 'end' && (await this.repo.finish(s.id, 'ended', s.endReason ?? WINDOW_PASSED))) {
          this.logger.warn(`session ${s.id}: no worker finished it after the reconnect window; ended by the API`);
          await this.emit(s, 'stream.ended', { state: 'ended', reason: s.endReason ?? WINDOW_PASSED });
        }
      }
    } catch (err) {
      this.logger.error(`reconnect window sweep failed: ${(err as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  /** Checks a stream key at publish time. Unknown or revoked keys, and a second publisher, are refused. */
  async authorize(req: IngestAuthorize): Promise<IngestAuthorizeResult> {
    const key = await this.repo.findKey(hashStreamKey(req.streamKey));
    if (!key || key.revokedAt) {
      this.logger.warn(`refused publish with ${key ? 'revoked' : 'unknown'} key ${redactStreamKey(req.streamKey)} from ${req.clientIp}`);
      throw new AppError('stream_key_invalid', 'Unknown or revoked stream key');
    }
    if (key.ownerDisabled) {
      this.logger.warn(`refused publish with key ${redactStreamKey(req.streamKey)} from ${req.clientIp}: the channel's owner is disabled`);
      throw new AppError('stream_key_invalid', 'This stream key belongs to a disabled account');
    }
    const active = await this.repo.activeSession(key.channelId);
    if (active?.publisherConnected) {
      throw new AppError('conflict', 'This channel already has a publisher');
    }
    if (active && (await this.continues(active)) && (await this.repo.resume(active.id, active.startedAt ? 'live' : 'starting', req.ingestId, req.clientIp))) {
      // The encoder came back within the reconnect window: same session, same playlists, same recording.
      // The worker sees the publisher again and restarts ffmpeg with a discontinuity.
      this.logger.log(`publisher of session ${active.id} is back within the reconnect window`);
      return { sessionId: active.id, channelId: key.channelId };
    }
    if (active) {
      // The previous publisher is gone and its transcode is finishing; a new publish starts a new session.
      await this.repo.finish(active.id, 'ended', 'superseded by a new publish');
    }
    const id = randomUUID();
    try {
      // The mode is fixed per broadcast: changing the channel's setting applies from the next one.
      const latencyMode = (await this.repo.channelSettings(key.channelId))?.latencyMode ?? 'normal';
      await this.repo.createStarting({ id, channelId: key.channelId, ingestId: req.ingestId, clientIp: req.clientIp, storagePrefix: `live/${id}`, latencyMode });
    } catch (e) {
      if (e instanceof UniqueViolation) throw new AppError('conflict', 'This channel already has a publisher');
      throw e;
    }
    this.logger.log(`publish accepted for channel ${key.channelId}: session ${id}`);
    return { sessionId: id, channelId: key.channelId };
  }

  /** The ingest knows the source; the live job goes to the worker pool (job id = session id, so never twice). */
  async started(sessionId: string, body: IngestStarted): Promise<void> {
    const session = await this.mustFind(sessionId);
    const updated = await this.repo.update(sessionId, { source: body.source, pullUrl: body.pullUrl });
    const problem = liveSourceProblem(body.source);
    if (problem) {
      // The ingest refuses such a publish itself; the session keeps the reason for the streamer, and no worker
      // is asked to transcode what it cannot read.
      if (await this.repo.finish(sessionId, 'failed', problem)) {
        this.logger.warn(`session ${sessionId} refused: ${problem}`);
        await this.emit(session, 'stream.ended', { state: 'failed', reason: problem });
      }
      return;
    }
    const channel = await this.repo.channelSettings(session.channelId);
    await this.queue.enqueue(
      'live',
      {
        sessionId,
        channelId: session.channelId,
        pullUrl: body.pullUrl,
        source: body.source,
        // Stored as text: a profile this version does not know (written by a newer one) falls back to the default.
        profile: (LadderProfiles as readonly string[]).includes(channel?.ladderProfile ?? '') ? (channel!.ladderProfile as LadderProfile) : 'default',
        passthrough: channel?.passthrough ?? false,
        segmentSeconds: 2,
        storagePrefix: updated.storagePrefix,
        recording: channel?.recording ?? false,
        latencyMode: session.latencyMode,
      },
      { jobId: `live-${sessionId}`, attempts: 5, backoffMs: 1000 },
    );
  }

  async disconnected(sessionId: string, reason: string): Promise<void> {
    const session = await this.mustFind(sessionId);
    // An active session waits for the publisher in `reconnecting` for the channel's reconnect window;
    // the worker keeps the session (and its recording) open and finishes it when the window passes.
    // Conditional: a refused publish is failed by `started` while this report is on its way, and that must stand.
    const waiting = await this.repo.transition(session.id, ['starting', 'live'], { publisherConnected: false, state: 'reconnecting', disconnectedAt: new Date() });
    if (!waiting) await this.repo.transition(session.id, ['reconnecting'], { publisherConnected: false });
    this.logger.log(`publisher of session ${sessionId} disconnected: ${reason}`);
    if (waiting && session.state === 'live') await this.emit(session, 'stream.reconnecting', { reason });
  }

  /** A read, never a write: the reconnect window is the timer's (sweepReconnects). */
  async workerView(sessionId: string): Promise<WorkerSessionView> {
    const s = await this.mustFind(sessionId);
    // The timer may not have run yet: a passed window also counts, so the worker never waits on a tick.
    const finish = s.state === 'reconnecting' && !s.publisherConnected && (s.endReason !== null || !(await this.continues(s)));
    return { id: s.id, state: s.state, publisherConnected: s.publisherConnected, pullUrl: s.pullUrl, finish };
  }

  /** Whether a session without publisher may still be continued by a reconnecting one. */
  private async continues(s: LiveSessionRecord): Promise<boolean> {
    if (s.state !== 'reconnecting' || !s.disconnectedAt) return false;
    const window = (await this.repo.channelSettings(s.channelId))?.reconnectWindowSeconds ?? 30;
    return Date.now() - s.disconnectedAt.getTime() <= window * 1000;
  }


  async workerEvent(sessionId: string, event: WorkerEvent): Promise<void> {
    const session = await this.mustFind(sessionId);
    switch (event.type) {
      case 'ready': {
        const live = session.state === 'starting' ? await this.repo.transition(sessionId, ['starting'], { state: 'live', startedAt: new Date(), renditions: event.renditions }) : null;
        if (live) {
          this.logger.log(`session ${sessionId} is live (${event.renditions.join(', ')})`);
          // Push before the webhook: viewers waiting on the channel page start within a chat tick.
          this.chatLive.broadcastLive(live.channelId, sessionId);
          await this.emit(live, 'stream.started', { renditions: event.renditions });
        }
        return;
      }
      case 'health':
        await this.repo.update(sessionId, { lastHealth: event, lastHealthAt: new Date() });
        return;
      case 'degraded': {
        // `stream.degraded` fires on every step (reason null = back to the full ladder); the session keeps the latest.
        const was = session.degradedReason;
        await this.repo.update(sessionId, { degradedLevel: event.level, degradedReason: event.reason, degradedAt: event.reason ? (was ? session.degradedAt : new Date()) : null });
        this.logger.warn(`session ${sessionId}: ladder step ${event.level}/${event.maxLevel} (${event.renditions.join(', ')}): ${event.reason ?? 'back to the full ladder'}`);
        if (event.reason || was) await this.emit(session, 'stream.degraded', { level: event.level, reason: event.reason, renditions: event.renditions });
        return;
      }
      case 'ffmpeg-exit':
        this.logger.warn(`session ${sessionId}: ffmpeg run ${event.run} exited (code ${event.code}, signal ${event.signal}): ${event.reason ?? 'no reason'}${event.willRestart ? '; restarting' : ''}`);
        return;
      case 'ended':
        // The recording also holds what load-step restarts of the ladder skipped in the playlists.
        await this.vods.recordingFinished(session, event.mediaSeconds + (event.skippedSeconds ?? 0));
        // The playlists carry ENDLIST now; a reason the reconnect timer left (window passed) is kept.
        if (await this.repo.finish(sessionId, 'ended', session.endReason)) {
          this.logger.log(`session ${sessionId} ended after ${event.mediaSeconds.toFixed(1)} s of media`);
          await this.emit(session, 'stream.ended', { state: 'ended', mediaSeconds: event.mediaSeconds, reason: session.endReason });
        }
        return;
      case 'thumbnail':
        // Versions the thumbnail URLs the API hands out (the object itself is rewritten in place).
        if (session.state !== 'ended' && session.state !== 'failed') await this.repo.update(sessionId, { thumbnailAt: new Date() });
        return;
      case 'failed':
        await this.vods.recordingFinished(session);
        if (await this.repo.finish(sessionId, 'failed', event.reason)) {
          this.logger.error(`session ${sessionId} failed: ${event.reason}`);
          await this.emit(session, 'stream.ended', { state: 'failed', reason: event.reason });
        }
        return;
    }
  }

  /** Ends a session on its owner's request; the ingest learns it on its next poll and drops the publisher. */
  async forceEnd(session: LiveSessionRecord, reason: string): Promise<boolean> {
    const ended = await this.repo.finish(session.id, 'ended', reason);
    if (ended) {
      this.logger.log(`session ${session.id} ended: ${reason}`);
      await this.emit(session, 'stream.ended', { state: 'ended', reason });
    }
    return ended;
  }

  /**
   * Broadcasts newest first (REST `GET /v1/live-sessions`): of the caller's channels, or with `channelId` of that channel
   * when the caller manages it (managesChannel: an operator any); another account's channel lists nothing.
   */
  async listForOwner(principal: Principal, q: { limit: number; cursor?: string; channelId?: string; state?: LiveSessionState }): Promise<Page<LiveSessionDetail>> {
    const owner = q.channelId ? await this.repo.channelOwner(q.channelId) : null;
    const managed = q.channelId !== undefined && owner !== null && managesChannel(principal, { id: q.channelId, ownerId: owner });
    const rows = await this.repo.listForOwner({
      ...(managed ? {} : { ownerId: principal.user.id }),
      limit: q.limit + 1,
      ...(q.channelId ? { channelId: q.channelId } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
    });
    return toPage(rows, q.limit, detailDto);
  }

  async getForOwner(principal: Principal, id: string): Promise<LiveSessionDetail> {
    return detailDto(await this.mustFindForOwner(principal, id));
  }

  /** Force-end from the REST API: 409 when the session is already over. */
  async endForOwner(principal: Principal, id: string): Promise<LiveSessionDetail> {
    const session = await this.mustFindForOwner(principal, id);
    if (!(await this.forceEnd(session, 'ended by API'))) throw new AppError('conflict', 'The session is already over');
    return detailDto(await this.mustFindForOwner(principal, id));
  }

  /**
   * Ends every broadcast of the account's channels (it was disabled): the ingest drops each publisher on its next poll
   * (`ingestView` answers disconnect), and the disabled owner's key publishes nothing new (authorize refuses it).
   */
  async endAllOf(ownerId: string, reason: string): Promise<number> {
    let ended = 0;
    for (const session of await this.repo.activeOfOwner(ownerId)) if (await this.forceEnd(session, reason)) ended++;
    return ended;
  }

  /** What the ingest polls for each publisher: `disconnect` once the session is over (e.g. force-ended). */
  async ingestView(sessionId: string): Promise<IngestSessionView> {
    const s = await this.mustFind(sessionId);
    return { id: s.id, state: s.state, disconnect: s.state === 'ended' || s.state === 'failed' };
  }

  private async emit(session: LiveSessionRecord, type: 'stream.started' | 'stream.ended' | 'stream.reconnecting' | 'stream.degraded', extra: Record<string, unknown>): Promise<void> {
    const owner = await this.repo.channelOwner(session.channelId);
    if (owner) await this.webhooks.emit(owner, type, { sessionId: session.id, channelId: session.channelId, ...extra });
  }

  private async mustFind(sessionId: string): Promise<LiveSessionRecord> {
    const session = await this.repo.find(sessionId);
    if (!session) throw new AppError('not_found', `No live session ${sessionId}`);
    return session;
  }

  private async mustFindForOwner(principal: Principal, id: string): Promise<LiveSessionRecord> {
    const session = await this.repo.findWithOwner(id);
    if (!session || !managesChannel(principal, { id: session.channelId, ownerId: session.ownerId })) throw new AppError('not_found', `No live session ${id} of yours`);
    const { ownerId: _owner, ...rest } = session;
    return rest;
  }
}

const detailDto = (s: LiveSessionRecord): LiveSessionDetail => ({
  id: s.id,
  channelId: s.channelId,
  state: s.state,
  publisherConnected: s.publisherConnected,
  createdAt: s.createdAt.toISOString(),
  startedAt: s.startedAt?.toISOString() ?? null,
  endedAt: s.endedAt?.toISOString() ?? null,
  endReason: s.endReason,
  renditions: s.renditions,
  latencyMode: s.latencyMode,
  source: s.source ?? null,
  lastHealth: s.lastHealth ?? null,
  lastHealthAt: s.lastHealthAt?.toISOString() ?? null,
  degraded: s.degradedReason ? { level: s.degradedLevel, reason: s.degradedReason, since: (s.degradedAt ?? s.createdAt).toISOString() } : null,
});
