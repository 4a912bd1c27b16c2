import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { close, connect, reset, stats } from './chat-load.js';
import { joinChat, LatencyProbe, RawChatSocket } from './chat-clients.js';
import { benchMessageText, LatencyHistogram } from './chat-wire.js';

/** A real socket.io server speaking the chat contract's join/frame shape, with pings every 100 ms. */
let http: HttpServer;
let io: Server;
let httpUrl: string;

beforeAll(async () => {
  http = createServer();
  io = new Server(http, { pingInterval: 100, pingTimeout: 200 });
  io.of('/chat').on('connection', (socket) => {
    socket.on('join', (payload: { channel: string; nickname?: string }, ack: (a: unknown) => void) => {
      if (payload.nickname === 'viewer3') return ack({ ok: false, error: { code: 'forbidden', detail: 'not you' } });
      void socket.join(payload.channel);
      ack({ ok: true, data: { viewers: 1 } });
    });
    socket.on('send', (payload: { text: string }, ack: (a: unknown) => void) => {
      if (payload.text === 'too fast') return ack({ ok: false, error: { code: 'rate_limited', detail: 'slow down', retryAfterMs: 100 } });
      ack({ ok: true, data: { id: '1', outcome: 'delivered' } });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await close();
  await io.close();
});

const waitUntil = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
};

describe('chat load generator (raw viewers)', () => {
  it('joins through the real socket.io handshake, stays connected across pings, counts and times frames', async () => {
    const result = await connect({ cmd: 'connect', httpUrl, nsp: '/chat', channel: 'room', count: 20, offset: 0, concurrency: 5, sampleEvery: 10, timeoutMs: 5000 });
    // viewer3's join is refused by the server: counted as a failure with its reason.
    expect(result).toMatchObject({ joined: 19, failed: 1, errors: { 'join: forbidden': 1 } });
    const probe = new LatencyProbe(await joinChat({ httpUrl, channel: 'room' }, 'probe'));

    // Several ping intervals: a viewer that did not answer would be closed by the server.
    await new Promise((r) => setTimeout(r, 600));
    reset();
    const sentAt = Date.now();
    const message = (seq: number) => ({ type: 'message', message: { id: String(seq), text: benchMessageText(0, seq, sentAt) } });
    io.of('/chat').to('room').emit('frame', { items: [message(1), { type: 'delete', messageIds: ['x'] }, message(2)] });
    io.of('/chat').to('room').emit('viewers', { count: 21 });
    await waitUntil(() => stats().messages === 38 && stats().viewerEvents === 19 && probe.messages === 2);

    const s = stats();
    expect(s).toMatchObject({ frames: 38, frameEvents: 19, viewerEvents: 19, messages: 38, dropped: 0, open: 19 });
    // viewer0 and viewer10 are sampled (every 10th): two messages each.
    const latency = LatencyHistogram.from(s.latency);
    expect(latency.n).toBe(4);
    expect(latency.quantile(1)).toBeLessThan(5000);
    expect(probe.latency.n).toBe(2);
    probe.socket.disconnect();
  });

  it('counts viewers the server disconnects after they joined', async () => {
    reset();
    const sockets = await io.of('/chat').in('room').fetchSockets();
    sockets[0]!.disconnect(true);
    await waitUntil(() => stats().dropped === 1);
    expect(stats().open).toBe(18);
  });

  it('lets a raw sender join with a device id and get its acknowledgements', async () => {
    const sut = await RawChatSocket.join({ httpUrl, channel: 'room', auth: { deviceId: 'benchsender0' } }, 'sender0');
    const ack = (text: string) => new Promise((resolve) => sut.emit('send', { text }, resolve));
    expect(await ack('hello')).toEqual({ ok: true, data: { id: '1', outcome: 'delivered' } });
    expect(await ack('too fast')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    sut.close();
  });
});
