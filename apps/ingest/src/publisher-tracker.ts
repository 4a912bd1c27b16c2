import { liveSourceProblem } from '@onda/contracts';
import { broadcastLabel } from '@onda/observability';
import type { IngestApiClient } from './api-client.js';
import type { IngestLogger, IngestPublisherStats, IngestServerConfig } from './ingest.types.js';
import { keepStartOfPublish } from './nms-hooks.js';
import { nms, type NmsPacket, type NmsRtmpSession } from './nms.js';
import { avcHeaderSize, playToken, toSourceInfo, type ObservedSource } from './source-info.js';

// An encoder sends media continuously, so this much silence means a dead connection without a FIN.
const PUBLISHER_IDLE_MS = 15_000;
// Subscribers are closed once the API knows about the disconnect (so the worker, seeing EOF, finds the
// publisher gone), but never later than this even if the API is slow.
const DISCONNECT_REPORT_WAIT_MS = 2_000;

/** What the tracker needs from the ingest that accepted the publish. */
export interface PublisherTrackerDeps {
  api: IngestApiClient;
  config: IngestServerConfig;
  log: IngestLogger;
  /** Ends a publish with an error status. */
  refuse(session: NmsRtmpSession, streamId: number, code: string, description: string): void;
  isRunning(): boolean;
  /** Base of the URL a worker pulls a publish from (known once the server listens). */
  pullBaseUrl(): string;
}

/** The accepted publishers of one ingest: their source report, force-end polling and disconnect reports. */
export class PublisherTracker {
  readonly publishers = new Set<NmsRtmpSession>();
  private readonly publisherInfo = new WeakMap<NmsRtmpSession, { liveSessionId: string; startedAt: number }>();
  private readonly disconnectReports = new Set<Promise<void>>();

  constructor(private readonly deps: PublisherTrackerDeps) {}

  publisherStats(): IngestPublisherStats[] {
    return [...this.publishers].flatMap((s) => {
      const info = this.publisherInfo.get(s);
      return info ? [{ ...info, bytesRead: s.socket.bytesRead }] : [];
    });
  }

  /** Settles when every disconnect report in flight now has. */
  async settled(): Promise<void> {
    await Promise.all([...this.disconnectReports]);
  }

  /** Watches an accepted publish: reports its source to the API, polls for a force-end, reports its end. */
  track(session: NmsRtmpSession, sessionId: string, heldPackets: NmsPacket[], streamId: number): void {
    const rtmp = session.rtmp;
    const forward = rtmp.onPacketCallback;
    const seen: Pick<ObservedSource, 'videoHeaderCodec' | 'audioHeaderCodec' | 'headerSize'> = { videoHeaderCodec: null, audioHeaderCodec: null, headerSize: null };
    let metadataSeen = false;
    let videoHeader = false;
    let audioHeader = false;
    let done = false;
    // The disconnect report goes after the start report: the API must see a publish begin before it ends.
    let startReport: Promise<unknown> = Promise.resolve();
    this.publishers.add(session);
    this.publisherInfo.set(session, { liveSessionId: sessionId, startedAt: Date.now() });
    // NMS would keep a gone publisher for 30 s; the API owns reconnect windows, so end it at once
    // (a reconnect gets a fresh broadcast without stale headers or GOP cache).
    session.broadcast.publishGraceMs = 0;
    keepStartOfPublish(session.broadcast);
    session.socket.setTimeout(PUBLISHER_IDLE_MS, () => {
      this.deps.log.warn('publisher idle, closing', { liveSessionId: sessionId });
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
        metadataSeen,
        ...seen,
      });
      const pullUrl = `${this.deps.pullBaseUrl()}/${sessionId}?token=${playToken(this.deps.config.internalToken, sessionId)}`;
      const problem = liveSourceProblem(source);
      if (problem) {
        // A codec the transcoder cannot read would be a silent black stream: refuse the publish now. The API
        // (told through `started`, which fails the session with the same reason) records it for the streamer.
        this.deps.log.warn('publish refused: unsupported codec', { liveSessionId: sessionId, source });
        startReport = this.deps.api.started(sessionId, { source, pullUrl }).catch((e: Error) => this.deps.log.error('could not report the refused publish', { liveSessionId: sessionId, error: e.message }));
        this.deps.refuse(session, streamId, 'NetStream.Publish.Rejected', problem);
        return;
      }
      // /metrics names the broadcast by an opaque label only (security finding 14): this line maps it back.
      this.deps.log.info('publish started', { liveSessionId: sessionId, broadcast: broadcastLabel(sessionId), source });
      startReport = this.deps.api.started(sessionId, { source, pullUrl }).catch((e: Error) => {
        // Without `started` no worker ever pulls: drop the encoder so it reconnects and tries again.
        this.deps.log.error('could not report publish start, closing encoder', { liveSessionId: sessionId, error: e.message });
        session.socket.destroy();
      });
    };
    // Watch the first packets for what the source is; metadata normally arrives right after
    // Publish.Start, so this rarely waits for the timeout (only for encoders that send none).
    const timer = setTimeout(report, this.deps.config.metadataTimeoutMs ?? 1_000);
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
      this.deps.api
        .session(sessionId)
        .then((view) => {
          if (!view.disconnect) return;
          this.deps.log.info('API ended the session, closing the encoder', { liveSessionId: sessionId, state: view.state });
          endedByApi = true;
          session.socket.destroy();
        })
        .catch((e: Error) => this.deps.log.warn('could not ask the API about the session', { liveSessionId: sessionId, error: e.message }));
    }, this.deps.config.controlPollMs ?? 3_000);
    control.unref();

    session.socket.once('close', (hadError: boolean) => {
      done = true;
      clearTimeout(timer);
      clearInterval(control);
      this.publishers.delete(session);
      const reason = endedByApi ? 'ended by the API' : !this.deps.isRunning() ? 'ingest stopping' : hadError ? 'connection error' : 'encoder disconnected';
      this.deps.log.info('publisher disconnected', { liveSessionId: sessionId, reason });
      // Snapshot now: these players watched this publish (a reconnect may attach new ones meanwhile).
      this.reportDisconnected(sessionId, reason, [...session.broadcast.subscribers.values()], startReport);
    });

    for (const packet of heldPackets) rtmp.onPacketCallback(packet);
  }

  /** Tells the API, then closes the publish's players so the worker's ffmpeg sees EOF and finalises. */
  reportDisconnected(sessionId: string, reason: string, subscribers: Array<{ close(): void }>, after: Promise<unknown> = Promise.resolve()): void {
    const told = after.then(() => this.deps.api.disconnected(sessionId, reason)).catch((e: Error) => {
      this.deps.log.error('could not report disconnect', { liveSessionId: sessionId, error: e.message });
    });
    const report = Promise.race([told, new Promise<void>((r) => setTimeout(r, DISCONNECT_REPORT_WAIT_MS).unref())]).then(() => {
      for (const subscriber of subscribers) subscriber.close();
    });
    this.disconnectReports.add(report);
    void report.finally(() => this.disconnectReports.delete(report));
  }
}
