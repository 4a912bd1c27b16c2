/**
 * The chat bench's real clients, in the bench process itself: a few socket.io-client probes that time
 * every message they receive, the senders that post M messages/s with the send time in the text, and the
 * controller of the raw-viewer load processes (chat-load.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { CHAT_NAMESPACE, type ChatAck, type ChatFrame, type ChatJoined, type ChatSent } from '@onda/contracts';
import WebSocket from 'ws';
import { benchMessageText, connectPacket, eventPacket, LatencyHistogram, parsePacket, sentTimes, socketUrl, type Packet } from './chat-wire.js';
import type { ConnectCommand, ConnectResult, LoadCommand, LoadReply, LoadStats } from './chat-load.js';
import { atExit } from '@onda/testing';

export interface ClientOptions {
  httpUrl: string;
  channel: string;
  auth?: Record<string, unknown>;
  localAddress?: string;
}

const PING = 0x32; // '2'

/** A socket.io-client joined to the room (websocket only, no reconnection: a drop must show, not heal). */
export async function joinChat(o: ClientOptions, nickname: string, timeoutMs = 20_000): Promise<Socket> {
  const socket = io(`${o.httpUrl}${CHAT_NAMESPACE}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
    ...(o.auth ? { auth: o.auth } : {}),
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const ack = (await socket.timeout(timeoutMs).emitWithAck('join', { channel: o.channel, nickname })) as ChatAck<ChatJoined>;
    if (!ack.ok) throw new Error(`join refused: ${ack.error.code} ${ack.error.detail}`);
    return socket;
  } catch (e) {
    socket.disconnect();
    throw e;
  }
}

/** A real socket.io-client viewer that times every bench message it receives. */
export class LatencyProbe {
  latency = new LatencyHistogram();
  messages = 0;
  frames = 0;
  disconnected = false;

  constructor(readonly socket: Socket) {
    socket.on('frame', (frame: ChatFrame) => {
      const now = Date.now();
      this.frames++;
      for (const item of frame.items) {
        if (item.type !== 'message') continue;
        this.messages++;
        for (const sentAt of sentTimes(item.message.text)) this.latency.record(now - sentAt);
      }
    });
    socket.on('disconnect', () => {
      this.disconnected = true;
    });
  }

  reset(): void {
    this.latency = new LatencyHistogram();
    this.messages = 0;
    this.frames = 0;
  }
}

/**
 * A raw-wire chat client for the senders: acknowledged events, pings answered, everything else the server
 * pushes (hundreds of frames a second across the senders) dropped without decoding.
 */
export class RawChatSocket {
  private nextAck = 1;
  private readonly acks = new Map<number, (ack: ChatAck<unknown> | null) => void>();
  closed = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      if (data.length === 1 && data[0] === PING) ws.send('3');
      else if (data[0] === 0x34 && data[1] === 0x33) this.settle(parsePacket(data.toString()));
    });
    ws.on('close', () => {
      this.closed = true;
      for (const done of this.acks.values()) done(null);
      this.acks.clear();
    });
  }

  private settle(packet: Packet): void {
    if (packet.kind !== 'ack') return;
    const done = this.acks.get(packet.ackId);
    this.acks.delete(packet.ackId);
    done?.(packet.args[0] as ChatAck<unknown>);
  }

  /** Connects to `/chat` and joins; rejects with the server's reason. */
  static join(o: ClientOptions, nickname: string, timeoutMs = 20_000): Promise<RawChatSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(socketUrl(o.httpUrl), { perMessageDeflate: false, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
      const fail = (reason: string): void => {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(reason));
      };
      const timer = setTimeout(() => fail('timeout'), timeoutMs);
      const handshake = (data: Buffer): void => {
        const packet = parsePacket(data.toString());
        if (packet.kind === 'open') ws.send(connectPacket(CHAT_NAMESPACE, o.auth));
        else if (packet.kind === 'connect') ws.send(eventPacket(CHAT_NAMESPACE, 'join', { channel: o.channel, nickname }, 0));
        else if (packet.kind === 'connect_error') fail(`connect_error: ${JSON.stringify(packet.data)}`);
        else if (packet.kind === 'ack' && packet.ackId === 0) {
          const ack = packet.args[0] as ChatAck<unknown>;
          if (!ack.ok) return fail(`join refused: ${ack.error.code} ${ack.error.detail}`);
          clearTimeout(timer);
          ws.off('message', handshake);
          resolve(new RawChatSocket(ws));
        }
      };
      ws.on('message', handshake);
      ws.once('error', (e) => fail(e.message));
    });
  }

  /** Emits with an acknowledgement; `done(null)` when none came within `timeoutMs` or the socket closed. */
  emit(event: string, data: unknown, done: (ack: ChatAck<unknown> | null) => void, timeoutMs = 10_000): void {
    const id = this.nextAck++;
    const timer = setTimeout(() => {
      if (this.acks.delete(id)) done(null);
    }, timeoutMs);
    this.acks.set(id, (ack) => {
      clearTimeout(timer);
      done(ack);
    });
    this.ws.send(eventPacket(CHAT_NAMESPACE, event, data, id));
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Posts `rate` messages/s in total, round-robin over its sockets, and counts the acknowledgements. */
export class Senders {
  sent = 0;
  accepted = 0;
  /** Acknowledged with an error, by code (rate_limited, ...), or `no ack` within 10 s. */
  refused: Record<string, number> = {};
  /** Outcomes other than `delivered` (masked, held, dropped by the moderation pipeline). */
  outcomes: Record<string, number> = {};
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly sockets: RawChatSocket[]) {}

  start(rate: number): void {
    const started = Date.now();
    let sent = 0;
    // A 10 ms scheduler: sends whatever is due, so the rate holds even when a timer fires late.
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) * rate) / 1000) - sent;
      for (let i = 0; i < due; i++, sent++) {
        const s = sent % this.sockets.length;
        const seq = ++this.seq;
        this.sent++;
        this.sockets[s]!.emit('send', { text: benchMessageText(s, seq, Date.now()) }, (ack) => {
          if (!ack) this.refused['no ack'] = (this.refused['no ack'] ?? 0) + 1;
          else if (ack.ok) {
            this.accepted++;
            const outcome = (ack.data as Partial<ChatSent> | undefined)?.outcome;
            if (outcome && outcome !== 'delivered') this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
          } else this.refused[ack.error.code] = (this.refused[ack.error.code] ?? 0) + 1;
        });
      }
    }, 10);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  reset(): void {
    this.sent = 0;
    this.accepted = 0;
    this.refused = {};
    this.outcomes = {};
  }
}

const loadScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'chat-load.js');

/** The raw-viewer load processes: viewers are split evenly, figures summed. */
export class LoadProcesses {
  private nextId = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly unregister: () => void;

  private constructor(private readonly children: ChildProcess[], onProgress: (joined: number, failed: number) => void) {
    const progress = children.map(() => ({ joined: 0, failed: 0 }));
    children.forEach((child, i) => {
      child.on('message', (reply: LoadReply) => {
        if ('progress' in reply) {
          progress[i] = reply.progress;
          onProgress(progress.reduce((a, p) => a + p.joined, 0), progress.reduce((a, p) => a + p.failed, 0));
          return;
        }
        const waiter = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.ok) waiter?.resolve(reply.result);
        else waiter?.reject(new Error(reply.error));
      });
      child.once('exit', (code, signal) => {
        for (const w of this.pending.values()) w.reject(new Error(`load process exited (${code ?? signal})`));
        this.pending.clear();
      });
    });
    this.unregister = atExit(() => children.forEach((c) => c.kill('SIGKILL')));
  }

  static start(count: number, onProgress: (joined: number, failed: number) => void): LoadProcesses {
    // No inherited flags (the bench may run under a debugger), but BENCH_LOAD_NODE_FLAGS (e.g. --cpu-prof) to study
    // the load generator itself; output kept quiet unless asked for.
    const execArgv = process.env.BENCH_LOAD_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const children = Array.from({ length: count }, () => fork(loadScript, ['--serve'], { execArgv, stdio: process.env.BENCH_VERBOSE ? 'inherit' : ['ignore', 'ignore', 'inherit', 'ipc'] }));
    return new LoadProcesses(children, onProgress);
  }

  private request<T>(child: ChildProcess, command: LoadCommand): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, ...command });
    });
  }

  private all<T>(command: LoadCommand): Promise<T[]> {
    return Promise.all(this.children.map((c) => this.request<T>(c, command)));
  }

  async connect(c: Omit<ConnectCommand, 'cmd' | 'offset'>): Promise<ConnectResult> {
    const share = Math.ceil(c.count / this.children.length);
    const results = await Promise.all(
      this.children.map((child, i) => this.request<ConnectResult>(child, { ...c, cmd: 'connect', offset: i * share, count: Math.max(0, Math.min(share, c.count - i * share)) })),
    );
    const errors: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    return { joined: sum(results.map((r) => r.joined)), failed: sum(results.map((r) => r.failed)), errors, ms: Math.max(...results.map((r) => r.ms)) };
  }

  async reset(): Promise<void> {
    await this.all({ cmd: 'reset' });
  }

  async stats(): Promise<LoadStats & { latencyHistogram: LatencyHistogram }> {
    const all = await this.all<LoadStats>({ cmd: 'stats' });
    const latencyHistogram = new LatencyHistogram();
    for (const s of all) latencyHistogram.merge(s.latency);
    return {
      seconds: Math.max(...all.map((s) => s.seconds)),
      frames: sum(all.map((s) => s.frames)),
      frameEvents: sum(all.map((s) => s.frameEvents)),
      viewerEvents: sum(all.map((s) => s.viewerEvents)),
      messages: sum(all.map((s) => s.messages)),
      bytes: sum(all.map((s) => s.bytes)),
      latency: latencyHistogram.toJSON(),
      latencyHistogram,
      dropped: sum(all.map((s) => s.dropped)),
      open: sum(all.map((s) => s.open)),
      cpuUs: sum(all.map((s) => s.cpuUs)),
      eventLoopP99Ms: Math.max(...all.map((s) => s.eventLoopP99Ms)),
    };
  }

  async stop(): Promise<void> {
    await this.all({ cmd: 'close' }).catch(() => undefined);
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    }
    this.unregister();
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
