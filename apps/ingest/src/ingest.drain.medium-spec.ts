import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIngest, type IngestHandle } from './ingest.js';
import { FakeIngestApi, memoryLogger, publish } from './testing/helpers.js';

const INTERNAL_TOKEN = 'internal-token-for-tests-0123456789';
const KEY = 'sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const OTHER_KEY = 'sk_live_00000000000000000000000000000001';

/**
 * SIGTERM on an ingest node: it takes no new publishes (the encoder's retry goes, through the
 * balancer, to another node) and leaves running broadcasts alone until they end or the deadline passes.
 */
describe('ingest drain', () => {
  let sut: IngestHandle;
  let api: FakeIngestApi;
  const sessionId = randomUUID();

  beforeEach(async () => {
    api = new FakeIngestApi(new Map([[KEY, { sessionId, channelId: randomUUID() }], [OTHER_KEY, { sessionId: randomUUID(), channelId: randomUUID() }]]));
    sut = await startIngest({
      api,
      config: { rtmpPort: 0, bind: '127.0.0.1', internalToken: INTERNAL_TOKEN, ingestId: 'ingest-drain', dataDir: join(tmpdir(), 'onda-ingest-test'), controlPollMs: 200 },
      logger: memoryLogger(),
    });
  });
  afterEach(async () => {
    await sut.stop();
  });

  const url = (key: string) => `rtmp://127.0.0.1:${sut.port}/live/${key}`;

  it('refuses new publishes, keeps the running one until the deadline, then cuts it', async () => {
    const running = publish(url(KEY), { seconds: 30 });
    await api.waitFor(() => api.startedCalls.length === 1);
    const started = Date.now();
    const drained = sut.drain(3_000);
    expect(sut.draining).toBe(true);

    const refused = publish(url(OTHER_KEY), { seconds: 10 });
    const exit = await refused.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.at - started).toBeLessThan(3_000);
    // Refused before asking the API: no session is opened for it here.
    expect(api.authorizeCalls.map((c) => c.streamKey)).toEqual([KEY]);

    expect(sut.activePublishers()).toBe(1);
    expect(api.disconnectedCalls).toEqual([]);
    expect(await drained).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    await sut.stop();
    const cut = await running.exited;
    expect(cut.code).not.toBe(0);
    expect(api.disconnectedCalls).toMatchObject([{ sessionId, reason: 'ingest stopping' }]);
  });

  it('finishes as soon as the last broadcast ends by itself', async () => {
    const running = publish(url(KEY), { seconds: 3 });
    await api.waitFor(() => api.startedCalls.length === 1);
    const started = Date.now();
    expect(await sut.drain(30_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await running.exited).code).toBe(0);
    expect(api.disconnectedCalls).toMatchObject([{ sessionId, reason: 'encoder disconnected' }]);
  });
});
