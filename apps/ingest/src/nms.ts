import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

/**
 * Minimal typings for the parts of node-media-server 4.4.3 we use. NMS ships no types, and an
 * ambient `declare module` would not be visible to workspaces that compile our sources through
 * the `source` condition, so the CommonJS modules are loaded with `createRequire` and cast here.
 *
 * We use only NMS's RTMP protocol/session/broadcast layer: no NodeMediaServer (it would build
 * an express app, open a JSON store under ./data, start relay/record/history services and
 * `process.exit(1)` when the port is taken).
 */

/** An FLV/RTMP media packet as parsed by NMS (`core/avpacket.js`). */
export interface NmsPacket {
  codec_id: number;
  /** 8 audio, 9 video, 18 script data */
  codec_type: number;
  /** 0 audio sequence header, 1 audio frame, 2 video sequence header, 3 key frame, 4 inter frame, 5 metadata */
  flags: number;
  pts: number;
  dts: number;
  size: number;
  data: Buffer;
}

/** The command decoded from an AMF0 `publish`/`play` invoke. */
export interface NmsInvokeMessage {
  cmd: string;
  streamName: string;
  [field: string]: unknown;
}

/** `protocol/rtmp.js`: one connection's RTMP state machine. */
export interface NmsRtmp {
  streamApp: string;
  streamId: number;
  parserPacket: { header: { stream_id: number } };
  onPacketCallback: (packet: NmsPacket) => void;
  onPublish(invokeMessage: NmsInvokeMessage): void;
  onPlay(invokeMessage: NmsInvokeMessage): void;
  parserData(buffer: Buffer): string | null;
  sendStatusMessage(streamId: number, level: string, code: string, description: string): void;
}

export interface NmsRtmpClass {
  prototype: NmsRtmp;
}

/** `session/base_session.js` fields we read; metadata fields are filled by the broadcast. */
export interface NmsSession {
  id: string;
  protocol: string;
  isPublisher: boolean;
  streamPath: string;
  videoCodec: unknown;
  videoWidth: unknown;
  videoHeight: unknown;
  videoFramerate: unknown;
  audioCodec: unknown;
  close(): void;
}

/** `server/broadcast_server.js`: one stream path with its publisher and subscribers. */
export interface NmsBroadcast {
  streamPath: string;
  publisher: NmsSession | null;
  subscribers: Map<string, NmsSession>;
  publishGraceMs: number;
  _publishGraceTimer: NodeJS.Timeout | null;
}

/** `session/rtmp_session.js`. */
export interface NmsRtmpSession extends NmsSession {
  socket: Socket;
  rtmp: NmsRtmp;
  broadcast: NmsBroadcast;
  run(): void;
}

export interface NmsRtmpSessionClass {
  new (socket: Socket): NmsRtmpSession;
}

/** `core/context.js`: the module-level singleton every NMS session shares. */
export interface NmsContext {
  config: { bind?: string; rtmp?: { port?: number } };
  sessions: Map<string, NmsSession>;
  broadcasts: Map<string, NmsBroadcast>;
}

export interface NmsLogger {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

const require = createRequire(import.meta.url);

/** The NMS modules, loaded once; Node's module cache makes them process-wide singletons. */
export const nms = {
  Rtmp: require('node-media-server/src/protocol/rtmp.js') as NmsRtmpClass,
  RtmpSession: require('node-media-server/src/session/rtmp_session.js') as NmsRtmpSessionClass,
  Context: require('node-media-server/src/core/context.js') as NmsContext,
  logger: require('node-media-server/src/core/logger.js') as NmsLogger,
  sps: require('node-media-server/src/protocol/sps_info.js') as { parseH264Sps(sps: Buffer): { width: number; height: number } | null },
};
