import { createTestDatabase, type TestDatabase } from '@onda/db';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../src/index.js';
import { ChatTestClient, startChatApi } from './chat.support.js';

/**
 * SIGTERM on an API node (a rolling upgrade, a scale-down): /readyz turns 503 first so the balancer
 * stops sending new work, requests in flight and after still get answers, and every chat client is told
 * to reconnect (its transport is closed, which socket.io clients recover from by themselves).
 */
describe('API drain', () => {
  let db: TestDatabase;
  let api: { sut: RunningApi; close(): Promise<void> };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startChatApi(db);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('turns not-ready, keeps serving, then sends every chat client to reconnect elsewhere', async () => {
    const clients = await Promise.all(Array.from({ length: 30 }, () => ChatTestClient.connect(api.sut.url)));
    const reasons = clients.map((c) => new Promise<{ reason: string; willReconnect: boolean }>((resolve) => {
      c.socket.once('disconnect', (reason) => resolve({ reason, willReconnect: reason !== 'io server disconnect' && reason !== 'io client disconnect' }));
    }));
    await request(api.sut.url).get('/readyz').expect(200);

    const started = Date.now();
    const drained = api.sut.drain({ waitMs: 600, spreadMs: 300 });
    const notReady = await request(api.sut.url).get('/readyz').expect(503);
    expect(notReady.body.errors).toContainEqual({ path: 'drain', message: 'draining' });
    // Still serving while the balancer takes the node out.
    await request(api.sut.url).get('/v1/channels').expect(200);
    expect(clients.every((c) => c.socket.connected)).toBe(true);

    await drained;
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    const results = await Promise.all(reasons);
    // "transport close": socket.io-client reconnects by itself (through the balancer, to another node).
    expect(new Set(results.map((r) => r.reason))).toEqual(new Set(['transport close']));
    expect(results.every((r) => r.willReconnect)).toBe(true);
    // A client that raced the balancer is refused with a retryable error instead of being kept here.
    await expect(ChatTestClient.connect(api.sut.url)).rejects.toThrow(/shutting down/);
    await request(api.sut.url).get('/healthz').expect(200);
  });
});
