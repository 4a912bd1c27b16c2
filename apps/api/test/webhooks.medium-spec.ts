import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, goLiveInternally } from '@onda/testing';
import { createAdminWithToken, verifyWebhook } from '../src/index.js';
import { RETRY_DELAYS_MS, WebhookDispatcher } from '../src/webhooks/webhook.dispatcher.js';
import { INTERNAL, startHarness, type Harness } from './harness.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

describe(WebhookDispatcher.name, () => {
  let h: Harness;
  let receiver: Server;
  let url: string;
  const received: Received[] = [];
  // Status codes the receiver answers with, in order; 200 once exhausted.
  const answers: number[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = answers.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    h = await startHarness({ webhooks: { pollMs: 50, retryDelaysMs: [100, 100] }, webhooksAllowPrivate: true });
  });

  afterAll(async () => {
    await h?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('spans more than 24 hours of retries by default', () => {
    expect(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3600 * 1000);
  });

  it('signs stream events, retries a 500 with backoff and stops after a success', async () => {
    const { token } = await createAdminWithToken(h.db.prisma, 'hooks@example.com');
    const hook = (await request(h.sut.url).post('/v1/webhooks').set(auth(token)).send({ url, eventTypes: ['stream.started', 'stream.ended'] }).expect(201)).body;
    expect(hook.secret).toMatch(/^whsec_/);
    expect(JSON.stringify(await h.db.prisma.webhookEndpoint.findMany())).not.toContain(hook.secret);

    await request(h.sut.url).post('/v1/channels').set(auth(token)).send({ slug: 'hooked', title: 'Hooked' }).expect(201);
    const { streamKey } = (await request(h.sut.url).get('/v1/channels/hooked/stream-key').set(auth(token)).expect(200)).body;
    const { sessionId } = (await request(h.sut.url).post('/internal/ingest/authorize').set(auth(INTERNAL)).send({ streamKey, clientIp: '127.0.0.1', ingestId: 't' }).expect(200)).body;
    answers.push(500);
    await request(h.sut.url).post(`/internal/worker/sessions/${sessionId}/events`).set(auth(INTERNAL)).send({ type: 'ready', renditions: ['720p'] }).expect(204);

    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(2);
    for (const r of received) {
      expect(r.headers['onda-event']).toBe('stream.started');
      expect(verifyWebhook(hook.secret, r.body, String(r.headers['onda-signature']))).toBe(true);
      expect(verifyWebhook('whsec_wrong', r.body, String(r.headers['onda-signature']))).toBe(false);
    }
    expect(received[0]!.body).toBe(received[1]!.body);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'stream.started', data: { sessionId, renditions: ['720p'] } });

    const log = (await request(h.sut.url).get(`/v1/webhooks/${hook.id}/deliveries`).set(auth(token)).expect(200)).body.items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    await new Promise((r) => setTimeout(r, 400));
    expect(received).toHaveLength(2);

    const resent = (await request(h.sut.url).post(`/v1/webhooks/deliveries/${log[0].id}/resend`).set(auth(token)).expect(201)).body;
    expect(resent).toMatchObject({ status: 'pending', eventType: 'stream.started' });
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(3);
    expect(JSON.parse(received[2]!.body).id).toBe(JSON.parse(received[0]!.body).id);

    await request(h.sut.url).post(`/internal/worker/sessions/${sessionId}/events`).set(auth(INTERNAL)).send({ type: 'ended', mediaSeconds: 3 }).expect(204);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(4);
    expect(JSON.parse(received[3]!.body)).toMatchObject({ type: 'stream.ended', data: { sessionId, state: 'ended' } });
  });

  it('gives up after the last retry and keeps the failure in the log', async () => {
    const { token } = await createAdminWithToken(h.db.prisma, 'failing@example.com');
    const hook = (await request(h.sut.url).post('/v1/webhooks').set(auth(token)).send({ url: `${url}/gone`, eventTypes: ['stream.started'] }).expect(201)).body;
    const before = received.length;
    answers.push(500, 503, 500);
    await goLiveInternally(h.internal, (await createChannel(h.api(token), { slug: 'failing', title: 'Failing' })).streamKey);
    await expect.poll(async () => (await request(h.sut.url).get(`/v1/webhooks/${hook.id}/deliveries`).set(auth(token))).body.items[0]?.status, { timeout: 10_000 }).toBe('failed');
    const [delivery] = (await request(h.sut.url).get(`/v1/webhooks/${hook.id}/deliveries`).set(auth(token))).body.items;
    expect(delivery).toMatchObject({ attempts: 3, lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(received.length - before).toBe(3);
  });
});
