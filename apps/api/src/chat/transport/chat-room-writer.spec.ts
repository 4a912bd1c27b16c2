import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { CHAT_NAMESPACE, type ChatFrame, type ChatItem } from '@onda/contracts';
import { ChatFanout, roomOf } from './chat.fanout.js';
import { resolveChatOptions } from '../chat.options.js';
import { wsTextFrame } from './chat-room-writer.js';

const message = (id: string, text: string): ChatItem => ({
  type: 'message',
  message: { id, channelId: 'c1', kind: 'message', author: { key: 'a:x', nickname: '닉네임', role: 'viewer', registered: false }, text, masked: false, createdAt: '2026-01-01T00:00:00.000Z' },
});

/** A real socket.io client in the room, keeping every frame and viewer count it decodes. */
interface Viewer {
  socket: ClientSocket;
  frames: ChatFrame[];
  viewers: number[];
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
};

describe('ChatFanout over real socket.io', () => {
  let http: HttpServer;
  let server: Server;
  let sut: ChatFanout;
  let url: string;
  const viewers: Viewer[] = [];

  const connect = async (transports: Array<'websocket' | 'polling'>, upgrade = true): Promise<Viewer> => {
    const socket = io(`${url}${CHAT_NAMESPACE}`, { transports, upgrade, forceNew: true, reconnection: false });
    const v: Viewer = { socket, frames: [], viewers: [] };
    socket.on('frame', (f: ChatFrame) => v.frames.push(f));
    socket.on('viewers', (c: { count: number }) => v.viewers.push(c.count));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    viewers.push(v);
    return v;
  };

  beforeAll(async () => {
    http = createServer();
    // The chat's own socket.io settings where they matter here (no per-message deflate is socket.io's default).
    server = new Server(http, { serveClient: false, maxHttpBufferSize: 16 * 1024 });
    const nsp = server.of(CHAT_NAMESPACE);
    nsp.on('connection', (socket) => void socket.join(roomOf('c1')));
    sut = new ChatFanout(resolveChatOptions({ coalesceMs: 1, tickMs: 5, maxTickMs: 5 }));
    sut.attach(nsp, false);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const v of viewers) v.socket.disconnect();
    sut.close();
    await server.close();
  });

  it('encodes WebSocket frame headers for every payload length class', () => {
    expect([...wsTextFrame(Buffer.from('hi'))]).toEqual([0x81, 2, 0x68, 0x69]);
    expect([...wsTextFrame(Buffer.alloc(300)).subarray(0, 4)]).toEqual([0x81, 126, 0x01, 0x2c]);
    expect([...wsTextFrame(Buffer.alloc(70_000)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70]);
  });

  it('delivers the raw frame to websocket clients and the same payload through engine.io to polling clients', async () => {
    const ws = await connect(['websocket']);
    const polling = await connect(['polling'], false);
    const upgrading = await connect(['polling', 'websocket']);
    await until(() => sut.localSize('c1') === 3);
    const before = { ...sut.counters };

    // Three sizes: a 7-bit, a 16-bit and a 64-bit WebSocket length (Korean text: multi-byte UTF-8).
    const small: ChatItem[] = [{ type: 'delete', messageIds: ['x'] }];
    const medium = [message('m1', '안녕하세요 hello'), message('m2', 'second')];
    const large = Array.from({ length: 250 }, (_, i) => message(`l${i}`, `${'가나다라마바사 '.repeat(35)}${i}`));
    for (const items of [small, medium, large]) {
      sut.publish('c1', items);
      await until(() => viewers.every((v) => v.frames.length === viewers[0]!.frames.length) && ws.frames.length > 0 && ws.frames.at(-1)!.items.length === items.length);
      await until(() => polling.frames.length === ws.frames.length && upgrading.frames.length === ws.frames.length);
    }
    for (const v of [ws, polling, upgrading]) expect(v.frames).toEqual([{ items: small }, { items: medium }, { items: large }]);
    expect(sut.counters.rawWrites - before.rawWrites).toBeGreaterThanOrEqual(3);
    // The polling client can only be written through engine.io.
    expect(sut.counters.engineWrites - before.engineWrites).toBeGreaterThanOrEqual(3);

    // Viewer counts are volatile (a polling viewer between two requests misses one) and the product sends one every
    // beat: so does this test, until each transport has had one.
    const beat = setInterval(() => sut.emitViewers('c1', 42), 50);
    try {
      await until(() => [ws, polling, upgrading].every((v) => v.viewers.includes(42)));
    } finally {
      clearInterval(beat);
    }
  });
});
