import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

/** An echo server, and a client that collects what comes back. */
describe('fault proxy', () => {
  let echo: Server;
  let proxy: FaultProxy;
  beforeEach(async () => {
    echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    proxy = await startFaultProxy({ port: (echo.address() as { port: number }).port });
  });
  afterEach(async () => {
    await proxy.close();
    await new Promise((r) => echo.close(r));
  });

  const client = async (): Promise<{ socket: Socket; got: () => string; closed: Promise<string> }> => {
    const socket = connect(proxy.port, '127.0.0.1');
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString()));
    const closed = new Promise<string>((resolve) => {
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      socket.on('close', () => resolve('closed'));
    });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return { socket, got: () => data, closed };
  };
  const until = async (check: () => boolean): Promise<void> => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  it('passes bytes, holds them while blackholed, and delivers them in order on heal', async () => {
    const c = await client();
    c.socket.write('one;');
    await until(() => c.got() === 'one;');
    expect(c.got()).toBe('one;');
    proxy.blackhole();
    c.socket.write('two;');
    c.socket.write('three;');
    await new Promise((r) => setTimeout(r, 200));
    expect(c.got()).toBe('one;');
    proxy.heal();
    await until(() => c.got() === 'one;two;three;');
    expect(c.got()).toBe('one;two;three;');
    c.socket.destroy();
  });

  it('resets open connections and new ones while refusing, and accepts again after heal', async () => {
    const c = await client();
    proxy.refuse();
    expect(await c.closed).toMatch(/ECONNRESET|closed/);
    const refused = await client().then((n) => n.closed, (e: NodeJS.ErrnoException) => e.code ?? 'refused');
    expect(refused).toMatch(/ECONNRESET|closed|refused/);
    proxy.heal();
    const again = await client();
    again.socket.write('back');
    await until(() => again.got() === 'back');
    expect(again.got()).toBe('back');
    expect(proxy.accepted).toBe(3);
    again.socket.destroy();
  });
});
