import { nms, type NmsBroadcast, type NmsInvokeMessage, type NmsPacket, type NmsRtmp } from './nms.js';

// The node-media-server hooks: the patched Rtmp prototype and the packet/broadcast interceptors the ingest uses.

// Media held while the key is checked; an encoder that waits for Publish.Start (ffmpeg, OBS) sends none.
const MAX_HELD_BYTES = 8 * 1024 * 1024;

export type PublishFn = (this: NmsRtmp, msg: NmsInvokeMessage) => void;

/** What the patched NMS methods delegate to: the running ingest. */
export interface NmsHookTarget {
  handlePublish(rtmp: NmsRtmp, msg: NmsInvokeMessage, original: PublishFn): Promise<void>;
  handlePlay(rtmp: NmsRtmp, msg: NmsInvokeMessage, original: PublishFn): void;
}

// NMS keeps its sessions and broadcasts in a module-level Context and we patch its Rtmp prototype,
// so only one ingest can run per process; `active` is the one the patched methods delegate to.
let active: NmsHookTarget | null = null;
let hooksInstalled = false;

/** Makes `target` the one ingest of this process (NMS state is module-global): throws when another runs. */
export function claimNmsHooks(target: NmsHookTarget): void {
  if (active) throw new Error('an ingest is already running in this process (node-media-server state is process-wide)');
  installHooks();
  // NMS logs every session at info/debug; keep only its warnings and errors.
  nms.logger.level = 'warn';
  active = target;
}

/** Lets another ingest start in this process once `target` has stopped (or failed to start). */
export function releaseNmsHooks(target: NmsHookTarget): void {
  if (active === target) active = null;
}

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

/** Buffers (copies of) media that arrives while the key is checked, to be replayed once accepted. */
export function holdPackets(rtmp: NmsRtmp): { release(): NmsPacket[] } {
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

export function withStreamId(rtmp: NmsRtmp, streamId: number, fn: () => void): void {
  const saved = rtmp.parserPacket;
  rtmp.parserPacket = { header: { stream_id: streamId } };
  try {
    fn();
  } finally {
    rtmp.parserPacket = saved;
  }
}

/** How much of the start of a publish a transcoder that attaches late still receives. */
const START_BUFFER_MS = 10_000;
/** How long after the first player attached the start is still kept: the worker's other ffmpeg (the recording's) attaches within it. */
const FIRST_WORKER_ATTACH_MS = 3_000;

/**
 * NMS replays to a new player only the frames since the last keyframe. The worker attaches a moment
 * after each publish (and, after an encoder reconnect, after stopping its previous ffmpeg), so
 * everything before that keyframe would be missing from the live playlists and the recording. For
 * the first seconds of a publish the cache keeps every frame since the publish began instead.
 */
export function keepStartOfPublish(broadcast: NmsBroadcast): void {
  const b = broadcast as NmsBroadcast & { broadcastMessage: (packet: NmsPacket) => void; rtmpGopCache: Set<Buffer> | null };
  const forward = b.broadcastMessage;
  const until = Date.now() + START_BUFFER_MS;
  let attachedAt: number | null = null;
  b.broadcastMessage = (packet) => {
    // Only for the worker that attaches first (its live ffmpeg and its recording's, a moment apart): a
    // later one (a worker taking the broadcast over) must get just the current GOP, or it would encode
    // seconds already published and the recording would repeat them (seen after an ingest drain
    // followed by a worker drain).
    const now = Date.now();
    if (attachedAt === null && b.subscribers.size > 0) attachedAt = now;
    const keeping = now < until && (attachedAt === null || now < attachedAt + FIRST_WORKER_ATTACH_MS);
    // On a keyframe NMS clears its cache and starts a new one holding only that frame: copy the
    // earlier frames first and put them back in front.
    const kept = packet.flags === 3 && b.rtmpGopCache && keeping ? [...b.rtmpGopCache] : null;
    forward(packet);
    if (kept) b.rtmpGopCache = new Set([...kept, ...(b.rtmpGopCache ?? [])]);
  };
}
