import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundConnect } from './connect.js';
import { outboundUrlProblem } from './url.js';

describe(outboundConnect.name, () => {
  let server: Server;
  let port: number;
  const accepted: string[] = [];

  beforeAll(async () => {
    server = createServer((s) => {
      accepted.push(s.remoteAddress ?? '');
      s.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a name that resolves to a private address, before any connection', async () => {
    const resolve = async () => [{ address: '10.1.2.3', family: 4 }, { address: '93.184.216.34', family: 4 }];
    const sut = await outboundConnect('rtmp://ingest.example.com/live', { resolve });
    expect(sut).toEqual({ ok: false, reason: 'refused: the host resolves to a private address' });
  });

  it('refuses loopback literals, in any notation, unless the operator opted in', async () => {
    for (const url of [`rtmp://127.0.0.1:${port}/app`, `rtmp://0x7f.1:${port}/app`, `rtmp://[::1]:${port}/app`, `rtmp://localhost:${port}/app`]) {
      const sut = await outboundConnect(url, { resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      expect(sut.ok, url).toBe(false);
    }
    expect(accepted).toEqual([]);
    const allowed = await outboundConnect(`rtmp://127.0.0.1:${port}/app`, { allowPrivate: true });
    expect(allowed.ok).toBe(true);
    if (allowed.ok) allowed.socket.destroy();
  });

  it('connects to the address it checked, not to a second answer of the resolver', async () => {
    let calls = 0;
    const resolve = async () => (calls++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }]);
    const sut = await outboundConnect(`rtmp://rebind.example.com:${port}/app`, { allowPrivate: true, resolve });
    expect(sut.ok && sut.address).toBe('127.0.0.1');
    expect(calls).toBe(1);
    if (sut.ok) sut.socket.destroy();
  });

  it('refuses other schemes and credentials in the URL', async () => {
    expect(await outboundConnect('http://example.com/app')).toEqual({ ok: false, reason: 'refused: the URL must use rtmp or rtmps' });
    expect((await outboundConnect('rtmp://u:p@example.com/app')).ok).toBe(false);
  });
});

describe(outboundUrlProblem.name, () => {
  it('checks rtmp hosts as http reads them (non-special schemes keep the host as written)', () => {
    const rtmp = { protocols: ['rtmp:', 'rtmps:'] };
    expect(outboundUrlProblem('rtmp://0x7f.1/live', false, rtmp)).toMatch(/loopback/);
    expect(outboundUrlProblem('rtmps://[fd00::1]/live', false, rtmp)).toMatch(/private|special/);
    expect(outboundUrlProblem('rtmps://a.rtmps.youtube.com:443/live2', false, rtmp)).toBeNull();
    expect(outboundUrlProblem('https://a.example.com/', false, rtmp)).toBe('must use rtmp or rtmps');
    expect(outboundUrlProblem('https://a.example.com/', false)).toBeNull();
  });
});
