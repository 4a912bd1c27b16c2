import { createServer, type Server, type Socket } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import type { IngestApiClient } from './api-client.js';
import { nms, type NmsBroadcast, type NmsInvokeMessage, type NmsPacket, type NmsRtmp, type NmsRtmpSession } from './nms.js';
import { avcHeaderSize, playToken, redactKey, toSourceInfo, verifyPlayToken, type ObservedSource } from './source-info.js';

/** Structured logger; pino fits through a small adapter (see logger.ts). */
export interface IngestLogger {
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
}

/** What the ingest tells its metrics (see packages/observability ingestMetrics). */
export interface IngestMetricsHooks {
  publish(result: 'accepted' | 'refused' | 'failed'): void;
}

/** A publisher as the metrics see it. */
export interface IngestPublisherStats {
  liveSessionId: string;
  /** Bytes received from the encoder so far. */
  bytesRead: number;
  /** When the publish was accepted (ms since the epoch). */
  startedAt: number;
}

/** Settings of one ingest server. */
export interface IngestServerConfig {
  rtmpPort: number;
  bind?: string;
  /** Base the worker pulls from, e.g. `rtmp://ingest:1935/live`; defaults to this process on loopback. */
  pullBaseUrl?: string;
  internalToken: string;
  ingestId: string;
  /** Reserved for on-disk state; nothing is written today because NMS's store is not started. */
  dataDir: string;
  /** Longest wait for metadata/sequence headers before reporting `started` with what is known. */
  metadataTimeoutMs?: number;
  /** How often each publish asks the API whether to keep it (a force-end closes it); default 3 s. */
  controlPollMs?: number;
}

/** A running ingest. */
export interface IngestHandle {
  port: number;
  stop(): Promise<void>;
  activePublishers(): number;
  /** Every publisher with its live session id and bytes received (for the bitrate gauge). */
  publisherStats(): IngestPublisherStats[];
}

const LIVE_APP = 'live';
const MAX_KEY_LENGTH = 200;
// Media held while the key is checked; an encoder that waits for Publish.Start (ffmpeg, OBS) sends none.
const MAX_HELD_BYTES = 8 * 1024 * 1024;
// An encoder sends media continuously, so this much silence means a dead connection without a FIN.
const PUBLISHER_IDLE_MS = 15_000;
// Subscribers are closed once the API knows about the disconnect (so the worker, seeing EOF, finds the
// publisher gone), but never later than this even if the API is slow.
const DISCONNECT_REPORT_WAIT_MS = 2_000;
const REFUSED_SOCKET_LINGER_MS = 2_000;

const consoleLogger: IngestLogger = {
  info: (msg, ctx) => console.log(JSON.stringify({ level: 'info', msg, ...ctx })),
  warn: (msg, ctx) => console.warn(JSON.stringify({ level: 'warn', msg, ...ctx })),
  error: (msg, ctx) => console.error(JSON.stringify({ level: 'error', msg, ...ctx })),
};

type PublishFn = (this: NmsRtmp, msg: NmsInvokeMessage) => void;

// NMS keeps its sessions and broadcasts in a module-level Context and we patch its Rtmp prototype,
// so only one ingest can run per process; `active` is the one the patched methods delegate to.
let active: RtmpIngest | null = null;
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const proto = nms.Rtmp.prototype;
  const originalPublish: PublishFn = proto.onPublish;
  const originalPlay: PublishFn = proto.onPlay;
  const originalParserData = proto.parserData;
  // NMS answers Publish.Start and announces the publish synchronously inside onPublish, so the key
  // check has to run before the original is called, not in a prePublish listener.
  proto.onPublish = function (this: NmsRtmp, msg: NmsInvokeMessage) {
    void active?.handlePublish(this, msg, originalPublish);
  };
  proto.onPlay = function (this: NmsRtmp, msg: NmsInvokeMessage) {
    active?.handlePlay(this, msg, originalPlay);
  };
  // A malformed command (e.g. a connect with an unparsable tcUrl) throws inside a socket 'data'
  // handler and would take the whole process down; turn it into NMS's "close this session" result.
  proto.parserData = function (this: NmsRtmp, buffer: Buffer) {
    try {
      return originalParserData.call(this, buffer);
    } catch (e) {
      return `malformed RTMP data: ${(e as Error).message}`;
    }
  };
}

/** Starts the RTMP ingest. Only one per process (NMS state is module-global); stop() allows starting another. */
export async function startIngest(deps: { api: IngestApiClient; config: IngestServerConfig; logger?: IngestLogger; metrics?: IngestMetricsHooks }): Promise<IngestHandle> {
  if (active) throw new Error('an ingest is already running in this process (node-media-server state is process-wide)');
  installHooks();
  // NMS logs every session at info/debug; keep only its warnings and errors.
  nms.logger.level = 'warn';
  const ingest = new RtmpIngest(deps.api, deps.config, deps.logger ?? consoleLogger, deps.metrics);
  active = ingest;
  try {
    await ingest.listen();
  } catch (e) {
    active = null;
    throw e;
  }
  return { port: ingest.port, stop: () => ingest.stop(), activePublishers: () => ingest.publishers.size, publisherStats: () => ingest.publisherStats() };
}

class RtmpIngest {
  port = 0;
  readonly publishers = new Set<NmsRtmpSession>();
  private readonly publisherInfo = new WeakMap<NmsRtmpSession, { liveSessionId: string; startedAt: number }>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly sessionsByRtmp = new WeakMap<NmsRtmp, NmsRtmpSession>();
  private readonly pending = new WeakSet<NmsRtmpSession>();
  private readonly disconnectReports = new Set<Promise<void>>();
  private running = true;
  private pullBaseUrl = '';

  constructor(
    private readonly api: IngestApiClient,
    private readonly config: IngestServerConfig,
    private readonly log: IngestLogger,
    private readonly metrics?: IngestMetricsHooks,
  ) {
    this.server = createServer(this.onConnection);
  }

  publisherStats(): IngestPublisherStats[] {
    return [...this.publishers].flatMap((s) => {
      const info = this.publisherInfo.get(s);
      return info ? [{ ...info, bytesRead: s.socket.bytesRead }] : [];
    });
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
    this.pullBaseUrl = (this.config.pullBaseUrl ?? `rtmp://${loopbackHost(this.config.bind)}:${this.port}/${LIVE_APP}`).replace(/\/+$/, '');
    this.log.info('RTMP ingest listening', { port: this.port, bind: this.config.bind ?? null, ingestId: this.config.ingestId });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const socketsClosed = [...this.sockets].map((s) => new Promise<void>((resolve) => (s.destroyed && s.closed ? resolve() : s.once('close', () => resolve()))));
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(socketsClosed);
    await Promise.all([serverClosed, ...this.disconnectReports]);
    // NMS's close handlers have run; drop whatever they leave behind (grace timers, empty broadcasts)
    // so a later ingest in this process starts from a clean Context.
    for (const broadcast of nms.Context.broadcasts.values()) {
      if (broadcast._publishGraceTimer) clearTimeout(broadcast._publishGraceTimer);
    }
    nms.Context.broadcasts.clear();
    nms.Context.sessions.clear();
    if (active === this) active = null;
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
    const keyLabel = redactKey(key);
    if (rtmp.streamApp !== LIVE_APP || key === '' || key.length > MAX_KEY_LENGTH || this.pending.has(session) || session.isPublisher) {
      this.log.warn('publish refused: bad app or stream name', { app: rtmp.streamApp, key: keyLabel, ip: session.socket.remoteAddress });
      this.metrics?.publish('refused');
      this.refuse(session, streamId, 'NetStream.Publish.BadName', 'Invalid stream key');
      return;
    }

    this.pending.add(session);
    const held = holdPackets(rtmp);
    let sessionId: string | null = null;
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
    } finally {
      this.pending.delete(session);
    }
    const packets = held.release();

    try {
      if (session.socket.destroyed || !this.running) {
        if (sessionId) this.reportDisconnected(sessionId, 'encoder left before the publish started', []);
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
      this.trackPublisher(session, sessionId, packets);
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
    this.log.warn('play refused', { app: rtmp.streamApp, name: redactKey(name), ip: session.socket.remoteAddress });
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

  private trackPublisher(session: NmsRtmpSession, sessionId: string, heldPackets: NmsPacket[]): void {
    const rtmp = session.rtmp;
    const forward = rtmp.onPacketCallback;
    const seen: Pick<ObservedSource, 'videoHeaderCodec' | 'audioHeaderCodec' | 'headerSize'> = { videoHeaderCodec: null, audioHeaderCodec: null, headerSize: null };
    let metadataSeen = false;
    let videoHeader = false;
    let audioHeader = false;
    let done = false;
    this.publishers.add(session);
    this.publisherInfo.set(session, { liveSessionId: sessionId, startedAt: Date.now() });
    // NMS would keep a gone publisher for 30 s; the API owns reconnect windows, so end it at once
    // (a reconnect gets a fresh broadcast without stale headers or GOP cache).
    session.broadcast.publishGraceMs = 0;
    keepStartOfPublish(session.broadcast);
    session.socket.setTimeout(PUBLISHER_IDLE_MS, () => {
      this.log.warn('publisher idle, closing', { liveSessionId: sessionId });
      session.socket.destroy();
    });

    const report = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      rtmp.onPacketCallback = forward;
      const source = toSourceInfo({
        videoWidth: session.videoWidth,
        videoHeight: session.videoHeight,
        videoFramerate: session.videoFramerate,
        videoCodec: session.videoCodec,
        audioCodec: session.audioCodec,
        ...seen,
      });
      const pullUrl = `${this.pullBaseUrl}/${sessionId}?token=${playToken(this.config.internalToken, sessionId)}`;
      this.log.info('publish started', { liveSessionId: sessionId, source });
      this.api.started(sessionId, { source, pullUrl }).catch((e: Error) => {
        // Without `started` no worker ever pulls: drop the encoder so it reconnects and tries again.
        this.log.error('could not report publish start, closing encoder', { liveSessionId: sessionId, error: e.message });
        session.socket.destroy();
      });
    };
    // Watch the first packets for what the source is; metadata normally arrives right after
    // Publish.Start, so this rarely waits for the timeout (only for encoders that send none).
    const timer = setTimeout(report, this.config.metadataTimeoutMs ?? 1_000);
    rtmp.onPacketCallback = (packet) => {
      forward(packet);
      if (packet.flags === 5) metadataSeen = true;
      if (packet.codec_type === 9) {
        seen.videoHeaderCodec ??= packet.codec_id;
        if (packet.flags === 2) {
          videoHeader = true;
          seen.headerSize ??= avcHeaderSize(packet.data.subarray(0, packet.size), nms.sps.parseH264Sps);
        }
      } else if (packet.codec_type === 8) {
        seen.audioHeaderCodec ??= packet.codec_id;
        audioHeader ||= packet.flags === 0;
      }
      const metadataComplete = metadataSeen && Number(session.videoWidth) > 0 && Number(session.videoHeight) > 0;
      if (metadataComplete || (videoHeader && audioHeader)) report();
    };

    // The API may end a broadcast on its own (force-end from the REST API): ask it now and then.
    let endedByApi = false;
    const control = setInterval(() => {
      this.api
        .session(sessionId)
        .then((view) => {
          if (!view.disconnect) return;
          this.log.info('API ended the session, closing the encoder', { liveSessionId: sessionId, state: view.state });
          endedByApi = true;
          session.socket.destroy();
        })
        .catch((e: Error) => this.log.warn('could not ask the API about the session', { liveSessionId: sessionId, error: e.message }));
    }, this.config.controlPollMs ?? 3_000);
    control.unref();

    session.socket.once('close', (hadError: boolean) => {
      done = true;
      clearTimeout(timer);
      clearInterval(control);
      this.publishers.delete(session);
      const reason = endedByApi ? 'ended by the API' : !this.running ? 'ingest stopping' : hadError ? 'connection error' : 'encoder disconnected';
      this.log.info('publisher disconnected', { liveSessionId: sessionId, reason });
      // Snapshot now: these players watched this publish (a reconnect may attach new ones meanwhile).
      this.reportDisconnected(sessionId, reason, [...session.broadcast.subscribers.values()]);
    });

    for (const packet of heldPackets) rtmp.onPacketCallback(packet);
  }

  /** Tells the API, then closes the publish's players so the worker's ffmpeg sees EOF and finalises. */
  private reportDisconnected(sessionId: string, reason: string, subscribers: Array<{ close(): void }>): void {
    const told = this.api.disconnected(sessionId, reason).catch((e: Error) => {
      this.log.error('could not report disconnect', { liveSessionId: sessionId, error: e.message });
    });
    const report = Promise.race([told, new Promise<void>((r) => setTimeout(r, DISCONNECT_REPORT_WAIT_MS).unref())]).then(() => {
      for (const subscriber of subscribers) subscriber.close();
    });
    this.disconnectReports.add(report);
    void report.finally(() => this.disconnectReports.delete(report));
  }
}

/** Buffers (copies of) media that arrives while the key is checked, to be replayed once accepted. */
function holdPackets(rtmp: NmsRtmp): { release(): NmsPacket[] } {
  const forward = rtmp.onPacketCallback;
  const held: NmsPacket[] = [];
  let bytes = 0;
  rtmp.onPacketCallback = (packet) => {
    // Keep the start (metadata, sequence headers); beyond the cap, later frames are dropped.
    if (bytes + packet.size > MAX_HELD_BYTES) return;
    bytes += packet.size;
    // NMS reuses the parser's payload buffer for the next message, so copy.
    held.push({ ...packet, data: Buffer.from(packet.data.subarray(0, packet.size)) });
  };
  return {
    release() {
      rtmp.onPacketCallback = forward;
      return held;
    },
  };
}

function withStreamId(rtmp: NmsRtmp, streamId: number, fn: () => void): void {
  const saved = rtmp.parserPacket;
  rtmp.parserPacket = { header: { stream_id: streamId } };
  try {
    fn();
  } finally {
    rtmp.parserPacket = saved;
  }
}

function loopbackHost(bind: string | undefined): string {
  if (!bind || bind === '0.0.0.0' || bind === '::') return '127.0.0.1';
  return bind.includes(':') ? `[${bind}]` : bind;
}

/** How much of the start of a publish a transcoder that attaches late still receives. */
const START_BUFFER_MS = 10_000;

/**
 * NMS replays to a new player only the frames since the last keyframe. The worker attaches a moment
 * after each publish (and, after an encoder reconnect, after stopping its previous ffmpeg), so
 * everything before that keyframe would be missing from the live playlists and the recording. For
 * the first seconds of a publish the cache keeps every frame since the publish began instead.
 */
function keepStartOfPublish(broadcast: NmsBroadcast): void {
  const b = broadcast as NmsBroadcast & { broadcastMessage: (packet: NmsPacket) => void; rtmpGopCache: Set<Buffer> | null };
  const forward = b.broadcastMessage;
  const until = Date.now() + START_BUFFER_MS;
  b.broadcastMessage = (packet) => {
    // On a keyframe NMS clears its cache and starts a new one holding only that frame: copy the
    // earlier frames first and put them back in front.
    const kept = packet.flags === 3 && b.rtmpGopCache && Date.now() < until ? [...b.rtmpGopCache] : null;
    forward(packet);
    if (kept) b.rtmpGopCache = new Set([...kept, ...(b.rtmpGopCache ?? [])]);
  };
}
