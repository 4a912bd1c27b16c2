import { createServer, type Server as HttpServer } from 'node:http';
import { Socket as NetSocket, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, type Namespace, type Socket } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { CHAT_NAMESPACE } from '@onda/contracts';
import { encodeRoomPacket, engineBacklog, rawSocketOf, writeThroughEngine } from './chat-room-writer.js';

/**
 * chat-room-writer.ts reads socket.io, engine.io and ws internals (see the comment there). socket.io is pinned to an
 * exact version for it; this spec is what tells an upgrade (of socket.io or of the engine.io and ws it brings) broke
 * them: each internal is exercised on a real server and client, and the behaviour the writer relies on is asserted.
 */
describe('socket.io internals the chat room writer relies on', () => {
  let http: HttpServer;
  let server: Server;
  let nsp: Namespace;
  let url: string;
  const clients: ClientSocket[] = [];
  const payload = { items: [{ type: 'delete', messageIds: ['m1'] }], text: '안녕하세요' };

  const connect = async (transports: Array<'websocket' | 'polling'>, upgrade = true): Promise<{ client: ClientSocket; socket: Socket }> => {
    const client = io(`${url}${CHAT_NAMESPACE}`, { transports, upgrade, forceNew: true, reconnection: false });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    const socket = nsp.sockets.get(client.id!);
    if (!socket) throw new Error('no server socket for the client');
    return { client, socket };
  };
  const next = (client: ClientSocket, event: string): Promise<unknown> => new Promise((resolve) => client.once(event, resolve));

  beforeAll(async () => {
    http = createServer();
    server = new Server(http, { serveClient: false });
    nsp = server.of(CHAT_NAMESPACE);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server.close();
  });

  it('encodes a room event with the server encoder exactly as socket.io itself emits it', async () => {
    const { client, socket } = await connect(['websocket']);
    const emitted: unknown[] = [];
    socket.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
      if (packet.type === 'message') emitted.push(packet.data);
    });
    const received = next(client, 'frame');
    socket.emit('frame', payload);
    await expect(received).resolves.toEqual(payload);
    expect(emitted).toEqual([encodeRoomPacket(nsp, 'frame', payload)!.text]);
  });

  it('reads the engine.io and ws state of a websocket viewer under the names the writer uses', async () => {
    const { socket } = await connect(['websocket']);
    // Not through rawSocketOf: a renamed field must fail here by name, not just turn raw writes off.
    const conn = socket.conn as unknown as Record<string, unknown> & { transport: Record<string, unknown> & { socket: Record<string, unknown> & { _sender: Record<string, unknown> } } };
    expect(conn.readyState).toBe('open');
    expect(conn.upgrading).toBe(false);
    expect(conn.writeBuffer).toEqual([]);
    expect(conn.transport.name).toBe('websocket');
    expect(conn.transport.perMessageDeflate ?? null).toBeNull();
    const ws = conn.transport.socket;
    expect(ws.readyState).toBe(1);
    expect(ws._socket).toBeInstanceOf(NetSocket);
    // ws's Sender: state DEFAULT (0) and an empty queue when nothing waits to be compressed or read from a Blob.
    expect(ws._sender._state).toBe(0);
    expect(ws._sender._queue).toEqual([]);
    expect(typeof (socket.client as unknown as { writeToEngine?: unknown }).writeToEngine).toBe('function');
  });

  it('finds the TCP socket of an idle websocket viewer, and a raw frame written there arrives as the event', async () => {
    const { client, socket } = await connect(['websocket']);
    const raw = rawSocketOf(socket);
    expect(raw).toBeInstanceOf(NetSocket);
    let received = next(client, 'frame');
    raw!.write(encodeRoomPacket(nsp, 'frame', payload)!.wire);
    await expect(received).resolves.toEqual(payload);
    // After an ordinary emit (through engine.io and ws) the viewer is idle again and takes raw bytes in order after it.
    const order: string[] = [];
    client.on('a', () => order.push('a'));
    client.on('b', () => order.push('b'));
    socket.emit('a', 1);
    await new Promise((r) => setTimeout(r, 20));
    received = next(client, 'b');
    rawSocketOf(socket)!.write(encodeRoomPacket(nsp, 'b', 2)!.wire);
    await received;
    expect(order).toEqual(['a', 'b']);
  });

  it('gives no TCP socket for a polling viewer, counts its engine.io backlog and writes to it through engine.io', async () => {
    const { client, socket } = await connect(['polling'], false);
    expect(rawSocketOf(socket)).toBeNull();
    expect(engineBacklog(socket)).toBe((socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length);
    const received = next(client, 'frame');
    writeThroughEngine(socket, encodeRoomPacket(nsp, 'frame', payload)!, false);
    expect(engineBacklog(socket)).toBeGreaterThanOrEqual(0);
    await expect(received).resolves.toEqual(payload);
  });

  it('gives no TCP socket before a polling viewer upgrades, and gives it once on the websocket transport', async () => {
    const { socket } = await connect(['polling', 'websocket']);
    const conn = socket.conn as unknown as { transport: { name: string }; once(event: 'upgrade', cb: () => void): void };
    if (conn.transport.name === 'polling') {
      expect(rawSocketOf(socket)).toBeNull();
      await new Promise<void>((resolve) => conn.once('upgrade', resolve));
    }
    expect(conn.transport.name).toBe('websocket');
    await new Promise((r) => setTimeout(r, 20));
    expect(rawSocketOf(socket)).toBeInstanceOf(NetSocket);
  });
});
