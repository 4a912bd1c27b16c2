import { Inject, Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { CHAT_NAMESPACE, ChatClientEvents, type ChatAck, type ChatJoined } from '@onda/contracts';
import { AppError } from '../common/app-error.js';
import { API_METRICS, type ApiMetrics } from '../common/metrics.js';
import { ChatRefusal, chatError } from './chat.errors.js';
import { releaseHandshake } from './chat-io.adapter.js';
import { roomOf } from './chat.fanout.js';
import { ChatIdentityService } from './chat-identity.service.js';
import { ChatPresence } from './chat-presence.js';
import { CHAT_RUNTIME, type ChatRuntime } from './chat.runtime.js';
import { ChatService, type ChatConnection } from './chat.service.js';
import { normaliseIp } from './chat-text.js';

type Connection = ChatConnection & { release: () => void };
type Ack = (response: ChatAck<unknown>) => void;

/**
 * The `/chat` namespace. Handshakes are authenticated (token, console cookie or anonymous device) and
 * counted per IP; every client event is validated by ChatService and always acknowledged with
 * `{ok, data}` or `{ok: false, error}`, never an exception on the socket.
 */
@WebSocketGateway({ namespace: CHAT_NAMESPACE })
export class ChatGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<Socket> {
  private readonly perIp = new Map<string, number>();
  private readonly logger = new Logger('ChatGateway');

  constructor(
    @Inject(CHAT_RUNTIME) private readonly rt: ChatRuntime,
    private readonly identity: ChatIdentityService,
    private readonly chat: ChatService,
    private readonly presence: ChatPresence,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
  ) {}

  afterInit(nsp: Namespace): void {
    this.rt.fanout.attach(nsp, this.rt.clustered);
    nsp.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: unknown) => next(Object.assign(new Error(chatError(error).detail), { data: chatError(error) })),
      );
    });
    this.presence.start();
  }

  handleConnection(socket: Socket): void {
    const conn = socket.data as Connection;
    // Identity and address are read: the handshake's HTTP request and headers are not needed any more.
    releaseHandshake(socket);
    // From here `disconnect` covers every way the connection ends (release runs once whatever calls it).
    socket.conn.off('close', conn.release);
    socket.on('disconnect', conn.release);
    // Nothing addresses a viewer by socket id: without its own room the adapter keeps one Set per viewer, not two.
    void socket.leave(socket.id);
    // One listener for every client event (not one closure each): idle viewers are most of the connections.
    socket.onAny((event: string, ...args: unknown[]) => {
      const handle = this.handlers.get(event);
      if (handle) this.answer(args, (payload) => handle(socket, conn, payload));
    });
  }

  /** Client events by name (a Map: event names come from clients, so no prototype lookups). */
  private readonly handlers = new Map<string, (socket: Socket, conn: Connection, payload: unknown) => Promise<unknown>>([
    [ChatClientEvents.join, (socket, conn, payload) => this.join(socket, conn, payload)],
    [ChatClientEvents.nickname, (_socket, conn, payload) => Promise.resolve(this.chat.nickname(conn, payload))],
    [
      ChatClientEvents.send,
      (_socket, conn, payload) => {
        this.metrics.chat.messageIn();
        return this.chat.send(conn, payload);
      },
    ],
    [ChatClientEvents.vote, (_socket, conn, payload) => this.chat.vote(conn, payload)],
    [ChatClientEvents.react, (_socket, conn, payload) => this.chat.react(conn, payload)],
  ]);

  /** Counts the connection against its IP and identifies it; the count is released once, whichever way the socket ends. */
  private async admit(socket: Socket): Promise<void> {
    const ip = normaliseIp(socket.handshake.address);
    const max = this.rt.options.maxConnectionsPerIp;
    const open = this.perIp.get(ip) ?? 0;
    if (open >= max) throw new ChatRefusal('rate_limited', `At most ${max} chat connections per address`);
    this.perIp.set(ip, open + 1);
    let released = false;
    this.metrics.chat.connectionOpened();
    const release = () => {
      if (released) return;
      released = true;
      this.metrics.chat.connectionClosed();
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    };
    socket.conn.once('close', release);
    try {
      const identity = await this.identity.identify(socket.handshake);
      const conn: Connection = { identity, joined: null, sends: [], events: [], release };
      socket.data = conn;
    } catch (error) {
      release();
      throw error;
    }
  }

  private async join(socket: Socket, conn: ChatConnection, payload: unknown): Promise<ChatJoined> {
    const { room, since } = await this.chat.join(conn, payload);
    if (conn.joined && conn.joined.channelId !== room.channelId) await socket.leave(roomOf(conn.joined.channelId));
    conn.joined = room;
    // In the room first, then the snapshot: a message is in the history, in the next frame, or both (clients keep one copy by id).
    await socket.join(roomOf(room.channelId));
    this.rt.fanout.joined(room.channelId, socket);
    const { others, local } = await this.presence.total(room.channelId);
    return this.chat.snapshot(room, since, others, local);
  }

  private answer(args: unknown[], work: (payload: unknown) => Promise<unknown>): void {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : null;
    const payload = args[0];
    let pending: Promise<unknown>;
    try {
      pending = work(payload);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (data) => ack?.({ ok: true, data }),
      (error: unknown) => {
        if (!(error instanceof AppError)) this.logger.error(`chat event failed: ${(error as Error).stack ?? String(error)}`);
        ack?.({ ok: false, error: chatError(error) });
      },
    );
  }
}
