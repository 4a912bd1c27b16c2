import { describe, expect, it } from 'vitest';
import type { Namespace, Socket } from 'socket.io';
import type { ChatFrame, ChatItem } from '@onda/contracts';
import { ChatFanout, roomOf } from './chat.fanout.js';
import { resolveChatOptions, tickFor } from '../chat.options.js';

interface Written {
  event: string;
  payload: unknown;
  volatile: boolean;
  raw: boolean;
}

/** Splits unmasked server WebSocket text frames (7- or 16-bit lengths are all these tests produce) into payload strings. */
function wsMessages(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    expect(bytes[at]).toBe(0x81);
    let len = bytes[at + 1]!;
    let head = 2;
    if (len === 126) {
      len = bytes.readUInt16BE(at + 2);
      head = 4;
    }
    out.push(bytes.toString('utf8', at + head, at + head + len));
    at += head + len;
  }
  return out;
}

const decode = (text: string, prefix: string): [string, unknown] => {
  expect(text.startsWith(prefix)).toBe(true);
  return JSON.parse(text.slice(prefix.length)) as [string, unknown];
};

/** A viewer as the fan-out sees it: on the websocket transport (raw writes) or behind engine.io (polling, or busy). */
class FakeSocket {
  disconnected = false;
  readonly written: Written[] = [];
  readonly rawWrites: Buffer[] = [];
  onRawWrite: (() => void) | null = null;
  readonly conn: Record<string, unknown>;
  readonly client = {
    writeToEngine: (packets: string[], opts: { volatile: boolean }) => {
      for (const text of packets) {
        const [event, payload] = decode(text, '2/chat,');
        this.written.push({ event, payload, volatile: opts.volatile, raw: false });
      }
    },
  };

  constructor(
    raw: boolean,
    opts: { backlog?: number; pendingBytes?: number },
    private readonly onDisconnect: () => void,
  ) {
    const net = {
      writable: true,
      destroyed: false,
      writableLength: opts.pendingBytes ?? 0,
      write: (bytes: Buffer) => {
        this.rawWrites.push(bytes);
        this.onRawWrite?.();
        for (const text of wsMessages(bytes)) {
          const [event, payload] = decode(text, '42/chat,');
          this.written.push({ event, payload, volatile: false, raw: true });
        }
        return true;
      },
    };
    this.conn = {
      readyState: 'open',
      upgrading: false,
      writeBuffer: Array.from({ length: opts.backlog ?? 0 }),
      transport: raw ? { name: 'websocket', socket: { readyState: 1, _socket: net, _sender: { _state: 0, _queue: [] } } } : { name: 'polling' },
    };
  }

  disconnect(): void {
    this.disconnected = true;
    this.onDisconnect();
  }
}

/** The slice of a socket.io namespace the fan-out uses. */
class FakeNamespace {
  readonly name = '/chat';
  readonly server = { encoder: { encode: (p: { type: number; nsp: string; data: unknown }) => [`${p.type}${p.nsp},${JSON.stringify(p.data)}`] } };
  readonly adapter = { rooms: new Map<string, Set<string>>() };
  readonly sockets = new Map<string, FakeSocket>();
  readonly serverSide: unknown[][] = [];

  serverSideEmit(...args: unknown[]): void {
    this.serverSide.push(args);
  }

  on(): void {}

  addViewer(channelId: string, id: string, opts: { raw?: boolean; backlog?: number; pendingBytes?: number } = {}): FakeSocket {
    const room = roomOf(channelId);
    if (!this.adapter.rooms.has(room)) this.adapter.rooms.set(room, new Set());
    this.adapter.rooms.get(room)!.add(id);
    const socket = new FakeSocket(opts.raw ?? true, opts, () => this.adapter.rooms.get(room)!.delete(id));
    this.sockets.set(id, socket);
    return socket;
  }
}

const message = (text: string): ChatItem => ({
  type: 'message',
  message: { id: text, channelId: 'c', kind: 'message', author: { key: 'a:x', nickname: 'n', role: 'viewer', registered: false }, text, masked: false, createdAt: '' },
});
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
};

const frames = (s: FakeSocket) => s.written.filter((w) => w.event === 'frame').map((w) => (w.payload as ChatFrame).items.map((i) => (i.type === 'message' ? i.message.text : i.type)));

describe(ChatFanout.name, () => {
  const options = resolveChatOptions({ tickMs: 30, maxTickMs: 60, largeRoom: 4, coalesceMs: 5, slowConsumerPackets: 3, slowConsumerBytes: 1000 });

  it('writes everything a room got within a tick as one frame, the same bytes to every websocket viewer', async () => {
    const nsp = new FakeNamespace();
    const a = nsp.addViewer('c1', 's1');
    const b = nsp.addViewer('c1', 's2');
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    sut.publish('c1', [message('a')]);
    sut.publish('c1', [message('b'), message('c')]);
    await until(() => a.written.length === 1 && b.written.length === 1);
    sut.publish('c1', [message('d')]);
    await until(() => a.written.length === 2 && b.written.length === 2 && sut.counters.frames === 2);
    expect(frames(a)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(frames(b)).toEqual(frames(a));
    expect(a.written.every((w) => w.raw)).toBe(true);
    // Encoded once per frame: every viewer gets the very same Buffer.
    expect(a.rawWrites[0]).toBe(b.rawWrites[0]);
    expect(sut.counters).toMatchObject({ frames: 2, items: 4, rawWrites: 4, engineWrites: 0 });
    expect(nsp.serverSide).toEqual([]);
    sut.close();
  });

  it('sends the same frames through engine.io to viewers on polling or with packets queued there', async () => {
    const nsp = new FakeNamespace();
    const ws = nsp.addViewer('c1', 'ws');
    const polling = nsp.addViewer('c1', 'polling', { raw: false });
    const queued = nsp.addViewer('c1', 'queued', { backlog: 1 });
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    sut.publish('c1', [message('a'), message('b')]);
    await until(() => ws.written.length === 1 && polling.written.length === 1 && queued.written.length === 1);
    expect([frames(ws), frames(polling), frames(queued)]).toEqual([[['a', 'b']], [['a', 'b']], [['a', 'b']]]);
    expect([ws.written[0]!.raw, polling.written[0]!.raw, queued.written[0]!.raw]).toEqual([true, false, false]);
    expect(sut.counters).toMatchObject({ rawWrites: 1, engineWrites: 2 });
  });

  it('hands items to the other nodes once per publish when clustered, and skips rooms with nobody here', async () => {
    const nsp = new FakeNamespace();
    const sut = new ChatFanout(options);
    const seen: string[] = [];
    sut.onItems((channelId, items) => seen.push(`${channelId}:${items.length}`));
    sut.attach(nsp as unknown as Namespace, true);
    sut.publish('empty', [message('x')]);
    expect(nsp.serverSide).toEqual([['onda:chat-items', 'empty', [message('x')]]]);
    expect(seen).toEqual(['empty:1']);
    await new Promise((r) => setTimeout(r, 50));
    expect(sut.counters.frames).toBe(0);
  });

  it('disconnects viewers whose write buffer is over the bound instead of buffering more', async () => {
    const nsp = new FakeNamespace();
    const fast = nsp.addViewer('c1', 'fast');
    const slowEngine = nsp.addViewer('c1', 'slow-engine', { raw: false, backlog: 10 });
    const slowSocket = nsp.addViewer('c1', 'slow-socket', { pendingBytes: 5000 });
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    sut.publish('c1', [message('a')]);
    await until(() => fast.written.length === 1 && sut.counters.slowConsumers === 2);
    expect([fast.disconnected, slowEngine.disconnected, slowSocket.disconnected]).toEqual([false, true, true]);
    expect([slowEngine.written, slowSocket.written]).toEqual([[], []]);
    expect(sut.counters.slowConsumers).toBe(2);
  });

  it('sends viewer counts volatile, in the same write as a pending frame', async () => {
    const nsp = new FakeNamespace();
    const ws = nsp.addViewer('c1', 'ws');
    const polling = nsp.addViewer('c1', 'polling', { raw: false });
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    sut.emitViewers('c1', 7);
    await until(() => ws.written.length === 1 && polling.written.length === 1);
    expect(ws.written).toEqual([{ event: 'viewers', payload: { count: 7 }, volatile: false, raw: true }]);
    expect(polling.written).toEqual([{ event: 'viewers', payload: { count: 7 }, volatile: true, raw: false }]);
    sut.publish('c1', [message('a')]);
    sut.emitViewers('c1', 8);
    await until(() => ws.written.length === 3 && polling.written.length === 3);
    expect(ws.rawWrites).toHaveLength(2);
    expect(ws.written.slice(1).map((w) => w.event)).toEqual(['frame', 'viewers']);
    expect(polling.written.slice(1).map((w) => [w.event, w.volatile])).toEqual([
      ['frame', false],
      ['viewers', true],
    ]);
    sut.emitViewers('nobody-here', 3);
    await until(() => sut.counters.frames === 1);
    sut.close();
  });

  it('spreads a large room over the tick, each viewer getting everything once and in order', async () => {
    const nsp = new FakeNamespace();
    const viewers = Array.from({ length: 2500 }, (_, i) => nsp.addViewer('big', `v${i}`, { raw: i % 2 === 0 }));
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    // What the room's tail had received when the event loop next got a turn after the first write.
    const tailAtNextTurn = new Promise<number>((resolve) => {
      viewers[0]!.onRawWrite = () => setImmediate(() => resolve(viewers.at(-1)!.written.length));
    });
    sut.publish('big', [message('a')]);
    expect(await tailAtNextTurn).toBe(0);
    viewers[0]!.onRawWrite = null;
    await until(() => viewers.every((v) => v.written.length === 1));
    sut.publish('big', [message('b')]);
    await until(() => viewers.every((v) => v.written.length === 2));
    for (const v of viewers) expect(frames(v)).toEqual([['a'], ['b']]);
    sut.close();
  });

  /** Room c1 with an `early` viewer, 'a' published to it, then a `late` viewer joining: its snapshot not read yet. */
  const lateJoin = () => {
    const nsp = new FakeNamespace();
    const early = nsp.addViewer('c1', 'early');
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    sut.publish('c1', [message('a')]);
    const late = nsp.addViewer('c1', 'late');
    sut.joined('c1', late as unknown as Socket);
    return { sut, early, late };
  };

  it('owes a viewer that joins only what is published after it joined', async () => {
    const { sut, early, late } = lateJoin();
    sut.delivered(late as unknown as Socket, []);
    sut.publish('c1', [message('b')]);
    await until(() => early.written.length === 1 && late.written.length === 1);
    expect([frames(early), frames(late)]).toEqual([[['a', 'b']], [['b']]]);
    sut.close();
  });

  it('writes a joining viewer nothing until its snapshot is read, then everything after it but what the snapshot held', async () => {
    const { sut, early, late } = lateJoin();
    // b and c reach the room while the join reads its snapshot; b was stored in time to be in it, c was not.
    sut.publish('c1', [message('b')]);
    sut.publish('c1', [message('c')]);
    await until(() => frames(early).flat().length === 3);
    await new Promise((r) => setTimeout(r, 3 * options.maxTickMs));
    expect(late.written).toEqual([]);
    const now = new Date().toISOString();
    sut.delivered(late as unknown as Socket, [{ id: 'a', createdAt: now }, { id: 'b', createdAt: now }]);
    await until(() => late.written.length === 1);
    sut.publish('c1', [message('b'), message('d')]);
    await until(() => frames(early).flat().length === 5 && frames(late).flat().length === 3);
    // A message is left out once: the same id published again (an edit, a re-send) is written.
    expect(frames(late)).toEqual([['c'], ['b', 'd']]);
    sut.close();
  });

  it('stretches the tick with the room size', () => {
    const defaults = resolveChatOptions();
    expect([0, 1000, 5000, 10_000, 50_000].map((n) => tickFor(defaults, n))).toEqual([100, 110, 150, 200, 200]);
  });
});
