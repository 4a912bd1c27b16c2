import request from 'supertest';
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
    h = await startHarness({ webhooks: { pollMs: 0, allowPrivate: false } });
    ({ token, userId } = await createAdminWithToken(h.db.prisma, 'guard@example.com'));
  });

  afterAll(async () => {
    await h?.close();
  });

  it.each(['http://127.0.0.1:9/hook', 'http://localhost:8080/hook', 'http://[::1]/hook', 'https://10.1.2.3/hook', 'http://192.168.0.10/hook', 'http://169.254.169.254/latest', 'http://[fd00::1]/hook'])(
    'refuses %s with a 400 problem',
    async (url) => {
      const res = await request(h.sut.url).post('/v1/webhooks').set(auth(token)).send({ url, eventTypes: ['stream.started'] }).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toMatch(/localhost|private/);
    },
  );

  it('accepts a public URL but refuses changing it to a private one', async () => {
    const hook = (await request(h.sut.url).post('/v1/webhooks').set(auth(token)).send({ url: 'https://hooks.example.com/onda', eventTypes: ['stream.started'] }).expect(201)).body;
    await request(h.sut.url).patch(`/v1/webhooks/${hook.id}`).set(auth(token)).send({ url: 'http://127.0.0.1:9/hook' }).expect(400);
    const stored = await h.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.url).toBe('https://hooks.example.com/onda');
  });

  it('does not send to an endpoint that resolves to a private address and says why', async () => {
    const sut = h.sut.app.get(WebhookDispatcher);
    // As if the name had been re-pointed at the loopback after registration.
    const endpoint = await h.db.prisma.webhookEndpoint.create({ data: { userId, url: 'http://localhost:9/hook', secretCiphertext: h.sut.app.get(WebhookService).secrets.encrypt('whsec_x'), eventTypes: ['stream.ended'], enabled: true } });
    await h.sut.app.get(WebhookService).emit(userId, 'stream.ended', { sessionId: 'x' });

    expect(await sut.tick()).toBeGreaterThan(0);

    const [delivery] = await h.db.prisma.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: null });
    expect(delivery!.lastError).toMatch(/private or loopback.*WEBHOOKS_ALLOW_PRIVATE/);
    expect(await sut.tick()).toBe(0);
  });
});
