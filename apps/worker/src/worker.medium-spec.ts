import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveJob, WorkerEvent, WorkerSessionView } from '@onda/contracts';
import { MemoryQueue } from '@onda/queue';
import { MemoryStorage } from '../test/memory-storage.js';
import type { WorkerApiClient } from './api-client.js';
import { startWorker } from './worker.js';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

const liveJob = (sessionId: string, port: number): LiveJob => ({
  sessionId, channelId: randomUUID(), pullUrl: `rtmp://127.0.0.1:${port}/live/${sessionId}`, profile: 'default', passthrough: false,
  segmentSeconds: 2, storagePrefix: `live/${sessionId}`,
  source: { width: 640, height: 360, fps: 25, hasAudio: true, videoCodec: 'h264', audioCodec: 'aac' },
});

describe(startWorker.name, () => {
  let scratchDir: string;
  let queue: MemoryQueue;
  beforeEach(async () => {
    scratchDir = await mkdtemp(join(tmpdir(), 'onda-worker-'));
    queue = new MemoryQueue();
  });
  afterEach(async () => {
    await queue.close();
    await rm(scratchDir, { recursive: true, force: true });
  });

  it('runs a live job through real ffmpeg and reports how it ended when the ingest is gone', async () => {
    const events: WorkerEvent[] = [];
    const views: Record<string, WorkerSessionView> = {};
    const api: WorkerApiClient = {
      event: async (_id, e) => void events.push(e),
      session: async (id) => views[id]!,
      vodArchive: async () => undefined,
      vodProgress: async () => undefined,
      vodResult: async () => undefined,
      clipResult: async () => undefined,
    };
    const sut = await startWorker({ queue, storage: new MemoryStorage(), api, config: { scratchDir, logger: pino({ level: 'silent' }) } });

    const closed = randomUUID();
    views[closed] = { id: closed, state: 'ended', publisherConnected: false };
    const live = randomUUID();
    // Nobody listens on the port: ffmpeg fails at once, and the publisher is no longer connected, so the session ends.
    views[live] = { id: live, state: 'live', publisherConnected: false };
    const port = await freePort();
    await queue.enqueue('live', liveJob(closed, port));
    await queue.enqueue('live', liveJob(live, port));

    const until = Date.now() + 20_000;
    while (!events.some((e) => e.type === 'ended') && Date.now() < until) await sleep(50);
    expect(events).toEqual([
      { type: 'ffmpeg-exit', run: 0, code: 1, signal: null, reason: 'The input refused the connection (is the ingest running?)', willRestart: false },
      { type: 'ended', mediaSeconds: 0 },
    ]);
    while (sut.active() > 0 && Date.now() < until) await sleep(20);
    expect(sut.active()).toBe(0);
    await sut.stop();
  });

  it('finalises what a dead worker left of a session the API ended before another worker took its job', async () => {
    const events: WorkerEvent[] = [];
    const sessionId = randomUUID();
    const api: WorkerApiClient = {
      event: async (_id, e) => void events.push(e),
      session: async (id) => ({ id, state: 'ended', publisherConnected: false }),
      vodArchive: async () => undefined,
      vodProgress: async () => undefined,
      vodResult: async () => undefined,
      clipResult: async () => undefined,
    };
    // The dead worker published two segments of its one rendition and uploaded one archive chunk; its scratch folder holds one more.
    const storage = new MemoryStorage();
    for (const r of ['360p']) {
      await storage.put(`live/${sessionId}/${r}/index.m3u8`, '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000,\nr0_00000.ts\n#EXTINF:2.000,\nr0_00001.ts\n');
    }
    await storage.put(`vod/${sessionId}/archive/r0_00000.mp4`, 'chunk 0');
    await mkdir(join(scratchDir, sessionId, 'archive'), { recursive: true });
    await writeFile(join(scratchDir, sessionId, 'archive', 'r0_00001.mp4'), 'chunk 1');
    const sut = await startWorker({ queue, storage, api, config: { scratchDir, logger: pino({ level: 'silent' }) } });

    await queue.enqueue('live', { ...liveJob(sessionId, 1), recording: true });
    const until = Date.now() + 20_000;
    while (!events.some((e) => e.type === 'ended') && Date.now() < until) await sleep(50);
    // ENDLIST on every playlist, the leftover chunk uploaded, and `ended` reported so the API makes the VOD.
    expect(events).toEqual([{ type: 'ended', mediaSeconds: 4 }]);
    for (const r of ['360p']) expect(storage.text(`live/${sessionId}/${r}/index.m3u8`)).toMatch(/r0_00001\.ts\n#EXT-X-ENDLIST\n$/);
    expect(storage.text(`vod/${sessionId}/archive/r0_00001.mp4`)).toBe('chunk 1');
    while (sut.active() > 0 && Date.now() < until) await sleep(20);
    await sut.stop();
  });
});
