import { ServerResponse, type IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { createRedisClient } from '@onda/queue';
import { Server, type ServerOptions, type Socket } from 'socket.io';

type NestServer = ReturnType<IoAdapter['createIOServer']>;

const NO_HEADERS = Object.freeze({});
/**
 * engine.io's stand-in response of each WebSocket upgrade, by its request. It keeps the upgrade request
 * alive as long as the connection (through a `close` listener on the TCP socket), so once the handshake is
 * done `releaseHandshake` cuts that reference.
 */
const upgradeResponses = new WeakMap<IncomingMessage, { req: IncomingMessage | null }>();

/**
 * Lets go of the HTTP request a connection was opened with (and its headers): with tens of thousands of
 * viewers that is about 1 KB each. Call it once the handshake has been read (identity, address).
 */
export function releaseHandshake(socket: Socket): void {
  const conn = socket.conn as unknown as { request: IncomingMessage | null };
  const req = conn.request;
  if (!req) return;
  const res = upgradeResponses.get(req);
  if (res) res.req = null;
  upgradeResponses.delete(req);
  conn.request = null;
  (socket.handshake as { headers: unknown }).headers = NO_HEADERS;
}

/**
 * socket.io for the chat: small payloads only, no client bundle, and with `redisUrl` the Redis
 * adapter so rooms span every API node (its channels are prefixed like the rest of Onda's keys).
 * The server comes from this app's own socket.io (4.8.4): @nestjs/platform-socket.io pins an older
 * copy of its own, whose only part used here is the generic event binding.
 */
export class ChatIoAdapter extends IoAdapter {
  private clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly opts: { redisUrl?: string | undefined; prefix: string },
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Parameters<IoAdapter['createIOServer']>[1]): NestServer {
    const settings: Partial<ServerOptions> = {
      ...(options as Partial<ServerOptions> | undefined),
      serveClient: false,
      // The largest client event is a 600-character message; anything near this limit is abuse.
      maxHttpBufferSize: 16 * 1024,
      connectTimeout: 10_000,
    };
    const server = this.httpServer && port === 0 ? new Server(this.httpServer, settings) : new Server(port, settings);
    server.engine.use((req: IncomingMessage, res: unknown, next: () => void) => {
      if (!(res instanceof ServerResponse) && res && typeof res === 'object' && 'req' in res) upgradeResponses.set(req, res as { req: IncomingMessage | null });
      next();
    });
    if (this.opts.redisUrl) {
      const pub = createRedisClient(this.opts.redisUrl, 'request');
      const sub = pub.duplicate();
      this.clients.push(pub, sub);
      // requestsTimeout bounds how long a node waits for the others' answers (the chat's cross-node flush).
      server.adapter(createAdapter(pub, sub, { key: `${this.opts.prefix}:socket.io`, requestsTimeout: 2000 }));
    }
    return server as unknown as NestServer;
  }

  /** Gateways without `@SubscribeMessage` handlers (the chat binds its own) need none of Nest's per-socket observables. */
  override bindMessageHandlers(...args: Parameters<IoAdapter['bindMessageHandlers']>): void {
    if (args[1].length) super.bindMessageHandlers(...args);
  }

  /** `disconnect` fires once per socket: a plain listener does, without the wrapper `once` keeps per socket. */
  override bindClientDisconnect(...[client, callback]: Parameters<IoAdapter['bindClientDisconnect']>): void {
    client.on('disconnect', callback as (reason: string) => void);
  }

  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    await super.close(server);
    const clients = this.clients;
    this.clients = [];
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  }
}
