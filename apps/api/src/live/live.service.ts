import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IngestAuthorize, IngestAuthorizeResult, IngestSessionView, IngestStarted, WorkerEvent, WorkerSessionView } from '@onda/contracts';
import type { LiveSession } from '@onda/db';
import type { JobQueue } from '@onda/queue';
import { sha256Hex } from '../auth/token-crypto.js';
import { AppError } from '../common/app-error.js';
import { QUEUE } from '../common/tokens.js';
import { LiveRepository } from './live.repository.js';
import { redactKey } from '../channels/stream-key.crypto.js';
import { WebhookService } from '../webhooks/webhooks.service.js';
import { VodsService } from '../vods/vods.service.js';

/** The life of a broadcast as the ingest and the worker report it: starting -> live -> ended | failed. */
@Injectable()
export class LiveService {
  private readonly logger = new Logger('Live');

  constructor(
    private readonly repo: LiveRepository,
    @Inject(QUEUE) private readonly queue: JobQueue,
    private readonly webhooks: WebhookService,
    private readonly vods: VodsService,
  ) {}

  /** Checks a stream key at publish time. Unknown or revoked keys, and a second publisher, are refused. */
  async authorize(req: IngestAuthorize): Promise<IngestAuthorizeResult> {
    const key = await this.repo.findKey(sha256Hex(req.streamKey));
    if (!key || key.revokedAt) {
      this.logger.warn(`refused publish with ${key ? 'revoked' : 'unknown'} key ${redactKey(req.streamKey)} from ${req.clientIp}`);
      throw new AppError('stream_key_invalid', 'Unknown or revoked stream key');
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
      await this.repo.createStarting({ id, channelId: key.channelId, ingestId: req.ingestId, clientIp: req.clientIp, storagePrefix: `live/${id}` });
    } catch (e) {
      if ((e as { code?: string }).code === 'P2002') throw new AppError('conflict', 'This channel already has a publisher');
      throw e;
    }
    this.logger.log(`publish accepted for channel ${key.channelId}: session ${id}`);
    return { sessionId: id, channelId: key.channelId };
  }

  /** The ingest knows the source; the live job goes to the worker pool (job id = session id, so never twice). */
  async started(sessionId: string, body: IngestStarted): Promise<void> {
    const session = await this.mustFind(sessionId);
    const updated = await this.repo.update(sessionId, { source: body.source });
    const channel = await this.repo.channelSettings(session.channelId);
    await this.queue.enqueue(
      'live',
      {
        sessionId,
        channelId: session.channelId,
        pullUrl: body.pullUrl,
        source: body.source,
        profile: 'default',
        passthrough: channel?.passthrough ?? false,
        segmentSeconds: 2,
        storagePrefix: updated.storagePrefix,
        recording: channel?.recording ?? false,
      },
      { jobId: `live-${sessionId}`, attempts: 5, backoffMs: 1000 },
    );
  }

  async disconnected(sessionId: string, reason: string): Promise<void> {
    const session = await this.mustFind(sessionId);
    // An active session waits for the publisher in `reconnecting` for the channel's reconnect window;
    // the worker keeps the session (and its recording) open and finishes it when the window passes.
    const active = session.state === 'starting' || session.state === 'live';
    await this.repo.update(session.id, { publisherConnected: false, ...(active ? { state: 'reconnecting' as const, disconnectedAt: new Date() } : {}) });
    this.logger.log(`publisher of session ${sessionId} disconnected: ${reason}`);
    if (session.state === 'live') await this.emit(session, 'stream.reconnecting', { reason });
  }

  async workerView(sessionId: string): Promise<WorkerSessionView> {
    let s = await this.mustFind(sessionId);
    if (s.state === 'reconnecting' && !(await this.continues(s))) {
      if (await this.repo.finish(s.id, 'ended', 'publisher did not reconnect in time')) {
        this.logger.log(`session ${s.id}: reconnect window passed`);
        await this.emit(s, 'stream.ended', { state: 'ended', reason: 'publisher did not reconnect in time' });
      }
      s = await this.mustFind(sessionId);
    }
    return { id: s.id, state: s.state, publisherConnected: s.publisherConnected };
  }

  /** Whether a session without publisher may still be continued by a reconnecting one. */
  private async continues(s: LiveSession): Promise<boolean> {
    if (s.state !== 'reconnecting' || !s.disconnectedAt) return false;
    const window = (await this.repo.channelSettings(s.channelId))?.reconnectWindowSeconds ?? 30;
    return Date.now() - s.disconnectedAt.getTime() <= window * 1000;
  }


  async workerEvent(sessionId: string, event: WorkerEvent): Promise<void> {
    const session = await this.mustFind(sessionId);
    switch (event.type) {
      case 'ready':
        if (session.state === 'starting') {
          const live = await this.repo.update(sessionId, { state: 'live', startedAt: new Date(), renditions: event.renditions });
          this.logger.log(`session ${sessionId} is live (${event.renditions.join(', ')})`);
          await this.emit(live, 'stream.started', { renditions: event.renditions });
        }
        return;
      case 'health':
        await this.repo.update(sessionId, { lastHealth: event, lastHealthAt: new Date() });
        return;
      case 'ffmpeg-exit':
        this.logger.warn(`session ${sessionId}: ffmpeg run ${event.run} exited (code ${event.code}, signal ${event.signal}): ${event.reason ?? 'no reason'}${event.willRestart ? '; restarting' : ''}`);
        return;
      case 'ended':
        await this.vods.recordingFinished(session, event.mediaSeconds);
        if (await this.repo.finish(sessionId, 'ended', null)) {
          this.logger.log(`session ${sessionId} ended after ${event.mediaSeconds.toFixed(1)} s of media`);
          await this.emit(session, 'stream.ended', { state: 'ended', mediaSeconds: event.mediaSeconds, reason: null });
        }
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
  async forceEnd(session: LiveSession, reason: string): Promise<boolean> {
    const ended = await this.repo.finish(session.id, 'ended', reason);
    if (ended) {
      this.logger.log(`session ${session.id} ended by its owner`);
      await this.emit(session, 'stream.ended', { state: 'ended', reason });
    }
    return ended;
  }

  /** What the ingest polls for each publisher: `disconnect` once the session is over (e.g. force-ended). */
  async ingestView(sessionId: string): Promise<IngestSessionView> {
    const s = await this.mustFind(sessionId);
    return { id: s.id, state: s.state, disconnect: s.state === 'ended' || s.state === 'failed' };
  }

  private async emit(session: LiveSession, type: 'stream.started' | 'stream.ended' | 'stream.reconnecting', extra: Record<string, unknown>): Promise<void> {
    const owner = await this.repo.channelOwner(session.channelId);
    if (owner) await this.webhooks.emit(owner, type, { sessionId: session.id, channelId: session.channelId, ...extra });
  }

  private async mustFind(sessionId: string): Promise<LiveSession> {
    const session = await this.repo.find(sessionId);
    if (!session) throw new AppError('not_found', `No live session ${sessionId}`);
    return session;
  }
}
