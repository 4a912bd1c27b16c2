/**
 * The chat bench's load generator: a child process (forked with IPC) holding thousands of raw WebSocket
 * viewers in one room. A viewer costs one `ws` socket and a few closures: it does the engine.io/socket.io
 * handshake, joins with an acknowledgement, answers pings, and on the hot path only counts frames and the
 * `"type":"message"` items in them (no decoding, no JSON). A room's frame is the same bytes for every
 * viewer, so its items are counted once (Buffer.indexOf) and remembered under its length and first bytes,
 * which hold the first item's unique id: scanning every copy cost the load generator more CPU than the
 * server spent sending them. Every `sampleEvery`-th viewer also decodes its frames and times each bench
 * message from the send time in its text.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { connectPacket, countOccurrences, eventPacket, LatencyHistogram, parsePacket, sentTimes, socketUrl, type HistogramJson } from './chat-wire.js';

export interface ConnectCommand {
  cmd: 'connect';
  httpUrl: string;
  nsp: string;
  channel: string;
  count: number;
  /** Viewer numbers start here (nicknames stay unique across load processes). */
  offset: number;
  concurrency: number;
  sampleEvery: number;
  auth?: Record<string, unknown>;
  /** Loopback source addresses to spread connections over (per-IP limits), round-robin. */
  sourceAddresses?: string[];
  timeoutMs: number;
}
export type LoadCommand = ConnectCommand | { cmd: 'reset' } | { cmd: 'stats' } | { cmd: 'close' };

export interface ConnectResult {
  joined: number;
  failed: number;
  /** Failure reasons and how often each happened. */
  errors: Record<string, number>;
  ms: number;
}

export interface LoadStats {
  /** Since the last reset. */
  seconds: number;
  /** WebSocket messages other than pings: `frame`, `viewers` and anything else the server pushed. */
  frames: number;
  frameEvents: number;
  viewerEvents: number;
  messages: number;
  bytes: number;
  latency: HistogramJson;
  /** Viewers whose socket closed (or were disconnected from the namespace) after joining. */
  dropped: number;
  open: number;
  cpuUs: number;
  eventLoopP99Ms: number;
}

export type LoadReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string } | { progress: { joined: number; failed: number } };

const FRAME_PREFIX = (nsp: string): Buffer => Buffer.from(`42${nsp === '/' ? '' : `${nsp},`}["frame"`);
const VIEWERS_PREFIX = (nsp: string): Buffer => Buffer.from(`42${nsp === '/' ? '' : `${nsp},`}["viewers"`);
const MESSAGE_ITEM = Buffer.from('"type":"message"');
const PING = 0x32; // '2'
const JOIN_ACK_ID = 1;

/** Bytes of a frame that, with its length, identify it: past the first item's id in an Onda or baseline frame. */
const FRAME_KEY_BYTES = 160;
const itemCounts = new Map<string, number>();

/** `"type":"message"` items in a frame, counted on its first copy only. */
function messagesIn(data: Buffer, skip: number): number {
  const key = `${data.length}:${data.toString('latin1', 0, Math.min(FRAME_KEY_BYTES, data.length))}`;
  let count = itemCounts.get(key);
  if (count === undefined) {
    count = countOccurrences(data, MESSAGE_ITEM, skip);
    // Frames of the last few seconds are all that can still arrive.
    if (itemCounts.size >= 20_000) itemCounts.clear();
    itemCounts.set(key, count);
  }
  return count;
}

const viewers = new Set<WebSocket>();
const counters = { frames: 0, frameEvents: 0, viewerEvents: 0, messages: 0, bytes: 0, dropped: 0 };
let latency = new LatencyHistogram();
let since = Date.now();
let cpuAtReset = process.cpuUsage();
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

const startsWith = (data: Buffer, prefix: Buffer): boolean => data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

/** Opens one viewer: WebSocket, engine.io open, namespace connect, `join` with ack. Resolves when joined. */
function openViewer(c: ConnectCommand, n: number): Promise<void> {
  const frame = FRAME_PREFIX(c.nsp);
  const viewersEvent = VIEWERS_PREFIX(c.nsp);
  const sample = n % c.sampleEvery === 0;
  const localAddress = c.sourceAddresses?.length ? c.sourceAddresses[n % c.sourceAddresses.length] : undefined;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl(c.httpUrl), { perMessageDeflate: false, skipUTF8Validation: true, ...(localAddress ? { localAddress } : {}) });
    let joined = false;
    let dropped = false;
    /** Once per viewer, whether the socket closed or the server left the namespace first. */
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      viewers.delete(ws);
      counters.dropped++;
    };
    const fail = (reason: string): void => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail('timeout'), c.timeoutMs);
    ws.on('error', (e) => {
      if (!joined) fail(`socket error: ${(e as NodeJS.ErrnoException).code ?? e.message}`);
    });
    ws.on('close', () => {
      if (joined) drop();
      else fail('closed before joining');
    });
    ws.on('message', (data: Buffer) => {
      if (data.length === 1 && data[0] === PING) {
        ws.send('3');
        return;
      }
      if (joined) {
        counters.frames++;
        counters.bytes += data.length;
        if (startsWith(data, frame)) {
          counters.frameEvents++;
          counters.messages += messagesIn(data, frame.length);
          if (sample) {
            const now = Date.now();
            for (const sentAt of sentTimes(data.toString())) latency.record(now - sentAt);
          }
        } else if (startsWith(data, viewersEvent)) counters.viewerEvents++;
        else if (data.toString().startsWith(`41${c.nsp},`)) {
          // Disconnected from the namespace by the server (kicked as a slow consumer, say).
          drop();
          ws.close();
        }
        return;
      }
      let packet;
      try {
        packet = parsePacket(data.toString());
      } catch {
        return fail(`unparsable: ${data.toString().slice(0, 80)}`);
      }
      if (packet.kind === 'open') ws.send(connectPacket(c.nsp, c.auth));
      else if (packet.kind === 'connect' && packet.nsp === c.nsp) ws.send(eventPacket(c.nsp, 'join', { channel: c.channel, nickname: `viewer${n}` }, JOIN_ACK_ID));
      else if (packet.kind === 'connect_error') fail(`connect_error: ${JSON.stringify(packet.data).slice(0, 120)}`);
      else if (packet.kind === 'ack' && packet.ackId === JOIN_ACK_ID) {
        const ack = packet.args[0] as { ok: boolean; error?: { code: string; detail: string } };
        if (!ack.ok) return fail(`join: ${ack.error?.code ?? 'refused'}`);
        joined = true;
        clearTimeout(timer);
        viewers.add(ws);
        resolve();
      } else if (packet.kind === 'disconnect') fail('disconnected before joining');
    });
  });
}

/** Opens `c.count` viewers, `c.concurrency` handshakes at a time. */
export async function connect(c: ConnectCommand, progress: (p: { joined: number; failed: number }) => void = () => undefined): Promise<ConnectResult> {
  const started = Date.now();
  let next = 0;
  let joined = 0;
  let failed = 0;
  const errors: Record<string, number> = {};
  let lastProgress = Date.now();
  const lane = async (): Promise<void> => {
    while (next < c.count) {
      const n = c.offset + next++;
      try {
        await openViewer(c, n);
        joined++;
      } catch (e) {
        failed++;
        const reason = e instanceof Error ? e.message : String(e);
        errors[reason] = (errors[reason] ?? 0) + 1;
      }
      if (Date.now() - lastProgress > 2000) {
        lastProgress = Date.now();
        progress({ joined, failed });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(c.concurrency, c.count) }, lane));
  return { joined, failed, errors, ms: Date.now() - started };
}

/** Zeroes the counters, the latency sample and the CPU and event-loop readings. */
export function reset(): void {
  for (const key of Object.keys(counters) as Array<keyof typeof counters>) counters[key] = 0;
  latency = new LatencyHistogram();
  since = Date.now();
  cpuAtReset = process.cpuUsage();
  delay.reset();
}

/** Everything counted since the last reset. */
export function stats(): LoadStats {
  const cpu = process.cpuUsage(cpuAtReset);
  return {
    seconds: (Date.now() - since) / 1000,
    ...counters,
    latency: latency.toJSON(),
    open: viewers.size,
    cpuUs: cpu.user + cpu.system,
    // Beyond the sampling interval, as in chat-probe-hook.ts; NaN when no sample was taken.
    eventLoopP99Ms: delay.count ? Math.max(0, delay.percentile(99) / 1e6 - 10) : Number.NaN,
  };
}

/** Closes every viewer. */
export async function close(): Promise<void> {
  for (const ws of viewers) ws.terminate();
  viewers.clear();
}

const send = (reply: LoadReply): void => {
  process.send?.(reply);
};

// Serves the bench process when forked with `--serve` (never when merely imported, e.g. by a test in a forked worker).
if (process.send && process.argv.includes('--serve')) {
  process.on('message', (raw: { id: number } & LoadCommand) => {
    const { id } = raw;
    const work = async (): Promise<unknown> => {
      switch (raw.cmd) {
        case 'connect':
          return connect(raw, (p) => send({ progress: p }));
        case 'reset':
          return reset();
        case 'stats':
          return stats();
        case 'close':
          return close();
      }
    };
    work().then(
      (result) => send({ id, ok: true, result: result ?? null }),
      (e: unknown) => send({ id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
