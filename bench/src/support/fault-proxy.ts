import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of one dependency (PostgreSQL, Redis, S3) for one role, to fail it on purpose
 * without touching the real service (toxiproxy is not installable here; see shared SCALE-OUT.md):
 * - `pass`: bytes flow both ways;
 * - `refuse`: every open connection is reset and new ones are reset on accept (the service is down);
 * - `blackhole`: connections stay open but nothing is delivered in either direction, new ones too (a
 *   partition: the client only finds out by its own timeouts); `heal()` delivers what was held, in order.
 */
export type FaultMode = 'pass' | 'refuse' | 'blackhole';

export interface FaultProxy {
  port: number;
  /** `host:port` to put in a client's URL. */
  address: string;
  mode: FaultMode;
  /** Connections accepted so far (a client that reconnects shows here). */
  accepted: number;
  refuse(): void;
  blackhole(): void;
  heal(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Held while blackholed: [direction, chunk]. */
  held: Array<[toUpstream: boolean, chunk: Buffer]>;
}

export async function startFaultProxy(target: { host?: string; port: number }): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let mode: FaultMode = 'pass';
  let accepted = 0;
  const flush = (p: Pair): void => {
    for (const [toUpstream, chunk] of p.held.splice(0)) (toUpstream ? p.upstream : p.client).write(chunk);
  };
  const server: Server = createServer((client) => {
    accepted++;
    if (mode === 'refuse') return void client.resetAndDestroy();
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    const relay = (from: Socket, to: Socket, toUpstream: boolean): void => {
      from.on('data', (chunk: Buffer) => {
        if (mode === 'blackhole' || pair.held.length > 0) pair.held.push([toUpstream, chunk]);
        else to.write(chunk);
      });
      from.on('end', () => to.end());
    };
    relay(client, upstream, true);
    relay(upstream, client, false);
    const close = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', () => {
      pairs.delete(pair);
      client.resetAndDestroy();
    }).on('close', close);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    refuse() {
      mode = 'refuse';
      for (const p of pairs) {
        p.client.resetAndDestroy();
        p.upstream.destroy();
      }
      pairs.clear();
    },
    blackhole() {
      mode = 'blackhole';
    },
    heal() {
      mode = 'pass';
      for (const p of pairs) flush(p);
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
