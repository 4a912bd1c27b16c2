import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server, type ServerOptions } from 'socket.io';

type NestServer = ReturnType<IoAdapter['createIOServer']>;

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
    if (this.opts.redisUrl) {
      const pub = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: 2 });
      const sub = pub.duplicate();
      this.clients.push(pub, sub);
      // requestsTimeout bounds how long a node waits for the others' answers (the chat's cross-node flush).
      server.adapter(createAdapter(pub, sub, { key: `${this.opts.prefix}:socket.io`, requestsTimeout: 2000 }));
    }
    return server as unknown as NestServer;
  }

  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    await super.close(server);
    const clients = this.clients;
    this.clients = [];
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  }
}
