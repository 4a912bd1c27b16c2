import { connect } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatJoined } from '@onda/contracts';
import { ChatTestClient } from './chat.support.js';
import { startHarness, type Harness } from './harness.js';

// Security issue #12, finding 16 (and 13 below): limits and headers every response gets.
describe('API hardening', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ webhooks: { pollMs: 0 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('cuts a request whose body never finishes arriving (no requestTimeout = 0 free-for-all)', async () => {
    const short = await startHarness({ requestTimeoutMs: 1500, webhooks: { pollMs: 0 } }, h.db);
    const socket = connect(short.sut.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const started = Date.now();
    socket.write('POST /v1/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":');
    await new Promise<void>((r) => socket.once('close', () => r()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
    expect(Date.now() - started).toBeLessThan(8000);
    await short.close();
  });

  it('sends security headers on API answers, HSTS only behind https (finding 13)', async () => {
    const res = await request(h.sut.url).get('/v1/channels').expect(200);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const tls = await startHarness({ publicUrl: 'https://onda.example', webhooks: { pollMs: 0 } });
    try {
      expect((await request(tls.sut.url).get('/healthz')).headers['strict-transport-security']).toMatch(/max-age=\d+/);
    } finally {
      await tls.close();
    }
  });

  it('honours the console cookie for writes and chat handshakes only from this site (finding 13)', async () => {
    await request(h.sut.url).post('/v1/auth/setup').send({ email: 'site@example.com', password: 'a long enough password' }).expect(201);
    const signIn = await request(h.sut.url).post('/v1/auth/sign-in').send({ email: 'site@example.com', password: 'a long enough password' }).expect(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const create = (origin: string | null, slug: string) => {
      const req = request(h.sut.url).post('/v1/channels').set('Cookie', cookie);
      return (origin ? req.set('Origin', origin) : req).send({ slug, title: 'x' });
    };
    const refused = await create('https://evil.example', 'from-evil');
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    await create('http://onda.test', 'from-site').expect(201);
    await create(null, 'from-curl').expect(201);
    const crossSite = await ChatTestClient.connect(h.sut.url, { cookie, origin: 'https://evil.example' });
    const sameOrigin = await ChatTestClient.connect(h.sut.url, { cookie, origin: 'http://onda.test' });
    try {
      expect((await crossSite.ok<ChatJoined>('join', { channel: 'from-site' })).you).toMatchObject({ registered: false });
      expect((await sameOrigin.ok<ChatJoined>('join', { channel: 'from-site' })).you).toMatchObject({ registered: true, role: 'owner' });
    } finally {
      crossSite.close();
      sameOrigin.close();
    }
  });
});
