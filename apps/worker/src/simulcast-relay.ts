import { createServer, type Server, type Socket } from 'node:net';
import { outboundConnect } from '@onda/outbound';

/**
 * A loopback stand-in for one simulcast destination. ffmpeg pushes to it; each connection it takes is carried
 * to the destination through the outbound address guard (outboundConnect): the destination's host is resolved
 * and checked at every connection ffmpeg makes, the socket goes to the checked address, and RTMPS is spoken
 * here with the real host name for SNI and the certificate. So a name re-pointed at a private address after it
 * was saved is refused at connect time, and ffmpeg never resolves a user's host name itself.
 */
export class SimulcastRelay {
  /** Why the last connection did not reach the destination (refused by the guard, unreachable), or null. */
  lastFailure: string | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** What ffmpeg pushes to: the relay, with the destination's path (app and key). */
    readonly localUrl: string,
    /** The destination's tcUrl: the URL without its last segment (the key). */
    readonly tcUrl: string,
  ) {}

  /** Listens on a free loopback port for pushes to `pushUrl`. */
  static async open(pushUrl: string, opts: { allowPrivate: boolean; rejectUnauthorized?: boolean }): Promise<SimulcastRelay> {
    const target = new URL(pushUrl);
    let relay: SimulcastRelay | null = null;
    const server = createServer((client) => relay?.carry(client, pushUrl, opts));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const path = `${target.pathname}${target.search}`;
    const tcUrl = `${target.protocol}//${target.host}${target.pathname.replace(/\/[^/]*$/, '')}`;
    relay = new SimulcastRelay(server, `rtmp://127.0.0.1:${port}${path}`, tcUrl);
    return relay;
  }

  private carry(client: Socket, pushUrl: string, opts: { allowPrivate: boolean; rejectUnauthorized?: boolean }): void {
    this.sockets.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.once('close', () => this.sockets.delete(client));
    void outboundConnect(pushUrl, { allowPrivate: opts.allowPrivate, ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}) }).then((up) => {
      if (!up.ok) {
        this.lastFailure = up.reason;
        client.destroy();
        return;
      }
      if (client.destroyed) return void up.socket.destroy();
      this.lastFailure = null;
      const remote = up.socket;
      this.sockets.add(remote);
      remote.once('close', () => {
        this.sockets.delete(remote);
        client.destroy();
      });
      remote.on('error', () => remote.destroy());
      client.once('close', () => remote.destroy());
      client.pipe(remote);
      remote.pipe(client);
      client.resume();
    });
  }

  /** The last connection's failure (a method: it changes behind the caller's back, as connections come). */
  failure(): string | null {
    return this.lastFailure;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
