import { Inject, Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { CHAT_NAMESPACE, ChatClientEvents, type ChatAck, type ChatJoined } from '@onda/contracts';
import { AppError } from '../../common/app-error.js';
import { API_METRICS, type ApiMetrics } from '../../common/metrics.js';
import { ChatRefusal, chatError } from '../chat.errors.js';
import { releaseHandshake } from './chat-io.adapter.js';
import { roomOf } from './chat.fanout.js';
import { ChatIdentityService } from '../domain/chat-identity.service.js';
import { ChatPresence } from '../state/chat-presence.js';
import type { ChatOptions } from '../chat.options.js';
import { CHAT_NODE, CHAT_OPTIONS, type ChatNode } from '../chat.tokens.js';
import { ChatTranslation } from '../domain/chat-translation.js';
import { ChatFanout } from './chat.fanout.js';
import { ChatService, type ChatConnection } from '../domain/chat.service.js';

type Connection = ChatConnection & { release: () => void };
/** Every socket of one account, on every node (the Redis adapter spans rooms across nodes). */
const accountRoom = (userId: string): string => `acct:${userId}`;
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
  private nsp: Namespace | null = null;
  private draining = false;

  constructor(
    @Inject(CHAT_OPTIONS) private readonly options: ChatOptions,
    @Inject(CHAT_NODE) private readonly node: ChatNode,
    private readonly fanout: ChatFanout,
    private readonly translation: ChatTranslation,
    private readonly identity: ChatIdentityService,
    private readonly chat: ChatService,
    private readonly presence: ChatPresence,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
  ) {}

  afterInit(nsp: Namespace): void {
    this.nsp = nsp;
    this.fanout.attach(nsp, this.node.clustered);
    nsp.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (error: unknown) => next(Object.assign(new Error(chatError(error).detail), { data: chatError(error) })),
      );
    });
    this.presence.start();
  }

  /**
   * Graceful drain (SIGTERM): refuses new sockets and closes every connection's transport, spread over
   * `spreadMs` so the clients do not all come back at the same instant. A closed transport is what
   * socket.io clients reconnect after by themselves ("transport close"); through the load balancer,
   * which no longer sends anything here, they land on another node and rejoin their rooms there.
   */
  async drain(spreadMs: number): Promise<number> {
    this.draining = true;
    const sockets = [...(this.nsp?.sockets.values() ?? [])];
    const ticks = Math.max(1, Math.floor(spreadMs / 20));
    const perTick = Math.max(1, Math.ceil(sockets.length / ticks));
    for (let i = 0; i < sockets.length; i += perTick) {
      if (i > 0) await new Promise((r) => setTimeout(r, 20));
      for (const socket of sockets.slice(i, i + perTick)) socket.conn.close();
    }
    this.logger.log(`drained: ${sockets.length} chat connection(s) told to reconnect elsewhere`);
    return sockets.length;
  }

  /**
   * Closes every chat socket of the account at once, on this node and (with REDIS_URL, through the socket.io Redis
   * adapter) on every other one: it was disabled or deleted, and a socket opened before holds its identity in memory.
   * Its credentials are refused from then on, so the client cannot come back.
   */
  disconnectAccount(userId: string): void {
    this.nsp?.in(accountRoom(userId)).disconnectSockets(true);
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
    // An account's sockets are addressed when it is disabled or deleted (disconnectAccount); anonymous viewers never are.
    if (conn.identity.user) void socket.join(accountRoom(conn.identity.user.id));
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
    [ChatClientEvents.language, (_socket, conn, payload) => this.chat.language(conn, payload)],
  ]);

  /** Counts the connection against its IP and identifies it; the count is released once, whichever way the socket ends. */
  private async admit(socket: Socket): Promise<void> {
    // A draining node takes no new viewers (a client that raced the balancer retries elsewhere).
    if (this.draining) throw new ChatRefusal('unavailable', 'This server is shutting down: reconnect', 1000);
    const ip = this.identity.addressOf(socket.handshake);
    const max = this.options.maxConnectionsPerIp;
    const open = this.perIp.get(ip) ?? 0;
    if (open >= max) throw new ChatRefusal('rate_limited', `At most ${max} chat connections per address`);
    this.perIp.set(ip, open + 1);
    let released = false;
    this.metrics.chat.connectionOpened();
    const release = () => {
      if (released) return;
      released = true;
      this.metrics.chat.connectionClosed();
      // A viewer who asked for a translation language stops counting for it (socket.data is the connection once identified).
      this.translation.leave(socket.data as Connection | undefined);
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
    const { room, since, lang } = await this.chat.join(conn, payload);
    if (conn.joined && conn.joined.channelId !== room.channelId) await socket.leave(roomOf(conn.joined.channelId));
    conn.joined = room;
    this.translation.setViewer(conn, room.channelId, lang);
    // In the room first, then the snapshot: a message is in the history, in a later frame, or both; the fan-out
    // writes this socket nothing until it knows what the snapshot held, and leaves that out (exactly once).
    await socket.join(roomOf(room.channelId));
    this.fanout.joined(room.channelId, socket);
    let history: ChatJoined['history'] = [];
    try {
      const { others, local } = await this.presence.total(room.channelId);
      const joined = await this.chat.snapshot(room, since, others, local, lang);
      history = joined.history;
      return joined;
    } finally {
      this.fanout.delivered(socket, history);
    }
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
