import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatSent } from '@onda/contracts';
import { createChannel, createTestDatabase, createUser } from '@onda/db';
import { findSamples, parsePrometheusText, type ParsedMetrics } from '@onda/observability';
import { ChatTestClient, startChatApi } from './chat.support.js';
import { startHarness, type Harness } from './harness.js';

const scrape = async (url: string, headers: Record<string, string> = {}) => {
  const res = await request(url).get('/metrics').set(headers).expect(200);
  expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
  return parsePrometheusText(res.text);
};

describe('/metrics, /healthz and /readyz (real PostgreSQL)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ webhooks: { pollMs: 0 } });
  });
  afterAll(() => h?.close());

  it('exposes HTTP latency by route template, never by raw path', async () => {
    await request(h.sut.url).get('/v1/channels/no-such-channel').expect(404);
    await request(h.sut.url).get('/v1/channels/another-missing-one').expect(404);
    await request(h.sut.url).get('/v1/nothing/here').expect(404);
    await request(h.sut.url).get('/v1/channels').expect(200);

    const parsed = await scrape(h.sut.url);
    expect(parsed.types.get('onda_http_request_duration_seconds')).toBe('histogram');
    expect(findSamples(parsed, 'onda_http_request_duration_seconds_count', { method: 'GET', route: '/v1/channels/:idOrSlug', status: '404' })[0]?.value).toBe(2);
    expect(findSamples(parsed, 'onda_http_request_duration_seconds_count', { method: 'GET', route: '/v1/channels', status: '200' })[0]?.value).toBe(1);
    expect(findSamples(parsed, 'onda_http_request_duration_seconds_count', { route: '(unmatched)', status: '404' })[0]?.value).toBe(1);
    const inf = findSamples(parsed, 'onda_http_request_duration_seconds_bucket', { route: '/v1/channels', le: '+Inf' });
    expect(inf[0]?.value).toBe(1);
    expect(parsed.samples.some((s) => Object.values(s.labels).some((v) => v.includes('no-such-channel')))).toBe(false);
  });

  it('exposes process, live session, queue and chat metrics', async () => {
    const parsed = await scrape(h.sut.url);
    expect(parsed.types.get('process_resident_memory_bytes')).toBe('gauge');
    expect(findSamples(parsed, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
    expect(findSamples(parsed, 'onda_live_sessions', { state: 'live' })[0]?.value).toBe(0);
    expect(findSamples(parsed, 'onda_queue_jobs', { queue: 'live', state: 'waiting' })[0]?.value).toBe(0);
    expect(parsed.types.get('onda_chat_connections')).toBe('gauge');
    expect(parsed.types.get('onda_chat_messages_in_total')).toBe('counter');
  });

  it('answers /healthz and /readyz with what was checked', async () => {
    await request(h.sut.url).get('/healthz').expect(200, { status: 'ok' });
    await request(h.sut.url).get('/readyz').expect(200, { status: 'ready', checks: { database: 'ok', storage: 'ok' } });
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ webhooks: { pollMs: 0 }, metricsToken: 'scrape-token-0123456789' });
  });
  afterAll(() => h?.close());

  it('refuses scrapes without the bearer token', async () => {
    const denied = await request(h.sut.url).get('/metrics').expect(401);
    expect(denied.headers['content-type']).toBe('application/problem+json');
    await request(h.sut.url).get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
    await scrape(h.sut.url, { Authorization: 'Bearer scrape-token-0123456789' });
    // Probes stay open.
    await request(h.sut.url).get('/readyz').expect(200);
  });
});

describe('/readyz without a database', () => {
  it('answers 503 with a problem naming the database once it is gone', async () => {
    const db = await createTestDatabase();
    const h = await startHarness({ webhooks: { pollMs: 0 } }, db);
    try {
      await request(h.sut.url).get('/readyz').expect(200);
      await db.drop();
      const res = await request(h.sut.url).get('/readyz').expect(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status: 503, code: 'unavailable', detail: 'Not ready: database (unreachable)', errors: [{ path: 'database', message: 'unreachable' }],
      });
      expect(res.body.requestId).toEqual(expect.any(String));
      // Liveness is about the process, not its dependencies.
      await request(h.sut.url).get('/healthz').expect(200);
    } finally {
      await h.close();
    }
  });
});

describe('chat metrics (socket.io clients)', () => {
  it('count connections, messages in and out, and filter hits', async () => {
    const db = await createTestDatabase();
    const api = await startChatApi(db, { webhooks: { pollMs: 0 } });
    const clients: ChatTestClient[] = [];
    try {
      const owner = await createUser(db.prisma, { role: 'admin' });
      const ch = await createChannel(db.prisma, owner.id);
      for (const nickname of ['reader', 'talker']) {
        const c = await ChatTestClient.connect(api.sut.url);
        await c.ok('join', { channel: ch.slug, nickname });
        clients.push(c);
      }
      const [reader, talker] = clients as [ChatTestClient, ChatTestClient];
      await talker.ok<ChatSent>('send', { text: 'hello' });
      await talker.ok<ChatSent>('send', { text: 'MASKME please' });
      await reader.until(() => reader.messages().length === 2);

      let parsed = await scrape(api.sut.url);
      const value = (p: ParsedMetrics, name: string, labels: Record<string, string> = {}) => findSamples(p, name, labels)[0]?.value;
      expect(value(parsed, 'onda_chat_connections')).toBe(2);
      expect(value(parsed, 'onda_chat_messages_in_total')).toBe(2);
      expect(value(parsed, 'onda_chat_filter_hits_total', { rule: 'test.mask', action: 'mask' })).toBe(1);
      expect(value(parsed, 'onda_chat_filter_hits_total', { rule: 'test.any', action: 'mask' })).toBe(1);
      // A frame is counted once the room's sweep has written it to everyone (within a tick of the last viewer getting it).
      while ((value(parsed, 'onda_chat_messages_out_total') ?? 0) < 4) parsed = await scrape(api.sut.url);
      expect(value(parsed, 'onda_chat_frames_out_total')).toBeGreaterThanOrEqual(1);
      // Each message went to both viewers in the room.
      expect(value(parsed, 'onda_chat_messages_out_total')).toBeGreaterThanOrEqual(4);

      reader.close();
      while (value(parsed, 'onda_chat_connections') !== 1) parsed = await scrape(api.sut.url);
    } finally {
      for (const c of clients) c.close();
      await api.close();
      await db.drop();
    }
  });
});
