import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IngestAuthorize, IngestAuthorizeResult, IngestStarted, WorkerEvent, WorkerSessionView } from '@onda/contracts';
import type { LiveSession } from '@onda/db';
import type { JobQueue } from '@onda/queue';
import { sha256Hex } from '../auth/token-crypto.js';
import { AppError } from '../common/app-error.js';
import { QUEUE } from '../common/tokens.js';
import { LiveRepository } from './live.repository.js';
import { redactKey } from '../channels/stream-key.crypto.js';

/** The life of a broadcast as the ingest and the worker report it: starting -> live -> ended | failed. */
@Injectable()
export class LiveService {
  private readonly logger = new Logger('Live');

  constructor(
    private readonly repo: LiveRepository,
    @Inject(QUEUE) private readonly queue: JobQueue,
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
      },
      { jobId: `live-${sessionId}`, attempts: 5, backoffMs: 1000 },
    );
  }

  async disconnected(sessionId: string, reason: string): Promise<void> {
    const session = await this.mustFind(sessionId);
    await this.repo.update(session.id, { publisherConnected: false });
    this.logger.log(`publisher of session ${sessionId} disconnected: ${reason}`);
  }

  async workerView(sessionId: string): Promise<WorkerSessionView> {
    const s = await this.mustFind(sessionId);
    return { id: s.id, state: s.state, publisherConnected: s.publisherConnected };
  }

  async workerEvent(sessionId: string, event: WorkerEvent): Promise<void> {
    const session = await this.mustFind(sessionId);
    switch (event.type) {
      case 'ready':
        if (session.state === 'starting') {
          await this.repo.update(sessionId, { state: 'live', startedAt: new Date(), renditions: event.renditions });
          this.logger.log(`session ${sessionId} is live (${event.renditions.join(', ')})`);
        }
        return;
      case 'health':
        await this.repo.update(sessionId, { lastHealth: event, lastHealthAt: new Date() });
        return;
      case 'ffmpeg-exit':
        this.logger.warn(`session ${sessionId}: ffmpeg run ${event.run} exited (code ${event.code}, signal ${event.signal}): ${event.reason ?? 'no reason'}${event.willRestart ? '; restarting' : ''}`);
        return;
      case 'ended':
        if (await this.repo.finish(sessionId, 'ended', null)) this.logger.log(`session ${sessionId} ended after ${event.mediaSeconds.toFixed(1)} s of media`);
        return;
      case 'failed':
        if (await this.repo.finish(sessionId, 'failed', event.reason)) this.logger.error(`session ${sessionId} failed: ${event.reason}`);
        return;
    }
  }

  private async mustFind(sessionId: string): Promise<LiveSession> {
    const session = await this.repo.find(sessionId);
    if (!session) throw new AppError('not_found', `No live session ${sessionId}`);
    return session;
  }
}
