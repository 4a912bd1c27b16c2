import { createServer, type Server, type Socket } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { redactStreamKey } from '@onda/contracts';
import type { IngestApiClient } from './api-client.js';
import type { IngestHandle, IngestLogger, IngestMetricsHooks, IngestPublisherStats, IngestServerConfig } from './ingest.types.js';
import { claimNmsHooks, holdPackets, releaseNmsHooks, withStreamId, type NmsHookTarget, type PublishFn } from './nms-hooks.js';
import { nms, type NmsInvokeMessage, type NmsRtmp, type NmsRtmpSession } from './nms.js';
import { PublisherTracker } from './publisher-tracker.js';
import { verifyPlayToken } from './source-info.js';

export type { IngestHandle, IngestLogger, IngestMetricsHooks, IngestPublisherStats, IngestServerConfig } from './ingest.types.js';

const LIVE_APP = 'live';
const MAX_KEY_LENGTH = 200;
const REFUSED_SOCKET_LINGER_MS = 2_000;

const consoleLogger: IngestLogger = {
  info: (msg, ctx) => console.log(JSON.stringify({ level: 'info', msg, ...ctx })),
  warn: (msg, ctx) => console.warn(JSON.stringify({ level: 'warn', msg, ...ctx })),
  error: (msg, ctx) => console.error(JSON.stringify({ level: 'error', msg, ...ctx })),
};

/** Starts the RTMP ingest. Only one per process (NMS state is module-global); stop() allows starting another. */
export async function startIngest(deps: { api: IngestApiClient; config: IngestServerConfig; logger?: IngestLogger; metrics?: IngestMetricsHooks }): Promise<IngestHandle> {
  const ingest = new RtmpIngest(deps.api, deps.config, deps.logger ?? consoleLogger, deps.metrics);
  claimNmsHooks(ingest);
  try {
    await ingest.listen();
  } catch (e) {
    releaseNmsHooks(ingest);
    throw e;
  }
  return {
    port: ingest.port,
    stop: () => ingest.stop(),
    drain: (deadlineMs) => ingest.drain(deadlineMs),
    get draining() {
      return ingest.draining;
    },
    activePublishers: () => ingest.publishers.size,
    publisherStats: () => ingest.publisherStats(),
  };
}

class RtmpIngest implements NmsHookTarget {
  port = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly sessionsByRtmp = new WeakMap<NmsRtmp, NmsRtmpSession>();
  private readonly pending = new WeakSet<NmsRtmpSession>();
  private readonly tracker: PublisherTracker;
  private running = true;
  draining = false;
  private pullBaseUrl = '';

  constructor(
    private readonly api: IngestApiClient,
    private readonly config: IngestServerConfig,
    private readonly log: IngestLogger,
    private readonly metrics?: IngestMetricsHooks,
  ) {
    this.server = createServer(this.onConnection);
    this.tracker = new PublisherTracker({
      api,
      config,
      log,
      refuse: (session, streamId, code, description) => this.refuse(session, streamId, code, description),
      isRunning: () => this.running,
      pullBaseUrl: () => this.pullBaseUrl,
    });
  }

  get publishers(): ReadonlySet<NmsRtmpSession> {
    return this.tracker.publishers;
  }

  publisherStats(): IngestPublisherStats[] {
    return this.tracker.publisherStats();
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.rtmpPort, this.config.bind, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (e) => this.log.error('RTMP server error', { error: e.message }));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.config.rtmpPort;
    this.pullBaseUrl = (this.config.pullBaseUrl ?? `rtmp://${this.config.advertiseHost ?? loopbackHost(this.config.bind)}:${this.port}/${LIVE_APP}`).replace(/\/+$/, '');
    this.log.info('RTMP ingest listening', { port: this.port, bind: this.config.bind ?? null, ingestId: this.config.ingestId });
  }

  async drain(deadlineMs: number): Promise<number> {
    this.draining = true;
    this.log.info('draining: new publishes refused', { ingestId: this.config.ingestId, publishers: this.publishers.size, deadlineMs });
    const until = Date.now() + deadlineMs;
    while (this.publishers.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (this.publishers.size > 0) this.log.warn('drain deadline reached: cutting the remaining publishers', { publishers: this.publishers.size });
    return this.publishers.size;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const socketsClosed = [...this.sockets].map((s) => new Promise<void>((resolve) => (s.destroyed && s.closed ? resolve() : s.once('close', () => resolve()))));
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(socketsClosed);
    await Promise.all([serverClosed, this.tracker.settled()]);
    // NMS's close handlers have run; drop whatever they leave behind (grace timers, empty broadcasts)
    // so a later ingest in this process starts from a clean Context.
    for (const broadcast of nms.Context.broadcasts.values()) {
      if (broadcast._publishGraceTimer) clearTimeout(broadcast._publishGraceTimer);
    }
    nms.Context.broadcasts.clear();
    nms.Context.sessions.clear();
    releaseNmsHooks(this);
    this.log.info('RTMP ingest stopped', { ingestId: this.config.ingestId });
  }

  private readonly onConnection = (socket: Socket): void => {
    if (!this.running) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.setNoDelay(true);
    const session = new nms.RtmpSession(socket);
    this.sessionsByRtmp.set(session.rtmp, session);
    session.run();
    nms.Context.sessions.set(session.id, session);
  };

  async handlePublish(rtmp: NmsRtmp, msg: NmsInvokeMessage, original: PublishFn): Promise<void> {
    const session = this.sessionsByRtmp.get(rtmp);
    if (!session) return;
    // The original reads the stream id from the packet being parsed; by the time the API answers
    // that is some later packet, so remember the publish command's own.
    const streamId = rtmp.parserPacket.header.stream_id;
    const key = (typeof msg.streamName === 'string' ? msg.streamName : '').split('?')[0] ?? '';
    const keyLabel = redactStreamKey(key);
    if (this.draining) {
      // An error status: OBS and ffmpeg reconnect, and the balancer sends them to a node that is not draining.
      this.log.info('publish refused: draining', { key: keyLabel });
      this.metrics?.publish('refused');
      this.refuse(session, streamId, 'NetStream.Publish.Rejected', 'Server is draining: reconnect');
      return;
    }
    if (rtmp.streamApp !== LIVE_APP || key === '' || key.length > MAX_KEY_LENGTH || this.pending.has(session) || session.isPublisher) {
      this.log.warn('publish refused: bad app or stream name', { app: rtmp.streamApp, key: keyLabel, ip: session.socket.remoteAddress });
      this.metrics?.publish('refused');
      this.refuse(session, streamId, 'NetStream.Publish.BadName', 'Invalid stream key');
      return;
    }

    this.pending.add(session);
    const held = holdPackets(rtmp);
    let sessionId: string | null = null;
    let checkFailed = false;
    try {
      const clientIp = (session.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
      const result = await this.api.authorize({ streamKey: key, clientIp, ingestId: this.config.ingestId });
      sessionId = result?.sessionId ?? null;
      if (!sessionId) {
        this.log.warn('publish refused: unknown stream key', { key: keyLabel, ip: session.socket.remoteAddress });
        this.metrics?.publish('refused');
      }
    } catch (e) {
      this.log.error('publish refused: stream key check failed', { key: keyLabel, error: (e as Error).message });
      this.metrics?.publish('failed');
      checkFailed = true;
    } finally {
      this.pending.delete(session);
    }
    const packets = held.release();

    try {
      if (session.socket.destroyed || !this.running) {
        if (sessionId) this.tracker.reportDisconnected(sessionId, 'encoder left before the publish started', []);
        return;
      }
      if (checkFailed) {
        // The API (or its database) is unreachable: say so, not "invalid key", so the streamer retries
        // instead of resetting a key that is fine.
        this.refuse(session, streamId, 'NetStream.Failed', 'Stream keys cannot be checked right now; try again shortly');
        return;
      }
      if (!sessionId) {
        this.refuse(session, streamId, 'NetStream.Publish.BadName', 'Invalid stream key');
        return;
      }
      // From here on the broadcast path is /live/<sessionId>: the key never reaches a path or a log.
      msg.streamName = sessionId;
      withStreamId(rtmp, streamId, () => original.call(rtmp, msg));
      if (!session.isPublisher) {
        // NMS refused (the path already has a publisher) and closed the socket; the live one is untouched.
        this.log.warn('publish refused: session already has a publisher', { liveSessionId: sessionId });
        this.metrics?.publish('refused');
        return;
      }
      this.tracker.track(session, sessionId, packets, streamId);
      this.metrics?.publish('accepted');
    } catch (e) {
      this.log.error('publish failed', { liveSessionId: sessionId, error: (e as Error).message });
      session.socket.destroy();
    }
  }

  handlePlay(rtmp: NmsRtmp, msg: NmsInvokeMessage, original: PublishFn): void {
    const session = this.sessionsByRtmp.get(rtmp);
    if (!session) return;
    const raw = typeof msg.streamName === 'string' ? msg.streamName : '';
    const q = raw.indexOf('?');
    const name = q < 0 ? raw : raw.slice(0, q);
    const token = q < 0 ? undefined : parseQuery(raw.slice(q + 1)).token;
    const allowed =
      rtmp.streamApp === LIVE_APP &&
      typeof token === 'string' &&
      !this.pending.has(session) &&
      !session.isPublisher &&
      verifyPlayToken(this.config.internalToken, name, token);
    if (allowed) {
      original.call(rtmp, msg);
      return;
    }
    // The name may be a stream key someone tries to watch: log it redacted.
    this.log.warn('play refused', { app: rtmp.streamApp, name: redactStreamKey(name), ip: session.socket.remoteAddress });
    this.refuse(session, rtmp.parserPacket.header.stream_id, 'NetStream.Play.StreamNotFound', 'Stream not found');
  }

  private refuse(session: NmsRtmpSession, streamId: number, code: string, description: string): void {
    const socket = session.socket;
    if (socket.destroyed) return;
    // An error-level onStatus makes ffmpeg and OBS fail the publish/play instead of retrying silently.
    session.rtmp.sendStatusMessage(streamId, 'error', code, description);
    socket.end();
    setTimeout(() => socket.destroy(), REFUSED_SOCKET_LINGER_MS).unref();
  }
}

function loopbackHost(bind: string | undefined): string {
  if (!bind || bind === '0.0.0.0' || bind === '::') return '127.0.0.1';
  return bind.includes(':') ? `[${bind}]` : bind;
}

