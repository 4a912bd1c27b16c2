import type { Socket as NetSocket } from 'node:net';
import type { Namespace, Socket } from 'socket.io';

/*
 * SOCKET.IO INTERNALS. Writing one encoded frame to 10,000 viewers is what lets a large room keep up (see ChatFanout);
 * socket.io has no public API for it, so this file reads, and only reads or calls:
 *  - socket.io: `Server.encoder` (encode a packet once, with the server's own parser) and `Client.writeToEngine`
 *    (hand engine.io an already encoded packet, as socket.io's broadcast does);
 *  - engine.io `Socket`: `readyState`, `upgrading`, `writeBuffer`, `transport.name`, `transport.perMessageDeflate`,
 *    `transport.socket` (the ws WebSocket);
 *  - ws `WebSocket`: `readyState`, `_socket` (the TCP socket) and `_sender._state` / `_sender._queue` (idle or not).
 * socket.io is pinned to an exact version in apps/api/package.json for this (engine.io and ws come with it, held by
 * the lock file), and chat-room-writer.internals.spec.ts exercises each of these on a real server and client: run it
 * after any upgrade. Anything unexpected makes rawSocketOf answer null, so a viewer then gets the ordinary
 * engine.io path, never a frame in the wrong place.
 */

/** socket.io-parser's EVENT packet type. */
const SOCKET_IO_EVENT = 2;

/** One room event encoded once: the socket.io packet text and the whole server->client WebSocket frame around it. */
export interface RoomPacket {
  /** socket.io packet (`2/chat,["frame",{...}]`), what engine.io wraps per transport. */
  text: string;
  /** The same packet as an engine.io message (`4...`) in an unmasked WebSocket text frame: header and payload in one Buffer. */
  wire: Buffer;
}

/** A server->client WebSocket text frame (RFC 6455 5.2: FIN, opcode 1, no mask) around `payload`. */
export function wsTextFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x81;
  if (n < 126) out[1] = n;
  else if (n < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(out, head);
  return out;
}

/**
 * Encodes an event for a namespace with the server's own socket.io encoder; null when it does not come out as one
 * text packet (binary attachments), which the caller then sends the ordinary way.
 */
export function encodeRoomPacket(nsp: Namespace, event: string, data: unknown): RoomPacket | null {
  // Internal: socket.io's Server.encoder (see the top of the file).
  const encoder = (nsp.server as unknown as { encoder: { encode(packet: unknown): unknown[] } }).encoder;
  const parts = encoder.encode({ type: SOCKET_IO_EVENT, nsp: nsp.name, data: [event, data] });
  if (parts.length !== 1 || typeof parts[0] !== 'string') return null;
  const text = parts[0];
  return { text, wire: wsTextFrame(Buffer.from(`4${text}`)) };
}

/** The engine.io / ws internals read to decide whether a socket can take raw bytes (all optional: anything unexpected means no). */
interface EngineConn {
  readyState?: string;
  upgrading?: boolean;
  writeBuffer?: unknown[];
  transport?: {
    name?: string;
    perMessageDeflate?: unknown;
    socket?: { readyState?: number; _socket?: NetSocket; _sender?: { _queue?: unknown[]; _state?: number } };
  };
}

/**
 * The TCP socket under a viewer's WebSocket when a raw frame written to it now lands exactly where socket.io
 * would have put it: engine.io open and on the websocket transport (not polling, not mid-upgrade), nothing
 * queued in engine.io or in ws (so no packet can be overtaken), no per-message deflate. Otherwise null.
 */
export function rawSocketOf(socket: Socket): NetSocket | null {
  // Internal: engine.io Socket and ws WebSocket fields (see the top of the file).
  const conn = socket.conn as unknown as EngineConn;
  if (conn.readyState !== 'open' || conn.upgrading || conn.writeBuffer?.length !== 0) return null;
  const transport = conn.transport;
  if (transport?.name !== 'websocket' || transport.perMessageDeflate) return null;
  const ws = transport.socket;
  // ws: OPEN, and its sender idle (state DEFAULT with an empty queue: nothing waiting to be compressed or read from a Blob).
  if (ws?.readyState !== 1 || ws._sender?._state !== 0 || ws._sender._queue?.length !== 0) return null;
  const net = ws._socket;
  return net && net.writable && !net.destroyed ? net : null;
}

/** Packets waiting in engine.io for a socket that cannot take raw bytes now (polling, upgrading, busy). */
export const engineBacklog = (socket: Socket): number => (socket.conn as unknown as EngineConn).writeBuffer?.length ?? 0;

/** The ordinary path for one socket: the packet text encoded once, engine.io wraps it for the socket's transport. */
export function writeThroughEngine(socket: Socket, packet: RoomPacket, volatile: boolean): void {
  // Internal: socket.io's Client.writeToEngine (see the top of the file).
  const client = socket.client as unknown as { writeToEngine?: (packets: string[], opts: object) => void };
  if (typeof client.writeToEngine === 'function') client.writeToEngine([packet.text], { preEncoded: true, volatile });
  else throw new Error('socket.io Client.writeToEngine is missing: this socket.io version is not supported by the chat fan-out');
}
