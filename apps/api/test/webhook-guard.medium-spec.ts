import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { OUTBOUND_FAILURES } from '@onda/outbound';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWithToken, WebhookService } from '../src/index.js';
import { WebhookDispatcher } from '../src/webhooks/webhook.dispatcher.js';
import { startHarness, type Harness } from './harness.js';

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

// Without WEBHOOKS_ALLOW_PRIVATE: endpoints must not make the API server call its own network.
describe(`${WebhookService.name} URL guard`, () => {
  let h: Harness;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    h = await startHarness({ webhooks: { pollMs: 0 }, webhooksAllowPrivate: false });
    ({ token, userId } = await createAdminWithToken(h.db.prisma, 'guard@example.com'));
  });

  afterAll(async () => {
    await h?.close();
  });

  it.each([
    'http://127.0.0.1:9/hook', 'http://localhost:8080/hook', 'http://[::1]/hook', 'https://10.1.2.3/hook', 'http://192.168.0.10/hook', 'http://169.254.169.254/latest', 'http://[fd00::1]/hook',
    // Finding 10: ranges and IPv6 forms the first guard accepted.
    'http://100.64.0.1/hook', 'http://192.0.0.8/hook', 'http://198.18.0.1/hook', 'http://239.1.1.1/hook', 'http://255.255.255.255/hook', 'http://[64:ff9b::7f00:1]/hook', 'http://[::7f00:1]/hook', 'http://[::ffff:0:7f00:1]/hook',
  ])(
    'refuses %s with a 400 problem',
    async (url) => {
      const res = await request(h.sut.url).post('/v1/webhooks').set(auth(token)).send({ url, eventTypes: ['stream.started'] }).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toMatch(/localhost|special-purpose/);
    },
  );

  it('accepts a public URL but refuses changing it to a private one', async () => {
    const hook = (await request(h.sut.url).post('/v1/webhooks').set(auth(token)).send({ url: 'https://hooks.example.com/onda', eventTypes: ['stream.started'] }).expect(201)).body;
    await request(h.sut.url).patch(`/v1/webhooks/${hook.id}`).set(auth(token)).send({ url: 'http://127.0.0.1:9/hook' }).expect(400);
    const stored = await h.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.url).toBe('https://hooks.example.com/onda');
  });

  it('does not send to an endpoint that resolves to a private address, and the log cannot tell that from a dead name (findings 2, 10)', async () => {
    // A real receiver on 127.0.0.1: with the guard it must never see a request.
    const received: string[] = [];
    const server = createServer((req, res) => (received.push(req.url ?? ''), res.end('ok')));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const sut = h.sut.app.get(WebhookDispatcher);
      const secrets = h.sut.app.get(WebhookService).secrets;
      // As if the names had been re-pointed after registration.
      const local = await h.db.prisma.webhookEndpoint.create({ data: { userId, url: `http://localhost:${port}/hook`, secretCiphertext: secrets.encrypt('whsec_x'), eventTypes: ['stream.ended'], enabled: true } });
      const dead = await h.db.prisma.webhookEndpoint.create({ data: { userId, url: 'http://no-such-host.invalid/hook', secretCiphertext: secrets.encrypt('whsec_x'), eventTypes: ['stream.ended'], enabled: true } });
      await h.sut.app.get(WebhookService).emit(userId, 'stream.ended', { sessionId: 'x' });

      expect(await sut.tick()).toBeGreaterThan(0);

      const [toLocal] = await h.db.prisma.webhookDelivery.findMany({ where: { endpointId: local.id } });
      const [toDead] = await h.db.prisma.webhookDelivery.findMany({ where: { endpointId: dead.id } });
      expect(received).toEqual([]);
      expect(toLocal).toMatchObject({ lastStatusCode: null, lastError: OUTBOUND_FAILURES.unreachable });
      expect(toDead).toMatchObject({ lastStatusCode: null, lastError: OUTBOUND_FAILURES.unreachable });
      expect(toLocal!.lastError).not.toMatch(/127|localhost|::1|ENOTFOUND/);
      expect(await sut.tick()).toBe(0);
    } finally {
      server.close();
    }
  });
});
