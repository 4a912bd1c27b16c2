import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundRequest, OUTBOUND_FAILURES } from './request.js';
import { outboundUrlProblem } from './url.js';

describe(outboundRequest.name, () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
      if (req.url === '/big') return void res.end('x'.repeat(100_000));
      if (req.url === '/slow') return; // never answers
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a local server on 127.0.0.1 unless private addresses are allowed (the request never arrives)', async () => {
    const before = hits.length;
    expect(await outboundRequest(`http://127.0.0.1:${port}/x`, { body: 'hi' })).toEqual({ ok: false, reason: 'unreachable' });
    expect(await outboundRequest(`http://localhost:${port}/x`, { body: 'hi' })).toEqual({ ok: false, reason: 'unreachable' });
    expect(await outboundRequest(`http://[::ffff:127.0.0.1]:${port}/x`, { body: 'hi' })).toEqual({ ok: false, reason: 'unreachable' });
    expect(hits.length).toBe(before);
    const allowed = await outboundRequest(`http://127.0.0.1:${port}/x`, { body: 'hi', allowPrivate: true });
    expect(allowed).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse((allowed as { body: Buffer }).body.toString())).toEqual({ echo: 'hi' });
  });

  it('connects to the address it checked: a rebinding resolver gets one question, and a name that also resolves privately is refused', async () => {
    // First answer public, every later answer 127.0.0.1: a second lookup (fetch after a check) would reach the local server.
    let asked = 0;
    const rebinding = async () => (asked++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
    const before = hits.length;
    // The checked public address is unreachable from this machine (or slow): the call fails, never landing on 127.0.0.1.
    expect(await outboundRequest(`http://rebind.test:${port}/x`, { resolve: rebinding, connectTimeoutMs: 500 })).toMatchObject({ ok: false });
    expect(asked).toBe(1);
    const mixed = async () => [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }];
    expect(await outboundRequest(`http://mixed.test:${port}/x`, { resolve: mixed })).toEqual({ ok: false, reason: 'unreachable' });
    expect(hits.length).toBe(before);
    // With private addresses allowed, the resolved address (not a second lookup of the name) is where the socket goes.
    let lookups = 0;
    const pinnedLocal = async () => (lookups++, [{ address: '127.0.0.1', family: 4 }]);
    expect(await outboundRequest(`http://pinned.test:${port}/pinned`, { resolve: pinnedLocal, allowPrivate: true })).toMatchObject({ ok: true, status: 200 });
    expect(lookups).toBe(1);
    expect(hits.at(-1)).toBe('/pinned');
  });

  it('does not follow redirects, bounds time and size, and refuses odd URLs', async () => {
    const before = hits.length;
    expect(await outboundRequest(`http://127.0.0.1:${port}/redirect`, { allowPrivate: true })).toMatchObject({ ok: true, status: 302 });
    expect(hits.slice(before)).toEqual(['/redirect']);
    expect(await outboundRequest(`http://127.0.0.1:${port}/big`, { allowPrivate: true, maxResponseBytes: 1000 })).toEqual({ ok: false, reason: 'too_large' });
    const started = Date.now();
    expect(await outboundRequest(`http://127.0.0.1:${port}/slow`, { allowPrivate: true, timeoutMs: 200 })).toEqual({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await outboundRequest('ftp://example.com/')).toEqual({ ok: false, reason: 'invalid_url' });
    expect(await outboundRequest('http://user:pw@example.com/')).toEqual({ ok: false, reason: 'invalid_url' });
    expect(await outboundRequest('not a url')).toEqual({ ok: false, reason: 'invalid_url' });
    // The failure sentences carry no address, port or system error.
    for (const text of Object.values(OUTBOUND_FAILURES)) expect(text).not.toMatch(/\d|ECONN|127/);
  });
});

describe(outboundUrlProblem.name, () => {
  it('refuses special-purpose literals in every notation URL parsing accepts, and localhost', () => {
    for (const url of ['http://localhost/', 'http://a.localhost/', 'http://127.1/', 'http://0x7f.0.0.1/', 'http://2130706433/', 'http://100.64.0.1/', 'http://192.0.0.8/', 'http://198.18.0.1/', 'http://224.0.0.1/', 'http://[64:ff9b::7f00:1]/', 'http://[::127.0.0.1]/', 'http://[::ffff:0:7f00:1]/', 'http://[fd00::1]/']) {
      expect(outboundUrlProblem(url, false), url).not.toBeNull();
    }
    expect(outboundUrlProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(outboundUrlProblem('http://127.0.0.1:9/', true)).toBeNull();
    expect(outboundUrlProblem('gopher://example.com/', true)).not.toBeNull();
  });
});
