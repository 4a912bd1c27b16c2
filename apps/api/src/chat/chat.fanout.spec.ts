import { describe, expect, it } from 'vitest';
import type { Namespace } from 'socket.io';
import type { ChatFrame, ChatItem } from '@onda/contracts';
import { ChatFanout, roomOf } from './chat.fanout.js';
import { resolveChatOptions, tickFor } from './chat.options.js';

/** The slice of a socket.io namespace the fan-out uses, recording every emit. */
class FakeNamespace {
  readonly adapter = { rooms: new Map<string, Set<string>>() };
  readonly sockets = new Map<string, { conn: { writeBuffer: unknown[] }; disconnected: boolean; disconnect(): void }>();
  readonly emits: Array<{ room: string; event: string; payload: unknown; volatile: boolean }> = [];
  readonly serverSide: unknown[][] = [];

  get local() {
    return {
      to: (room: string) => ({
        emit: (event: string, payload: unknown) => this.emits.push({ room, event, payload, volatile: false }),
        volatile: { emit: (event: string, payload: unknown) => this.emits.push({ room, event, payload, volatile: true }) },
      }),
    };
  }

  serverSideEmit(...args: unknown[]): void {
    this.serverSide.push(args);
  }

  on(): void {}

  addViewer(channelId: string, id: string, backlog = 0): void {
    const room = roomOf(channelId);
    if (!this.adapter.rooms.has(room)) this.adapter.rooms.set(room, new Set());
    this.adapter.rooms.get(room)!.add(id);
    const socket = {
      conn: { writeBuffer: Array.from({ length: backlog }) },
      disconnected: false,
      disconnect: () => {
        socket.disconnected = true;
        this.adapter.rooms.get(room)!.delete(id);
      },
    };
    this.sockets.set(id, socket);
  }
}

const message = (text: string): ChatItem => ({
  type: 'message',
  message: { id: text, channelId: 'c', kind: 'message', author: { key: 'a:x', nickname: 'n', role: 'viewer', registered: false }, text, masked: false, createdAt: '' },
});
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
};

describe(ChatFanout.name, () => {
  const options = resolveChatOptions({ tickMs: 30, maxTickMs: 60, largeRoom: 4, coalesceMs: 5, slowConsumerPackets: 3 });

  it('emits everything a room got within a tick as one frame, once for the whole room', async () => {
    const nsp = new FakeNamespace();
    nsp.addViewer('c1', 's1');
    nsp.addViewer('c1', 's2');
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    sut.publish('c1', [message('a')]);
    sut.publish('c1', [message('b'), message('c')]);
    await until(() => nsp.emits.length === 1);
    sut.publish('c1', [message('d')]);
    await until(() => nsp.emits.length === 2);
    expect(nsp.emits.map((e) => [e.room, e.event, (e.payload as ChatFrame).items.length])).toEqual([
      ['ch:c1', 'frame', 3],
      ['ch:c1', 'frame', 1],
    ]);
    expect(sut.counters).toMatchObject({ frames: 2, items: 4 });
    expect(nsp.serverSide).toEqual([]);
    sut.close();
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
    expect(nsp.emits).toEqual([]);
  });

  it('disconnects viewers whose write buffer is over the bound instead of buffering more', async () => {
    const nsp = new FakeNamespace();
    nsp.addViewer('c1', 'fast', 0);
    nsp.addViewer('c1', 'slow', 10);
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    sut.publish('c1', [message('a')]);
    await until(() => nsp.emits.length === 1);
    expect(nsp.sockets.get('slow')!.disconnected).toBe(true);
    expect(nsp.sockets.get('fast')!.disconnected).toBe(false);
    expect(sut.counters.slowConsumers).toBe(1);
  });

  it('sends viewer counts volatile', () => {
    const nsp = new FakeNamespace();
    const sut = new ChatFanout(options);
    sut.attach(nsp as unknown as Namespace, false);
    sut.emitViewers('c1', 7);
    expect(nsp.emits).toEqual([{ room: 'ch:c1', event: 'viewers', payload: { count: 7 }, volatile: true }]);
  });

  it('stretches the tick with the room size', () => {
    const defaults = resolveChatOptions();
    expect([0, 1000, 5000, 10_000, 50_000].map((n) => tickFor(defaults, n))).toEqual([100, 115, 175, 250, 250]);
  });
});
